"""Agent-queue status for the callback offer, from a configurable provider (``KEFU_IVR_QUEUE_PROVIDER``).

The default provider asks the contact center app when it offers ``kefu.contact.selectors.queue_status``
and otherwise reads ``KEFU_IVR_QUEUE_LENGTHS`` (``{"general": 12}``), which is also how tests and demos
simulate a long queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

from . import conf


@dataclass(frozen=True)
class QueueStatus:
    waiting: int
    estimated_wait_s: int


def static_queue_status(queue: str) -> QueueStatus:
    lengths = conf.static_queue_lengths()
    if queue in lengths:
        waiting = int(lengths[queue])
        return QueueStatus(waiting=waiting, estimated_wait_s=waiting * 45)
    try:
        from kefu.contact.selectors import queue_status  # type: ignore[attr-defined]
    except ImportError:
        return QueueStatus(waiting=0, estimated_wait_s=0)
    try:
        status = queue_status(queue)
    except Exception:  # the callback offer is a convenience: never fail the transfer on it
        return QueueStatus(waiting=0, estimated_wait_s=0)
    return QueueStatus(waiting=int(getattr(status, "waiting", 0)),
                       estimated_wait_s=int(getattr(status, "estimated_wait_s", 0)))


def queue_status(queue: str) -> QueueStatus:
    return import_string(conf.queue_length_provider())(queue)
