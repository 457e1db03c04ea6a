"""Hooks other apps plug into: readiness checks for /readyz and banners shown on every page.

An app registers in its ``AppConfig.ready()``::

    from kefu.ops.registry import readiness_check, banner
    @readiness_check("calendar")
    def next_year_published() -> CheckResult: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class CheckResult:
    ok: bool
    detail: str = ""
    # A warning keeps the instance ready (HTTP 200) but is reported.
    warning: bool = False


READINESS_CHECKS: dict[str, Callable[[], CheckResult]] = {}
BANNERS: list[Callable[[Any], list[str]]] = []


def readiness_check(name: str) -> Callable[[Callable[[], CheckResult]], Callable[[], CheckResult]]:
    def deco(fn: Callable[[], CheckResult]) -> Callable[[], CheckResult]:
        READINESS_CHECKS[name] = fn
        return fn

    return deco


def banner(fn: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
    BANNERS.append(fn)
    return fn
