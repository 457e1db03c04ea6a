"""Pull unread messages from the complaints mailbox over IMAP and turn each into a work order.

Settings ``KEFU_WORKORDER_IMAP = {"host", "port" (993), "user", "password", "folder" ("INBOX"),
"ssl" (True), "actor" (username of the service account recorded as creator)}``. Each processed message
is flagged \\Seen; intake is idempotent by Message-ID, so a re-run never duplicates a case.
"""

from __future__ import annotations

import contextlib
import imaplib

from django.core.management.base import BaseCommand, CommandError

from kefu.common.errors import KefuError


class Command(BaseCommand):
    help = "从投诉邮箱（IMAP）拉取未读邮件并生成工单"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args, limit: int = 100, **options):
        from kefu.org.models import User
        from kefu.workorders import conf
        from kefu.workorders.mail import intake_email

        cfg = conf.imap_settings()
        if not cfg.get("host"):
            raise CommandError("KEFU_WORKORDER_IMAP is not configured")
        actor = User.objects.filter(username=cfg.get("actor", "")).first()
        cls = imaplib.IMAP4_SSL if cfg.get("ssl", True) else imaplib.IMAP4
        box = cls(cfg["host"], int(cfg.get("port", 993 if cfg.get("ssl", True) else 143)))
        created = seen = failed = 0
        try:
            box.login(cfg["user"], cfg["password"])
            box.select(cfg.get("folder", "INBOX"))
            _, data = box.search(None, "UNSEEN")
            for num in (data[0].split() if data and data[0] else [])[:limit]:
                _, parts = box.fetch(num, "(RFC822)")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
                try:
                    _, was_created = intake_email(raw=raw, actor=actor)
                except KefuError as exc:
                    failed += 1
                    self.stderr.write(f"message {num.decode()}: {exc.code}")
                    continue
                created += int(was_created)
                seen += 1
                box.store(num, "+FLAGS", "\\Seen")
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                box.logout()
        self.stdout.write(f"fetch_mail: {seen} processed, {created} new work orders, {failed} rejected")
