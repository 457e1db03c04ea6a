"""App settings, read with defaults so the shared settings file needs no change."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def model_dir() -> Path:
    configured = getattr(settings, "KEFU_TRIAGE_MODEL_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "models"


def training_seed() -> int:
    return int(getattr(settings, "KEFU_TRIAGE_SEED", 20261122))


def max_text_chars() -> int:
    return int(getattr(settings, "KEFU_TRIAGE_MAX_CHARS", 4000))
