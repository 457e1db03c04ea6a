"""Per-request context (request id, client address, user) carried in contextvars.

Set by ``RequestIdMiddleware`` / ``RequestContextMiddleware``; read by the audit trail and the log filter,
so neither needs the request object passed down through services.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""


_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("kefu_request", default=RequestContext())  # noqa: B039 (frozen)


def current_request_context() -> RequestContext:
    return _context.get()


def set_request_context(ctx: RequestContext) -> contextvars.Token:
    return _context.set(ctx)


def reset_request_context(token: contextvars.Token) -> None:
    _context.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex
