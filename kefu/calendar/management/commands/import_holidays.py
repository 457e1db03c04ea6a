"""Import a holiday schedule file (see docs/calendar.md for the format); all or nothing, audited."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.calendar.services import import_calendar
from kefu.common.errors import KefuError


class Command(BaseCommand):
    help = "Import holidays/make-up working days from a text/CSV file (date,kind,name per line)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true",
                            help="remove existing entries of the file's years that the file does not list")
        parser.add_argument("--publish", action="store_true", help="mark the file's years as published")
        parser.add_argument("--source", default="", help="the notice the schedule comes from")
        parser.add_argument("--reason", default="", help="why (kept in the audit trail)")

    def handle(self, *args, file: str, replace: bool, publish: bool, source: str, reason: str, **options):
        try:
            with open(file, encoding="utf-8-sig") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            summary = import_calendar(text=text, actor=None, filename=file.rsplit("/", 1)[-1], replace=replace,
                                      publish=publish, source=source, reason=reason or "manage.py import_holidays")
        except KefuError as exc:
            details = "\n".join(f"  {k}: {v}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.code}: {exc.message}\n{details}") from None
        self.stdout.write(self.style.SUCCESS(
            f"years {summary.years}: {summary.created} created, {summary.updated} updated, {summary.removed} removed, "
            f"{summary.unchanged} unchanged; published {summary.published or '-'}; calendar version "
            f"{summary.version or 'unchanged'}"))
