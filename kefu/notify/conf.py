"""Notification settings (environment-driven through kefu.settings, with defaults here)."""

from django.conf import settings


def sms_gateway() -> str:
    return getattr(settings, "KEFU_SMS_GATEWAY", "file")


def email_gateway() -> str:
    return getattr(settings, "KEFU_EMAIL_GATEWAY", "file")


def quiet_hours() -> str:
    # Non-urgent messages are held during these local (Asia/Shanghai) hours; "" disables quiet hours.
    return getattr(settings, "KEFU_QUIET_HOURS", "21:00-08:00")


def max_attempts() -> int:
    return int(getattr(settings, "KEFU_NOTIFY_MAX_ATTEMPTS", 6))


def backoff_seconds(attempt: int) -> int:
    base = int(getattr(settings, "KEFU_NOTIFY_BACKOFF_SECONDS", 30))
    return min(base * 2 ** max(attempt - 1, 0), 3600)


def http_sms_url() -> str:
    return getattr(settings, "KEFU_SMS_HTTP_URL", "")


def http_sms_token() -> str:
    return getattr(settings, "KEFU_SMS_HTTP_TOKEN", "")


def smpp() -> dict:
    return {
        "host": getattr(settings, "KEFU_SMPP_HOST", "127.0.0.1"),
        "port": int(getattr(settings, "KEFU_SMPP_PORT", 2775)),
        "system_id": getattr(settings, "KEFU_SMPP_SYSTEM_ID", ""),
        "password": getattr(settings, "KEFU_SMPP_PASSWORD", ""),
        "source_addr": getattr(settings, "KEFU_SMPP_SOURCE_ADDR", "95500"),
    }


def outbox_dir():
    return settings.VAR_DIR / "outbox"
