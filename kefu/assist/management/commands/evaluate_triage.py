"""``manage.py evaluate_triage --input FILE``: accuracy, macro-F1 and confusion matrix per label."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.assist.choices import LABELS
from kefu.assist.evaluation import format_report, score
from kefu.assist.triage import current_model, triage_many


class Command(BaseCommand):
    help = "在带标注的JSON Lines上评估分类效果（准确率、宏F1、混淆矩阵、紧急召回率）"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON Lines with text and gold labels")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the metrics as one JSON object too")

    def handle(self, *args, input, as_json: bool, **options):
        gold, skipped = [], 0
        try:
            lines = Path(input).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"cannot read {input}: {exc}") from exc
        for line in lines:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                skipped += 1
                continue
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row.get("kind"):
                skipped += 1
                continue
            gold.append(row)
        if not gold:
            raise CommandError("no labelled lines (need text and the gold labels)")
        model = current_model(self.stderr)
        predicted = [r.labels() for r in triage_many([g["text"] for g in gold], model=model)]
        result = score(gold, predicted)
        self.stdout.write(format_report(result))
        if skipped:
            self.stdout.write(f"skipped lines: {skipped}")
        if as_json:
            self.stdout.write(json.dumps({
                "rows": result["rows"], "urgent_recall": result["urgent_recall"],
                **{label: {"accuracy": r.accuracy, "macro_f1": r.macro_f1, "n": r.support}
                   for label, r in result["labels"].items() if label in LABELS},
            }, ensure_ascii=False))
