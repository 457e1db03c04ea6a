"""The online chat channel: bot first (knowledge base answers), hand-over to a human with the transcript."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.audit.services import record
from kefu.common.errors import NotFound, ValidationFailed
from kefu.pii.masking import mask_text
from kefu.pii.validators import find_c3

from .. import conf
from ..choices import ContactChannel, InteractionStatus, SenderKind
from ..models import ChatMessage, Interaction, Queue
from .interactions import enqueue, offer_interaction
from .live import interaction_group, publish_on_commit

MAX_MESSAGE = 2000
C3_REDACTED = "[已屏蔽：请勿在对话中发送密码、卡片安全码等信息]"
OPEN = [InteractionStatus.OFFERED, InteractionStatus.QUEUED, InteractionStatus.ALERTING,
        InteractionStatus.ANSWERED, InteractionStatus.HELD]


def chat_queue() -> Queue:
    queue = Queue.objects.filter(code=conf.chat_queue_code(), active=True).first()
    if queue is None:
        raise ValidationFailed("在线客服队列未配置", code="contact.chat_queue_missing")
    return queue


def start_chat(*, customer: Any = None, visitor_label: str = "", subject: str = "") -> tuple[Interaction, str]:
    """A visitor opens the widget: an interaction kept with the bot; returns it and the visitor's secret key."""
    key = secrets.token_urlsafe(24)
    interaction = offer_interaction(channel=ContactChannel.CHAT, queue=chat_queue(), actor=None, customer=customer,
                                    contact_address=visitor_label[:60], subject=subject, queue_now=False,
                                    meta={"chat_key_hash": _hash(key)})
    greet = "您好，我是智能客服小服。请问有什么可以帮您？需要人工服务请输入“人工”。"
    post_message(interaction=interaction, sender=SenderKind.BOT, text=greet)
    return interaction, key


def _hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


def interaction_for_key(interaction_id: int, key: str) -> Interaction:
    interaction = Interaction.objects.filter(pk=interaction_id, channel=ContactChannel.CHAT).first()
    if interaction is None or not key or interaction.meta.get("chat_key_hash") != _hash(key):
        raise NotFound()
    return interaction


def _clean(text: str) -> str:
    text = (text or "").strip()[:MAX_MESSAGE]
    if find_c3(text):
        return C3_REDACTED
    # Card, ID and phone numbers typed into a chat are stored masked (the agent can ask again if needed).
    return mask_text(text)


def post_message(*, interaction: Interaction, sender: str, text: str, agent: Any = None) -> ChatMessage:
    if not (text or "").strip():
        raise ValidationFailed("消息不能为空", code="contact.empty_message", fields={"text": "required"})
    if interaction.status not in OPEN:
        raise ValidationFailed("会话已结束", code="contact.chat_closed")
    with transaction.atomic():
        message = ChatMessage.objects.create(interaction=interaction, sender=sender, agent=agent, text=_clean(text))
        if sender == SenderKind.AGENT:
            record(actor=agent.user if agent else None, action="contact.chat_message", obj=interaction,
                   changes={"message": message.pk})
        publish_on_commit(interaction_group(interaction.pk), "chat.message", message=serialize(message))
    return message


def mark_read(*, interaction: Interaction, reader: str, up_to_id: int) -> int:
    """The other side has seen messages up to ``up_to_id``."""
    others = [s for s in SenderKind.values if s != reader and not (reader == "customer" and s == "bot")]
    n = ChatMessage.objects.filter(interaction=interaction, pk__lte=up_to_id, read_at__isnull=True,
                                   sender__in=others).update(read_at=timezone.now())
    if n:
        publish_on_commit(interaction_group(interaction.pk), "chat.read", reader=reader, up_to_id=up_to_id)
    return n


def serialize(message: ChatMessage) -> dict:
    return {"id": message.pk, "sender": message.sender, "text": message.text,
            "at": message.created_at.isoformat(), "read": message.read_at is not None}


def wants_human(text: str) -> bool:
    return any(word in text.lower() for word in conf.handover_keywords())


def customer_says(*, interaction: Interaction, text: str) -> list[ChatMessage]:
    """A customer message: stored, then answered by the bot unless a human has taken over."""
    out = [post_message(interaction=interaction, sender=SenderKind.CUSTOMER, text=text)]
    interaction.refresh_from_db()
    if interaction.status != InteractionStatus.OFFERED:
        return out  # queued or with an agent: the human answers
    if wants_human(text):
        return out + hand_over(interaction=interaction, reason="customer_request")
    answer = _bot_answer(text)
    if answer is not None:
        out.append(post_message(interaction=interaction, sender=SenderKind.BOT,
                                text=f"{answer.answer_text}\n\n（以上内容来自《{answer.title}》。未解决请输入“人工”。）"))
        ChatMessage.objects.filter(pk=out[-1].pk).update(meta={"article_id": answer.article_id,
                                                                 "confidence": round(answer.confidence, 3)})
        return out
    return out + hand_over(interaction=interaction, reason="low_confidence")


def _bot_answer(text: str):
    try:
        from kefu.knowledge.services import best_answer
    except ImportError:
        return None
    answer = best_answer(text, audience="customer")
    if answer is None or answer.confidence < conf.bot_confidence():
        return None
    return answer


def hand_over(*, interaction: Interaction, reason: str) -> list[ChatMessage]:
    msg = post_message(interaction=interaction, sender=SenderKind.BOT,
                       text="正在为您转接人工客服，请稍候。之前的对话内容会一并转给客服。")
    enqueue(interaction=interaction, actor=None)
    record(actor=None, action="contact.chat_handover", obj=interaction, changes={"reason": reason})
    return [msg]
