"""The compiled form of a published flow the engine runs: plain dicts, cached per flow version."""

from __future__ import annotations

from typing import Any, TypedDict


class NodeDef(TypedDict, total=False):
    key: str
    kind: str
    function: str
    prompt: str
    options: dict[str, str]
    next: str
    params: dict[str, Any]
    requires_auth: bool
    timeout_ms: int
    max_digits: int
    barge_in: bool


class FlowDef(TypedDict):
    id: int
    code: str
    version: int
    entry: str
    max_retries: int
    default_queue: str
    nodes: dict[str, NodeDef]


REPEAT = "@repeat"
BACK = "@back"
