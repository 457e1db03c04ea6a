"""Setup hooks: build the triage model from the shipped corpus (offline, seeded; no database)."""

from __future__ import annotations

import time

from .store import current_path, current_pointer


def shipped_corpus_fingerprint() -> str:
    """The fingerprint a model trained on the shipped corpus records as ``corpus`` in its pointer."""
    from .choices import LABELS
    from .conf import training_seed
    from .model import fingerprint
    from .training import corpus_rows

    return fingerprint([{k: r.get(k) for k in ("text", *LABELS)} for r in corpus_rows()], training_seed())


def is_current_model_of_shipped_corpus() -> bool:
    """True when the current model contains exactly the shipped corpus, with or without agents' corrections."""
    return current_path() is not None and current_pointer().get("corpus") == shipped_corpus_fingerprint()


def build(stdout=None) -> None:
    from .training import build_model

    path = current_path()
    # A model retrained with corrections must not be replaced by a corpus-only one.
    if is_current_model_of_shipped_corpus():
        if stdout:
            stdout.write(f"assist: triage model up to date ({path.name})")
        return
    started = time.perf_counter()
    model, path = build_model(include_feedback=False)
    if stdout:
        stdout.write(f"assist: trained triage model on {model.trained_rows} rows in "
                     f"{time.perf_counter() - started:.1f}s -> {path.name}")
