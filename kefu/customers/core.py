"""The one place this app reaches the core bank (looked up at call time so tests can swap it)."""

from __future__ import annotations

from typing import Any


def core_bank() -> Any:
    from kefu.corebank import adapter

    return adapter.get_core_bank()
