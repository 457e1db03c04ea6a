"""Pluggable delivery gateways for SMS and email.

Built in: ``console`` (writes a masked line to the log), ``file`` (appends JSON lines to
``var/outbox/<channel>.jsonl``, the default for development), ``http`` (a JSON SMS gateway of the bank),
``smpp`` (SMPP 3.4 via smpplib) and ``django_mail`` (Django's email backend: SMTP in production).
Register more with :func:`register_gateway`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

from . import conf
from .choices import Channel

logger = logging.getLogger("kefu.notify")


@dataclass(frozen=True)
class GatewayResult:
    ok: bool
    message_id: str = ""
    error: str = ""
    retryable: bool = True


class Gateway(Protocol):
    def send(self, notification) -> GatewayResult: ...


_REGISTRY: dict[str, type] = {}


def register_gateway(name: str, cls: type) -> None:
    _REGISTRY[name] = cls


def gateway_for(channel: str) -> tuple[str, Gateway]:
    name = conf.sms_gateway() if channel == Channel.SMS else conf.email_gateway()
    if name not in _REGISTRY:
        raise KeyError(f"unknown notification gateway {name!r}")
    return name, _REGISTRY[name]()


class ConsoleGateway:
    def send(self, notification) -> GatewayResult:
        # Only the masked recipient reaches the log; the body may carry personal data.
        logger.info("notification %s via console to %s (%s)", notification.uuid, notification.to_masked,
                    notification.template_code)
        return GatewayResult(True, f"console-{notification.uuid}")


class FileGateway:
    _lock = threading.Lock()

    def send(self, notification) -> GatewayResult:
        folder = conf.outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({
            "id": str(notification.uuid), "channel": notification.channel, "to": notification.to,
            "subject": notification.subject, "body": notification.body, "template": notification.template_code,
            "at": timezone.now().isoformat(),
        }, ensure_ascii=False)
        with self._lock, open(folder / f"{notification.channel}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return GatewayResult(True, f"file-{notification.uuid}")


class HttpSmsGateway:
    """POSTs ``{"id", "to", "text"}`` to KEFU_SMS_HTTP_URL with a bearer token; 2xx with ``message_id``."""

    def send(self, notification) -> GatewayResult:
        import httpx

        url = conf.http_sms_url()
        if not url:
            return GatewayResult(False, error="KEFU_SMS_HTTP_URL not set", retryable=False)
        try:
            resp = httpx.post(url, json={"id": str(notification.uuid), "to": notification.to,
                                         "text": notification.body},
                              headers={"Authorization": f"Bearer {conf.http_sms_token()}",
                                       "Idempotency-Key": str(notification.uuid)}, timeout=10)
        except httpx.HTTPError as exc:
            return GatewayResult(False, error=type(exc).__name__, retryable=True)
        if resp.status_code // 100 == 2:
            try:
                message_id = str(resp.json().get("message_id", ""))
            except ValueError:
                message_id = ""
            return GatewayResult(True, message_id or str(notification.uuid))
        # 4xx (other than 429) will not succeed on retry; 5xx and 429 may.
        retryable = resp.status_code >= 500 or resp.status_code == 429
        return GatewayResult(False, error=f"HTTP {resp.status_code}", retryable=retryable)


class SmppGateway:
    """SMPP 3.4 submit_sm with UCS2 for Chinese text (long messages split by smpplib)."""

    def send(self, notification) -> GatewayResult:
        import smpplib.client
        import smpplib.consts
        import smpplib.gsm

        cfg = conf.smpp()
        client = smpplib.client.Client(cfg["host"], cfg["port"], allow_unknown_opt_params=True)
        try:
            client.connect()
            client.bind_transmitter(system_id=cfg["system_id"], password=cfg["password"])
            parts, encoding, msg_type = smpplib.gsm.make_parts(notification.body)
            message_id = ""
            for part in parts:
                pdu = client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM, source_addr=cfg["source_addr"],
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL, destination_addr=notification.to,
                    short_message=part, data_coding=encoding, esm_class=msg_type,
                    registered_delivery=True,
                )
                message_id = message_id or str(pdu.sequence)
            client.unbind()
            return GatewayResult(True, message_id)
        except Exception as exc:  # network and protocol errors are all worth a retry
            return GatewayResult(False, error=type(exc).__name__, retryable=True)
        finally:
            with contextlib.suppress(Exception):  # already done or already failed
                client.disconnect()


class DjangoMailGateway:
    def send(self, notification) -> GatewayResult:
        from django.core.mail import EmailMessage

        try:
            EmailMessage(subject=notification.subject, body=notification.body, to=[notification.to],
                         headers={"Message-ID": f"<{notification.uuid}@kefu>"}).send()
        except Exception as exc:
            return GatewayResult(False, error=type(exc).__name__, retryable=True)
        return GatewayResult(True, str(notification.uuid))


register_gateway("console", ConsoleGateway)
register_gateway("file", FileGateway)
register_gateway("http", HttpSmsGateway)
register_gateway("smpp", SmppGateway)
register_gateway("django_mail", DjangoMailGateway)
