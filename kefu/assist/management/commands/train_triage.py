"""Train the triage model (seeded, reproducible) from the shipped corpus plus agents' corrections."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from kefu.assist.training import build_model
from kefu.assist.triage import reset_cache


class Command(BaseCommand):
    help = "训练工单智能分类模型（固定随机种子，可复现）"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=None, help="random seed (default KEFU_TRIAGE_SEED)")
        parser.add_argument("--no-feedback", action="store_true", help="ignore agents' corrections")
        parser.add_argument("--corpus", type=Path, default=None, help="JSON Lines corpus (default: shipped)")
        parser.add_argument("--out-dir", type=Path, default=None, help="model directory (default var/models)")

    def handle(self, *args, seed, no_feedback, corpus, out_dir, **options):
        started = time.perf_counter()
        model, path = build_model(seed=seed, include_feedback=not no_feedback, corpus=corpus, directory=out_dir)
        reset_cache()
        self.stdout.write(f"trained {model.trained_rows} rows in {time.perf_counter() - started:.1f}s -> {path}")
