"""WebSocket consumers: the customer's chat widget, the agent desktop and the wallboard."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from kefu.common.errors import KefuError

from .choices import InteractionStatus, SenderKind
from .services.live import WALLBOARD_GROUP, agent_group, interaction_group

logger = logging.getLogger(__name__)


class _GroupRelay:
    """Forward group events (chat.message, chat.read, chat.typing, interaction.*) to the socket as JSON."""

    async def chat_message(self, event):
        await self.send(text_data=json.dumps({"type": "message", **event["message"]}, ensure_ascii=False))

    async def chat_read(self, event):
        await self.send(text_data=json.dumps({"type": "read", "reader": event["reader"],
                                              "up_to_id": event["up_to_id"]}))

    async def chat_typing(self, event):
        if event.get("channel_name") != self.channel_name:
            await self.send(text_data=json.dumps({"type": "typing", "who": event["who"]}))

    async def interaction_changed(self, event):
        await self.send(text_data=json.dumps({"type": "interaction", "id": event["interaction_id"],
                                              "status": event["status"]}))

    async def interaction_offered(self, event):
        await self.send(text_data=json.dumps({"type": "offered", "id": event["interaction_id"],
                                              "channel": event["channel"], "customer_id": event["customer_id"]}))

    async def agent_state(self, event):
        await self.send(text_data=json.dumps({"type": "agent_state", "agent_id": event["agent_id"],
                                              "state": event["state"]}))


class CustomerChatConsumer(_GroupRelay, AsyncWebsocketConsumer):
    async def connect(self):
        from .services.chat import interaction_for_key

        self.interaction_id = int(self.scope["url_route"]["kwargs"]["interaction_id"])
        key = parse_qs(self.scope.get("query_string", b"").decode()).get("key", [""])[0]
        try:
            self.interaction = await database_sync_to_async(interaction_for_key)(self.interaction_id, key)
        except KefuError:
            await self.close(code=4404)
            return
        self.group = interaction_group(self.interaction_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        for message in await database_sync_to_async(_transcript)(self.interaction_id):
            await self.send(text_data=json.dumps({"type": "message", **message}, ensure_ascii=False))

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        from .services.chat import customer_says, mark_read

        try:
            data = json.loads(text_data or "{}")
        except ValueError:
            await self.send(text_data=json.dumps({"type": "error", "code": "bad_request.malformed_json"}))
            return
        kind = data.get("type")
        try:
            if kind == "message":
                await database_sync_to_async(customer_says)(interaction=self.interaction, text=str(data.get("text", "")))
            elif kind == "typing":
                await self.channel_layer.group_send(self.group, {"type": "chat.typing", "who": "customer",
                                                                 "channel_name": self.channel_name})
            elif kind == "read":
                await database_sync_to_async(mark_read)(interaction=self.interaction, reader="customer",
                                                        up_to_id=int(data.get("up_to_id", 0)))
        except KefuError as exc:
            await self.send(text_data=json.dumps({"type": "error", "code": exc.code, "message": exc.message},
                                                 ensure_ascii=False))
        except Exception as exc:  # a malformed frame or a database hiccup must not kill the chat
            # The customer gets a plain retry hint, never an exception name; the log has no message text (PII).
            logger.warning("chat frame failed", extra={"interaction": self.interaction_id, "frame": kind,
                                                       "error": type(exc).__name__})
            if kind == "message":  # a lost read receipt or typing hint is not worth alarming the customer
                await self.send(text_data=json.dumps({"type": "error", "code": "contact.chat_frame_failed",
                                                      "message": "发送失败，请稍后重试"}, ensure_ascii=False))


def _transcript(interaction_id: int) -> list[dict]:
    from .models import ChatMessage
    from .services.chat import serialize

    return [serialize(m) for m in ChatMessage.objects.filter(interaction_id=interaction_id)]


def _agent_context(user) -> tuple[int | None, list[int]]:
    from .models import AgentProfile, Interaction

    profile = AgentProfile.objects.filter(user=user).first()
    if profile is None or not user.has_kefu_perm("contact.desktop"):
        return None, []
    active = list(Interaction.objects.filter(agent=profile, status__in=[
        InteractionStatus.ALERTING, InteractionStatus.ANSWERED, InteractionStatus.HELD,
        InteractionStatus.WRAP_UP]).values_list("pk", flat=True))
    return profile.pk, active


class AgentDesktopConsumer(_GroupRelay, AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.agent_id, active = await database_sync_to_async(_agent_context)(user)
        if self.agent_id is None:
            await self.close(code=4403)
            return
        self.groups_joined = [agent_group(self.agent_id)] + [interaction_group(i) for i in active]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def interaction_offered(self, event):
        group = interaction_group(event["interaction_id"])
        if group not in self.groups_joined:
            self.groups_joined.append(group)
            await self.channel_layer.group_add(group, self.channel_name)
        await super().interaction_offered(event)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            data = json.loads(text_data or "{}")
            interaction_id = int(data.get("interaction", 0))
        except (ValueError, TypeError):
            await self.send(text_data=json.dumps({"type": "error", "code": "bad_request"}))
            return
        if interaction_group(interaction_id) not in self.groups_joined:
            await self.send(text_data=json.dumps({"type": "error", "code": "not_found"}))
            return
        if data.get("type") == "typing":
            await self.channel_layer.group_send(interaction_group(interaction_id), {
                "type": "chat.typing", "who": "agent", "channel_name": self.channel_name})
        elif data.get("type") == "message":
            try:
                await database_sync_to_async(_agent_message)(self.agent_id, interaction_id, str(data.get("text", "")))
            except KefuError as exc:
                await self.send(text_data=json.dumps({"type": "error", "code": exc.code, "message": exc.message},
                                                     ensure_ascii=False))
        elif data.get("type") == "read":
            await database_sync_to_async(_agent_read)(interaction_id, int(data.get("up_to_id", 0)))


def _agent_message(agent_id: int, interaction_id: int, text: str) -> None:
    from .models import AgentProfile, Interaction
    from .services.chat import post_message

    agent = AgentProfile.objects.select_related("user").get(pk=agent_id)
    interaction = Interaction.objects.get(pk=interaction_id, agent=agent)
    post_message(interaction=interaction, sender=SenderKind.AGENT, text=text, agent=agent)


def _agent_read(interaction_id: int, up_to_id: int) -> None:
    from .models import Interaction
    from .services.chat import mark_read

    mark_read(interaction=Interaction.objects.get(pk=interaction_id), reader="agent", up_to_id=up_to_id)


class WallboardConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await database_sync_to_async(
                user.has_kefu_perm)("contact.wallboard"):
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(WALLBOARD_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(WALLBOARD_GROUP, self.channel_name)

    async def interaction_changed(self, event):
        await self.send(text_data=json.dumps({"type": "refresh"}))

    async def agent_state(self, event):
        await self.send(text_data=json.dumps({"type": "refresh"}))
