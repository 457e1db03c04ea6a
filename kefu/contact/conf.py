from django.conf import settings


def bot_confidence() -> float:
    return float(getattr(settings, "KEFU_BOT_CONFIDENCE", 0.6))


def chat_queue_code() -> str:
    return getattr(settings, "KEFU_CHAT_QUEUE", "chat")


def handover_keywords() -> tuple[str, ...]:
    return tuple(getattr(settings, "KEFU_CHAT_HANDOVER_WORDS", ("人工", "转人工", "客服", "真人", "agent", "human")))
