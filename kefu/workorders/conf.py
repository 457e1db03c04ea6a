"""App settings, read with defaults so deployments override them without touching shared settings."""

from __future__ import annotations

from django.conf import settings


def get(name: str, default):
    return getattr(settings, name, default)


def attachment_max_bytes() -> int:
    return int(get("KEFU_WORKORDER_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachment_types() -> dict[str, str]:
    """Allowed content types by file suffix (the suffix and the sniffed content must agree)."""
    return get("KEFU_WORKORDER_ATTACHMENT_TYPES", {
        ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
        ".tif": "image/tiff", ".tiff": "image/tiff", ".txt": "text/plain", ".eml": "message/rfc822",
        ".mp3": "audio/mpeg", ".wav": "audio/wav",
    })


def reminder_hours_before() -> list[int]:
    """Hours before a deadline at which the handler is reminded (configurable)."""
    return list(get("KEFU_WORKORDER_REMINDER_HOURS", [24]))


def list_count_limit() -> int:
    """Queues count exactly up to this many matches, then say "N+" (a bank-sized table stays fast)."""
    return int(get("KEFU_WORKORDER_LIST_COUNT_LIMIT", 1000))


def near_breach_hours() -> int:
    return int(get("KEFU_WORKORDER_NEAR_BREACH_HOURS", 24))


def repeat_window_days() -> int:
    return int(get("KEFU_WORKORDER_REPEAT_DAYS", 30))


def repeat_similarity() -> float:
    return float(get("KEFU_WORKORDER_REPEAT_SIMILARITY", 0.3))


def callback_max_attempts() -> int:
    return int(get("KEFU_WORKORDER_CALLBACK_ATTEMPTS", 3))


def webhook_max_attempts() -> int:
    return int(get("KEFU_WORKORDER_WEBHOOK_ATTEMPTS", 6))


def imap_settings() -> dict:
    return get("KEFU_WORKORDER_IMAP", {})


def inbound_email_token() -> str:
    return get("KEFU_WORKORDER_INBOUND_EMAIL_TOKEN", "")
