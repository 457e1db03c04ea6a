"""Training from the shipped corpus plus agents' corrections (``TriageFeedback``)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from .choices import LABELS
from .conf import training_seed
from .model import TriageModel, fingerprint, train
from .store import save

logger = logging.getLogger("kefu.assist")

CORPUS_PATH = Path(__file__).resolve().parent / "data" / "corpus.jsonl"
HELDOUT_PATH = Path(__file__).resolve().parent / "data" / "heldout.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_rows(path: Path | None = None) -> list[dict]:
    return read_jsonl(path or CORPUS_PATH)


def feedback_rows() -> list[dict]:
    """Corrections kept for training, oldest first (so the fingerprint is stable as rows are added).

    An unmigrated or unreachable database means no corrections yet, not a failed training: the CLI
    must work on a fresh checkout.
    """
    from django.db import DatabaseError

    from .models import TriageFeedback

    try:
        return [{"text": fb.text, **fb.labels()}
                for fb in TriageFeedback.objects.filter(used_for_training=True).order_by("pk")]
    except DatabaseError:
        logger.warning("triage feedback not readable (database not migrated?): training on the corpus only")
        return []


def build_model(*, seed: int | None = None, include_feedback: bool = True, corpus: Path | None = None,
                directory: Path | None = None) -> tuple[TriageModel, Path]:
    """Train and save; returns the model and its file. Deterministic for the same rows and seed."""
    seed = training_seed() if seed is None else seed
    rows = [{k: r.get(k) for k in ("text", *LABELS)} for r in corpus_rows(corpus)]
    corpus_fingerprint = fingerprint(rows, seed)
    if include_feedback:
        rows += feedback_rows()
    model = train(rows, seed=seed)
    # Which shipped corpus this model contains (with or without corrections): setup skips rebuilding it.
    model.meta["corpus"] = corpus_fingerprint
    return model, save(model, directory)
