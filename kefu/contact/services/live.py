"""Live updates to browsers through the Channels layer (in-memory by default, Redis when configured)."""

from __future__ import annotations

import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("kefu.contact.live")

WALLBOARD_GROUP = "contact.wallboard"


def agent_group(agent_id: int) -> str:
    return f"contact.agent.{agent_id}"


def interaction_group(interaction_id: int) -> str:
    return f"contact.interaction.{interaction_id}"


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a live-update failure must never break the write that triggered it
        logger.warning("live update to %s failed", group, exc_info=True)


def publish_on_commit(group: str, event_type: str, **payload) -> None:
    transaction.on_commit(partial(_send, group, {"type": event_type, **payload}))
