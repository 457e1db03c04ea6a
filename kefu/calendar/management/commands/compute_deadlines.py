"""Compute deadlines for a JSON Lines file (the contract used by outside checks).

Input, one object per line: ``{"id": ..., "received_at": "2026-09-30T10:00:00+08:00", "unit":
"working_days", "amount": 7}``. Output, one line per input line, in order:
``{"id": ..., "deadline": "YYYY-MM-DDTHH:MM:SS+08:00"}`` or ``{"id": ..., "error": {"code", "message"}}``.
Blank lines are skipped. Exit status 1 if any line failed, else 0.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kefu.calendar import errors
from kefu.calendar.deadlines import compute_item


def process_line(line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except (ValueError, RecursionError):
        return {"id": None, "error": {"code": errors.MALFORMED_JSON, "message": "该行不是合法的 JSON"}}
    item_id = item.get("id") if isinstance(item, dict) else None
    try:
        result = compute_item(item)
    except errors.DeadlineError as exc:
        return {"id": item_id, "error": {"code": exc.code, "message": exc.message}}
    return {"id": item_id, "deadline": result.isoformat()}


class Command(BaseCommand):
    help = "Compute deadlines for a JSON Lines file on the calendar in the database (see docs/calendar.md)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON Lines file ('-' for standard input)")

    def handle(self, *args, input: str, **options):
        try:
            stream = sys.stdin if input == "-" else open(input, encoding="utf-8-sig", errors="replace")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {input}: {exc.strerror}") from None
        failed = 0
        out = self.stdout
        # Chinese messages stay readable on a UTF-8 stdout; elsewhere ASCII escapes keep the JSON valid.
        encoding = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "")
        ascii_only = encoding != "utf8"
        try:
            for line in stream:
                if not line.strip():
                    continue
                result = process_line(line)
                failed += "error" in result
                out.write(json.dumps(result, ensure_ascii=ascii_only, separators=(", ", ": ")))
        finally:
            if stream is not sys.stdin:
                stream.close()
        out.flush()
        if failed:
            # Exit status 1; the message goes to stderr so stdout stays pure JSON Lines.
            raise CommandError(f"{failed} line(s) failed", returncode=1)
