"""Triage benchmark: model load time and throughput on one core, against a rules-only baseline.

    .venv/bin/python bench/triage.py [--scale N] [--quality]

--scale N   number of texts to classify (default 5000; texts drawn from the shipped corpus and held-out file)
--quality   also train on 80% of the corpus seeds and report the figures on the other 20% (a split by seed,
            so no variant of a test seed is seen in training), plus the figures on both held-out files.

Targets (issue 7): load < 2 s, >= 1,000 texts/s on one core.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run from bench/: put the repo root first instead of this folder, whose other benchmarks' names
# (calendar.py) would shadow the standard library.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

# One core: BLAS and friends must not spread the work across the machine.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

import django  # noqa: E402

django.setup()

from kefu.assist import rules  # noqa: E402
from kefu.assist.choices import LABELS  # noqa: E402
from kefu.assist.evaluation import format_report, score  # noqa: E402
from kefu.assist.model import train  # noqa: E402
from kefu.assist.setup import build as build_if_stale  # noqa: E402
from kefu.assist.store import current_path, load  # noqa: E402
from kefu.assist.text import normalize  # noqa: E402
from kefu.assist.training import HELDOUT_PATH, build_model, corpus_rows, read_jsonl  # noqa: E402
from kefu.assist.triage import triage, triage_many  # noqa: E402

# Two blind files by different authors, never trained on: heldout.jsonl (written with the seeds' team)
# and heldout2.jsonl (written later by another author before reading the seeds).
HELDOUT_FILES = (HELDOUT_PATH, HELDOUT_PATH.with_name("heldout2.jsonl"))


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def speed(scale: int) -> None:
    build_if_stale()
    path = current_path()
    if path is None:
        print("no model yet: training one")
        _, path = build_model(include_feedback=False)
    started = time.perf_counter()
    model = load(path)
    load_s = time.perf_counter() - started
    pool = [r["text"] for r in corpus_rows()] + [r["text"] for r in read_jsonl(HELDOUT_PATH)]
    rng = random.Random(1)
    texts = [rng.choice(pool) for _ in range(scale)]

    started = time.perf_counter()
    for text in texts:
        rules.detect(normalize(text))
    baseline = _rate(len(texts), time.perf_counter() - started)

    started = time.perf_counter()
    for text in texts:
        triage(text, model=model)
    single = _rate(len(texts), time.perf_counter() - started)

    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        triage_many(texts[i:i + 256], model=model)
    batch = _rate(len(texts), time.perf_counter() - started)

    print(f"model file: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"load: {load_s:.3f} s (target < 2 s)")
    print(f"texts: {len(texts)}")
    print(f"baseline rules only (normalise + rules): {baseline:,.0f} texts/s")
    print(f"triage one call per text:              {single:,.0f} texts/s (target >= 1,000; "
          f"{single / baseline:.2f}x baseline)")
    print(f"triage batches of 256 (CLI path):      {batch:,.0f} texts/s ({batch / baseline:.2f}x baseline)")


def split_by_seed(rows: list[dict], *, fraction: float, seed: int) -> tuple[list[dict], list[dict]]:
    seeds = sorted({r["seed_id"] for r in rows})
    random.Random(seed).shuffle(seeds)
    test = set(seeds[: int(len(seeds) * fraction)])
    return [r for r in rows if r["seed_id"] not in test], [r for r in rows if r["seed_id"] in test]


def quality(splits: int = 3) -> None:
    """Seed-split figures averaged over ``splits`` different random splits (they vary a lot: a test
    seed is a phrasing the model never saw, and one split may hold the hard ones)."""
    rows = corpus_rows()
    per_split = []
    for split_seed in range(1, splits + 1):
        train_rows, test_rows = split_by_seed(rows, fraction=0.2, seed=split_seed)
        model = train([{k: r.get(k) for k in ("text", *LABELS)} for r in train_rows], seed=split_seed)
        predicted = [r.labels() for r in triage_many([r["text"] for r in test_rows], model=model)]
        result = score(test_rows, predicted)
        per_split.append(result)
        print(f"\n== corpus split by seed #{split_seed}: train {len(train_rows)} rows, test {len(test_rows)} ==")
        print(format_report(result, matrices=False))
    print(f"\n== mean over {splits} seed splits ==")
    for label in LABELS:
        accuracy = sum(r["labels"][label].accuracy for r in per_split) / splits
        macro_f1 = sum(r["labels"][label].macro_f1 for r in per_split) / splits
        print(f"[{label}] accuracy={accuracy:.4f} macro_f1={macro_f1:.4f}")
    print(f"urgent_recall={sum(r['urgent_recall'] for r in per_split) / splits:.4f}")
    build_if_stale()  # the shipped corpus may have changed since the current model was trained
    path = current_path() or build_model(include_feedback=False)[1]
    model = load(path)
    for heldout_path in HELDOUT_FILES:
        rows_out = read_jsonl(heldout_path)
        predicted = [r.labels() for r in triage_many([r["text"] for r in rows_out], model=model)]
        print(f"\n== held-out file {heldout_path.name} (full model) ==")
        print(format_report(score(rows_out, predicted), matrices=False))
    heldout = read_jsonl(HELDOUT_PATH)
    baseline = [{"kind": "complaint" if rules.detect(normalize(r["text"])).signals else "consultation",
                 "severity": "urgent" if rules.detect(normalize(r["text"])).urgent else "general"}
                for r in heldout]
    result = score(heldout, baseline)
    print(f"baseline rules only on the held-out file: kind macro-F1 {result['labels']['kind'].macro_f1:.3f}, "
          f"urgent recall {result['urgent_recall']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=5000)
    parser.add_argument("--quality", action="store_true")
    args = parser.parse_args()
    speed(args.scale)
    if args.quality:
        quality()


if __name__ == "__main__":
    main()
