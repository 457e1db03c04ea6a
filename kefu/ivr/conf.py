"""IVR settings, read with defaults so the app needs no shared-settings change.

Every number here is bank policy, not code: override with ``KEFU_IVR_*`` in the deployment settings.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


def _get(name: str, default: Any) -> Any:
    """A setting, else an environment variable of the same name (scalars only), else the default."""
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, (dict, list)):
        import json

        return json.loads(raw)
    return raw if isinstance(default, str) or default is None else type(default)(raw)


def pin_max_attempts() -> int:
    return int(_get("KEFU_IVR_PIN_MAX_ATTEMPTS", 3))


def pin_length() -> int:
    return int(_get("KEFU_IVR_PIN_LENGTH", 6))


def pin_hash_params() -> dict[str, int]:
    # OWASP's argon2id minimum (19 MiB, t=2): slow for a guesser, ~20 ms for one verification.
    return dict(_get("KEFU_IVR_PIN_HASH", {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}))


def otp_threshold_fen() -> int:
    """Transfers of this amount or more need an SMS one-time code."""
    return int(_get("KEFU_IVR_OTP_THRESHOLD_FEN", 5_000_00))


def otp_ttl_seconds() -> int:
    return int(_get("KEFU_IVR_OTP_TTL_SECONDS", 300))


def default_flow_code() -> str:
    return str(_get("KEFU_IVR_FLOW_CODE", "main"))


def callback_threshold() -> int:
    """Offer a callback when this many callers (or more) wait in the agent queue."""
    return int(_get("KEFU_IVR_CALLBACK_QUEUE_THRESHOLD", 10))


def queue_length_provider() -> str:
    """Dotted path of ``f(queue: str) -> QueueStatus``; the default reads the setting below."""
    return str(_get("KEFU_IVR_QUEUE_PROVIDER", "kefu.ivr.queues.static_queue_status"))


def static_queue_lengths() -> dict[str, int]:
    return dict(_get("KEFU_IVR_QUEUE_LENGTHS", {}))


def history_max_days() -> int:
    return int(_get("KEFU_IVR_HISTORY_MAX_DAYS", 90))


def stale_call_minutes() -> int:
    return int(_get("KEFU_IVR_STALE_CALL_MINUTES", 60))


def prompt_dir():
    from pathlib import Path

    return Path(_get("KEFU_IVR_PROMPT_DIR", settings.VAR_DIR / "ivr" / "prompts"))


def espeak_voice() -> str:
    return str(_get("KEFU_IVR_ESPEAK_VOICE", "cmn"))


def espeak_binary() -> str:
    return str(_get("KEFU_IVR_ESPEAK", "espeak-ng"))


def agi_prompt_prefix() -> str:
    """Where Asterisk finds the generated prompts (STREAM FILE path without extension)."""
    return str(_get("KEFU_IVR_AGI_SOUND_PREFIX", str(prompt_dir())))


def public_base_url() -> str:
    return str(_get("KEFU_PUBLIC_BASE_URL", ""))


def agi_pin_workers() -> int:
    """argon2 processes per FastAGI server process (``KEFU_IVR_AGI_PIN_THREADS`` is the older name)."""
    return int(_get("KEFU_IVR_AGI_PIN_WORKERS", _get("KEFU_IVR_AGI_PIN_THREADS", 1)))


def agi_pin_nice() -> int:
    """How much lower the CPU priority of the FastAGI PIN processes is (Linux nice increment; 0 = same)."""
    return int(_get("KEFU_IVR_AGI_PIN_NICE", 10))
