"""``manage.py triage --input FILE``: one JSON line out per JSON line in, in order.

Input lines carry ``id`` and ``text`` (other fields are ignored). Output:
``{"id", "kind", "intent", "category", "severity", "business", "confidence"}``; a bad line yields
``{"id", "error": {"code", "message"}}`` and the run continues. Without a trained model, or with one built
from an older corpus, one is trained first (seeded) rather than failing.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.assist.conf import max_text_chars
from kefu.assist.triage import current_model, triage_many

BATCH = 256


def _parse(line: str, lineno: int) -> tuple[object, str | None, dict | None]:
    """(id, text, error) for one input line."""
    try:
        item = json.loads(line)
    except ValueError:
        return None, None, {"code": "triage.malformed_json", "message": f"line {lineno}: not valid JSON"}
    if not isinstance(item, dict):
        return None, None, {"code": "triage.not_an_object", "message": f"line {lineno}: not a JSON object"}
    item_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return item_id, None, {"code": "triage.missing_text", "message": f"line {lineno}: 'text' must be a "
                                                                         "non-empty string"}
    return item_id, text[: max_text_chars()], None


class Command(BaseCommand):
    help = "对JSON Lines文本逐行分类（类型、意图、投诉类别、严重程度、业务）"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON Lines file with id and text ('-' = stdin)")
        parser.add_argument("--output", default="-", help="output file (default stdout)")

    def handle(self, *args, input, output, **options):
        model = current_model(self.stderr)
        with ExitStack() as stack:
            try:
                source = sys.stdin if input == "-" else stack.enter_context(Path(input).open(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"cannot read {input}: {exc}") from exc
            sink = self.stdout if output == "-" else stack.enter_context(Path(output).open("w", encoding="utf-8"))
            pending: list[tuple[object, str | None, dict | None]] = []
            for lineno, line in enumerate(source, 1):
                if not line.strip():
                    continue
                pending.append(_parse(line, lineno))
                if len(pending) >= BATCH:
                    self._flush(pending, model, sink)
                    pending = []
            self._flush(pending, model, sink)

    def _flush(self, pending, model, sink) -> None:
        texts = [text for _, text, error in pending if error is None]
        results = iter(triage_many(texts, model=model)) if texts else iter(())
        for item_id, _, error in pending:
            if error is not None:
                record = {"id": item_id, "error": error}
            else:
                result = next(results)
                record = {"id": item_id, **result.labels(), "confidence": result.confidence}
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
