"""The compute_deadlines contract end to end: JSON Lines in, one JSON line out per input line, exit 1 on errors."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(tmp_path: Path, lines: list[str]) -> tuple[list[dict], int]:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = StringIO()
    code = 0
    try:
        call_command("compute_deadlines", "--input", str(path), stdout=out)
    except CommandError as exc:
        code = exc.returncode
    return [json.loads(line) for line in out.getvalue().splitlines()], code


def test_good_file_exits_zero_and_keeps_order(tmp_path):
    lines = [
        json.dumps({"id": "spring", "received_at": "2025-01-27T10:00:00+08:00", "unit": "working_days", "amount": 3}),
        json.dumps({"id": 2, "received_at": "2026-09-30T23:59:59.999+08:00", "unit": "hours", "amount": 24}),
        json.dumps({"id": None, "received_at": "2026-10-09T16:30:00Z", "unit": "working_days", "amount": 1}),
        json.dumps({"id": [1, 2], "received_at": "2026-09-25T10:00:00+08:00", "unit": "calendar_days", "amount": 15}),
        json.dumps({"id": 5, "received_at": "2026-10-10T17:30:00+08:00", "unit": "business_hours", "amount": 4}),
        json.dumps({"id": 6, "received_at": "2026-10-10T08:00:00+08:00", "unit": "working_days", "amount": 0}),
    ]
    results, code = run(tmp_path, lines)
    assert code == 0
    assert results == [
        {"id": "spring", "deadline": "2025-02-07T23:59:59+08:00"},
        {"id": 2, "deadline": "2026-10-01T23:59:59+08:00"},
        {"id": None, "deadline": "2026-10-12T23:59:59+08:00"},
        {"id": [1, 2], "deadline": "2026-10-10T23:59:59+08:00"},
        {"id": 5, "deadline": "2026-10-12T12:30:00+08:00"},
        {"id": 6, "deadline": "2026-10-10T23:59:59+08:00"},
    ]


def test_bad_lines_give_error_objects_and_the_run_continues(tmp_path):
    lines = [
        "{not json",
        json.dumps({"id": "a", "unit": "hours", "amount": 1}),
        json.dumps({"id": "b", "received_at": "2026-10-01T10:00:00", "unit": "hours", "amount": 1}),
        json.dumps({"id": "c", "received_at": "2026-10-01T10:00:00+08:00", "unit": "fortnights", "amount": 1}),
        json.dumps({"id": "d", "received_at": "2026-10-01T10:00:00+08:00", "unit": "hours", "amount": -2}),
        json.dumps({"id": "e", "received_at": "2026-10-01T10:00:00+08:00", "unit": "hours", "amount": 2.5}),
        json.dumps({"id": "f", "received_at": "31/12/2026", "unit": "hours", "amount": 1}),
        json.dumps([1, 2, 3]),
        "",
        json.dumps({"id": "ok", "received_at": "2026-10-01T10:00:00+08:00", "unit": "hours", "amount": 2}),
    ]
    results, code = run(tmp_path, lines)
    assert code == 1
    codes = [(r["id"], r.get("error", {}).get("code")) for r in results]
    assert codes == [
        (None, "calendar.malformed_json"), ("a", "calendar.missing_field"), ("b", "calendar.naive_datetime"),
        ("c", "calendar.unknown_unit"), ("d", "calendar.invalid_amount"), ("e", "calendar.invalid_amount"),
        ("f", "calendar.invalid_datetime"), (None, "calendar.not_an_object"), ("ok", None),
    ]
    assert all(r["error"]["message"] for r in results[:-1])
    assert results[-1] == {"id": "ok", "deadline": "2026-10-01T12:00:00+08:00"}


def test_missing_input_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("compute_deadlines", "--input", str(tmp_path / "nope.jsonl"), stdout=StringIO())
