from __future__ import annotations

import json
from io import StringIO

from kefu.assist import setup, training
from kefu.assist.store import current_path


def test_build_trains_once_then_reports_up_to_date(empty_model_dir, tmp_path, monkeypatch):
    small = tmp_path / "small.jsonl"
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in training.corpus_rows()[::10]),
                     encoding="utf-8")
    monkeypatch.setattr(training, "CORPUS_PATH", small)
    first = StringIO()
    setup.build(stdout=first)
    assert "trained triage model" in first.getvalue()
    path = current_path()
    assert path is not None and path.parent == empty_model_dir
    second = StringIO()
    setup.build(stdout=second)
    assert "up to date" in second.getvalue() and current_path() == path


def test_build_keeps_a_model_retrained_with_corrections(db, empty_model_dir, tmp_path, monkeypatch, agent):
    from kefu.assist.services import record_triage_feedback

    small = tmp_path / "small.jsonl"
    small.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in training.corpus_rows()[::12]),
                     encoding="utf-8")
    monkeypatch.setattr(training, "CORPUS_PATH", small)
    record_triage_feedback(text="网点饮水机坏了", predicted={}, actor=agent,
                           corrected={"kind": "suggestion", "intent": "other", "business": "other"})
    _, with_feedback = training.build_model(include_feedback=True)
    out = StringIO()
    setup.build(stdout=out)
    assert "up to date" in out.getvalue()
    assert current_path() == with_feedback
