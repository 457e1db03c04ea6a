"""Settings of the core-banking adapter, read with defaults (``settings.KEFU_CORE_BANK_*`` or environment)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

# Transfer limits per channel when no TransferLimitRule row exists: (per transaction, daily) in fen.
DEFAULT_LIMITS_FEN: dict[str, tuple[int, int]] = {
    "phone": (50_000_00, 200_000_00),      # 电话银行：单笔5万，日累计20万
    "ivr": (50_000_00, 200_000_00),
    "mobile": (200_000_00, 500_000_00),
    "online": (500_000_00, 1_000_000_00),
    "counter": (10**13, 10**14),
    "transfer": (50_000_00, 200_000_00),
}


def _get(name: str, default: Any) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    return type(default)(raw) if not isinstance(default, str) else raw


def default_limits() -> dict[str, tuple[int, int]]:
    return _get("KEFU_CORE_BANK_DEFAULT_LIMITS", DEFAULT_LIMITS_FEN)


def http_token() -> str:
    """Bearer token HttpCoreBank sends to the service bus."""
    return _get("KEFU_CORE_BANK_TOKEN", "")


def sandbox_server_token() -> str:
    """Token the sandbox server (``/api/v1/corebank-sandbox``) accepts; empty disables the server."""
    return _get("KEFU_CORE_BANK_SANDBOX_TOKEN", "")


def connect_timeout() -> float:
    return float(_get("KEFU_CORE_BANK_CONNECT_TIMEOUT", 2.0))


def read_timeout() -> float:
    return float(_get("KEFU_CORE_BANK_READ_TIMEOUT", 5.0))


def retries() -> int:
    return int(_get("KEFU_CORE_BANK_RETRIES", 2))


def backoff_seconds() -> float:
    return float(_get("KEFU_CORE_BANK_BACKOFF_SECONDS", 0.2))


def breaker_failures() -> int:
    return int(_get("KEFU_CORE_BANK_BREAKER_FAILURES", 5))


def breaker_reset_seconds() -> float:
    return float(_get("KEFU_CORE_BANK_BREAKER_RESET_SECONDS", 30.0))


def breaker_half_open_calls() -> int:
    return int(_get("KEFU_CORE_BANK_BREAKER_HALF_OPEN_CALLS", 1))
