"""Training from the shipped corpus plus agents' corrections (``TriageFeedback``)."""

from __future__ import annotations

import json
from pathlib import Path

from .choices import LABELS
from .conf import training_seed
from .model import TriageModel, train
from .store import save

CORPUS_PATH = Path(__file__).resolve().parent / "data" / "corpus.jsonl"
HELDOUT_PATH = Path(__file__).resolve().parent / "data" / "heldout.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_rows(path: Path | None = None) -> list[dict]:
    return read_jsonl(path or CORPUS_PATH)


def feedback_rows() -> list[dict]:
    """Corrections kept for training, oldest first (so the fingerprint is stable as rows are added)."""
    from .models import TriageFeedback

    rows = []
    for fb in TriageFeedback.objects.filter(used_for_training=True).order_by("pk"):
        rows.append({"text": fb.text, **fb.labels()})
    return rows


def build_model(*, seed: int | None = None, include_feedback: bool = True, corpus: Path | None = None,
                directory: Path | None = None) -> tuple[TriageModel, Path]:
    """Train and save; returns the model and its file. Deterministic for the same rows and seed."""
    rows = [{k: r.get(k) for k in ("text", *LABELS)} for r in corpus_rows(corpus)]
    if include_feedback:
        rows += feedback_rows()
    model = train(rows, seed=training_seed() if seed is None else seed)
    return model, save(model, directory)
