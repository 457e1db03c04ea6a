"""Metrics for ``evaluate_triage`` and the docs: accuracy, macro-F1, confusion matrix, urgent recall.

Category and severity are scored on the rows whose gold kind is a complaint (null elsewhere by design);
a predicted null where the gold has a value counts as the class "null" (a miss).
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from .choices import COMPLAINT_ONLY, LABELS

NULL = "null"


@dataclass
class LabelReport:
    label: str
    support: int
    accuracy: float
    macro_f1: float
    classes: list[str]
    matrix: list[list[int]]


def _value(row: dict, label: str) -> str:
    value = row.get(label)
    return NULL if value in (None, "") else str(value)


def score(gold: list[dict], predicted: list[dict]) -> dict:
    """Per-label reports plus ``urgent_recall`` (share of gold-urgent complaints predicted urgent)."""
    reports: dict[str, LabelReport] = {}
    for label in LABELS:
        pairs = [(g, p) for g, p in zip(gold, predicted, strict=True)
                 if label not in COMPLAINT_ONLY or g.get("kind") == "complaint"]
        y_true = [_value(g, label) for g, _ in pairs]
        y_pred = [_value(p, label) for _, p in pairs]
        if not y_true:
            continue
        gold_classes = sorted(set(y_true))
        classes = gold_classes + sorted(set(y_pred) - set(gold_classes))
        reports[label] = LabelReport(
            label=label,
            support=len(y_true),
            accuracy=float(accuracy_score(y_true, y_pred)),
            # Macro-F1 over the gold classes: a class the gold never uses should not dilute the mean.
            macro_f1=float(f1_score(y_true, y_pred, labels=gold_classes, average="macro", zero_division=0)),
            classes=classes,
            matrix=confusion_matrix(y_true, y_pred, labels=classes).tolist(),
        )
    urgent = [(g, p) for g, p in zip(gold, predicted, strict=True) if g.get("severity") == "urgent"]
    urgent_recall = (sum(1 for _, p in urgent if p.get("severity") == "urgent") / len(urgent)) if urgent else None
    return {"labels": reports, "urgent_recall": urgent_recall, "urgent_support": len(urgent), "rows": len(gold)}


def format_report(result: dict, *, matrices: bool = True) -> str:
    lines = [f"rows: {result['rows']}"]
    for report in result["labels"].values():
        lines.append(f"[{report.label}] n={report.support} accuracy={report.accuracy:.4f} "
                     f"macro_f1={report.macro_f1:.4f}")
        if matrices:
            width = max(len(c) for c in report.classes)
            lines.append("  confusion (rows=gold, cols=predicted; columns in this order):")
            lines.append("  " + " ".join(f"{i:>4}" for i in range(len(report.classes))))
            for i, (cls, row) in enumerate(zip(report.classes, report.matrix, strict=True)):
                lines.append(f"  {' '.join(f'{v:>4}' for v in row)}  {i:>2} {cls:<{width}}")
    if result["urgent_recall"] is None:
        lines.append("urgent_recall: n/a (no urgent rows)")
    else:
        lines.append(f"urgent_recall: {result['urgent_recall']:.4f} (n={result['urgent_support']})")
    return "\n".join(lines)
