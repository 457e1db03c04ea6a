from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from kefu.assist import training


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_triage_cli_contract(trained, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a1", "text": "我的卡被盗刷了，快冻结", "channel": "phone"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": 3, "text": ""}),
        json.dumps({"id": 4, "text": "帮我查一下卡里余额"}, ensure_ascii=False),
        json.dumps([1, 2]),
    ]) + "\n", encoding="utf-8")
    lines = [json.loads(x) for x in run("triage", "--input", str(source)).splitlines()]
    assert [x.get("id") for x in lines] == ["a1", None, 3, 4, None]
    first, bad_json, empty, balance, not_object = lines
    assert set(first) == {"id", "kind", "intent", "category", "severity", "business", "confidence"}
    assert first["kind"] == "complaint" and first["severity"] == "urgent"
    assert bad_json["error"]["code"] == "triage.malformed_json"
    assert empty["error"]["code"] == "triage.missing_text"
    assert not_object["error"]["code"] == "triage.not_an_object"
    assert balance["intent"] == "balance_query"
    assert balance["category"] is None and balance["severity"] is None


def test_triage_cli_trains_a_model_when_missing(db, empty_model_dir, tmp_path, monkeypatch):
    # A small corpus keeps the test quick; the command must build (seeded) instead of failing.
    small = tmp_path / "small.jsonl"
    rows = training.corpus_rows()[::8]
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(training, "CORPUS_PATH", small)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": "我要挂失"}, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = run("triage", "--input", str(source)).splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["kind"]
    assert any(p.name.startswith("triage-") for p in empty_model_dir.iterdir())


def test_evaluate_triage_prints_metrics(trained, tmp_path):
    source = tmp_path / "gold.jsonl"
    rows = [
        {"text": "我的卡被盗刷了", "kind": "complaint", "intent": "unauthorized_transaction",
         "category": "system_tech", "severity": "urgent", "business": "debit_card"},
        {"text": "查一下余额", "kind": "self_service", "intent": "balance_query", "category": None,
         "severity": None, "business": "debit_card"},
        {"text": "柜员态度很差", "kind": "complaint", "intent": "complaint_staff_attitude",
         "category": "service", "severity": "general", "business": "other"},
    ]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "oops\n",
                      encoding="utf-8")
    output = run("evaluate_triage", "--input", str(source), "--json")
    for label in ("kind", "intent", "category", "severity", "business"):
        assert f"[{label}]" in output
    assert "accuracy=" in output and "macro_f1=" in output and "confusion" in output
    assert "urgent_recall: 1.0000 (n=1)" in output
    assert "skipped lines: 1" in output
    summary = json.loads(output.strip().splitlines()[-1])
    assert summary["rows"] == 3 and summary["kind"]["n"] == 3 and summary["severity"]["n"] == 2


def test_train_triage_command_includes_feedback(db, tmp_path, monkeypatch, agent):
    from kefu.assist.services import record_triage_feedback

    small = tmp_path / "small.jsonl"
    rows = training.corpus_rows()[::10]
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(training, "CORPUS_PATH", small)
    record_triage_feedback(text="网点的饮水机坏了好久", predicted={"kind": "consultation"},
                           corrected={"kind": "suggestion", "intent": "other", "business": "other"},
                           actor=agent, source="workorder_intake")
    assert training.feedback_rows()[-1]["kind"] == "suggestion"
    output = run("train_triage", "--out-dir", str(tmp_path / "m"))
    assert f"trained {len(rows) + 1} rows" in output


@pytest.mark.parametrize("missing", ["/nonexistent/file.jsonl"])
def test_triage_cli_reports_unreadable_input(trained, missing):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("triage", "--input", missing)


def test_cli_warns_when_the_model_is_older_than_the_shipped_corpus(trained, tmp_path):
    # The session's test model is trained on half the corpus: exactly what a stale model looks like.
    from io import StringIO

    from django.core.management import call_command

    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": "查余额"}, ensure_ascii=False) + "\n", encoding="utf-8")
    err, out = StringIO(), StringIO()
    call_command("triage", "--input", str(source), stdout=out, stderr=err)
    assert "older corpus" in err.getvalue()
    assert json.loads(out.getvalue().splitlines()[0])["id"] == 1  # stdout stays pure JSON Lines
