"""The JSON shapes of the HTTP contract (``docs/corebank-openapi.yaml``), shared by server and client.

Dates are ``YYYY-MM-DD``, datetimes ISO 8601 with offset and microseconds, money integer fen. One
function per direction keeps the sandbox server and ``HttpCoreBank`` from drifting apart.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any, TypeVar

from . import adapter

T = TypeVar("T")

# code -> error class on the client side; anything else becomes a CoreBankError with the code kept.
ERRORS: dict[str, type[adapter.CoreBankError]] = {
    cls.code: cls for cls in (adapter.CoreBankUnavailable, adapter.LimitExceeded, adapter.InsufficientFunds,
                              adapter.MediumFrozen, adapter.NotRegisteredPayee, adapter.UnknownObject,
                              adapter.InvalidRequest, adapter.IdempotencyConflict, adapter.InvalidState)
}


def dump(obj: Any) -> Any:
    """A dataclass (or list of them) as JSON-ready data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: dump(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list):
        return [dump(item) for item in obj]
    if isinstance(obj, dict):
        return {key: dump(value) for key, value in obj.items()}
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def load(cls: type[T], data: dict[str, Any]) -> T:
    """The dataclass ``cls`` from contract JSON (unknown keys are ignored for forward compatibility)."""
    values = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        value = data[f.name]
        kind = str(f.type)
        if value is not None and kind.startswith("datetime"):
            value = datetime.fromisoformat(value)
        elif value is not None and kind.startswith("date"):
            value = date.fromisoformat(value)
        values[f.name] = value
    return cls(**values)


def error_from(status: int, body: Any) -> adapter.CoreBankError:
    body = body if isinstance(body, dict) else {}
    code = str(body.get("code") or "corebank.error")
    message = body.get("message") or "核心系统返回错误"
    fields = body.get("fields") if isinstance(body.get("fields"), dict) else {}
    cls = ERRORS.get(code)
    if cls is None:
        cls = adapter.InvalidRequest if status in (400, 422) else adapter.CoreBankError
        return cls(message, code=code, fields=fields, status=status)
    return cls(message, fields=fields)
