"""Setup hooks: build the triage model from the shipped corpus (offline, seeded; no database)."""

from __future__ import annotations

import time

from .store import current_path, current_pointer


def build(stdout=None) -> None:
    from .choices import LABELS
    from .conf import training_seed
    from .model import fingerprint
    from .training import build_model, corpus_rows

    rows = [{k: r.get(k) for k in ("text", *LABELS)} for r in corpus_rows()]
    path = current_path()
    # Skip when the current model contains exactly the shipped corpus, with or without agents'
    # corrections (a model retrained with corrections must not be replaced by a corpus-only one).
    if path is not None and current_pointer().get("corpus") == fingerprint(rows, training_seed()):
        if stdout:
            stdout.write(f"assist: triage model up to date ({path.name})")
        return
    started = time.perf_counter()
    model, path = build_model(include_feedback=False)
    if stdout:
        stdout.write(f"assist: trained triage model on {model.trained_rows} rows in "
                     f"{time.perf_counter() - started:.1f}s -> {path.name}")
