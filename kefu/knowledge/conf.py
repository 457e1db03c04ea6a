"""Settings of the knowledge app, read with defaults (override in the environment's settings)."""

from __future__ import annotations

from django.conf import settings


def bot_confidence_threshold() -> float:
    return float(getattr(settings, "KEFU_BOT_CONFIDENCE", 0.6))


def index_check_seconds() -> float:
    """How long a process may serve search from its index before checking the shared change counter."""
    return float(getattr(settings, "KEFU_KNOWLEDGE_INDEX_CHECK_SECONDS", 1.0))


def compliance_units_only() -> bool:
    """Compliance reviewers must sit in a risk/compliance or service-management unit (maker-checker)."""
    return bool(getattr(settings, "KEFU_KNOWLEDGE_COMPLIANCE_UNITS_ONLY", True))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "KEFU_KNOWLEDGE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


ALLOWED_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
