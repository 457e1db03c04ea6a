from __future__ import annotations

import json

import pytest

from kefu.assist.choices import LABEL_CHOICES, LABELS
from kefu.assist.errors import ModelMissing
from kefu.assist.model import train
from kefu.assist.training import corpus_rows
from kefu.assist.triage import is_available, triage, triage_many


@pytest.mark.parametrize("text", [
    "我的卡被盗刷了两万块，快帮我冻结",
    "刚收到短信，卡里的钱被转走了，不是我操作的",
    "取款机没出钞，但是卡里扣了三千",
    "卡丢了，现在还一直在被刷",
    "我爸八十多岁，卡被ATM吞了，身上没钱回不了家",
])
def test_urgent_cases_are_urgent_complaints(trained, text):
    result = triage(text)
    assert result.kind == "complaint"
    assert result.severity == "urgent"
    assert result.signals


@pytest.mark.parametrize("text", ["帮我查一下余额", "现在一年定期利率多少", "我想提前还房贷", "转人工",
                                  "表扬一下你们的王经理，服务很好"])
def test_non_complaints_have_null_category_and_severity(trained, text):
    result = triage(text)
    assert result.kind != "complaint"
    assert result.category is None and result.severity is None


def test_threats_raise_a_general_complaint_to_major(trained):
    plain = triage("柜员态度很差，一直不耐烦")
    threat = triage("柜员态度很差，一直不耐烦，我要向金融监管总局投诉")
    assert plain.kind == threat.kind == "complaint"
    assert threat.severity == "major"
    assert "regulator" in threat.signals


def test_labels_use_exact_codes_and_confidences(trained):
    for result in triage_many(["信用卡账单分期手续费多少", "手机银行登不上去，什么破系统", "我要挂失"]):
        for label, value in result.labels().items():
            assert value is None or value in LABEL_CHOICES[label]
        assert all(0.0 <= c <= 1.0 for c in result.confidence.values())
        assert set(result.confidence) >= {"kind", "intent", "business"}


def test_missing_model_raises_and_is_reported(empty_model_dir):
    assert is_available() is False
    with pytest.raises(ModelMissing):
        triage("查余额")


def test_training_is_reproducible():
    rows = [{k: r.get(k) for k in ("text", *LABELS)} for r in corpus_rows()[::12]]
    texts = [r["text"] for r in corpus_rows()[1::40]]
    first, second = train(rows, seed=11), train(rows, seed=11)
    assert first.fingerprint == second.fingerprint
    assert json.dumps(first.predict_proba(texts)) == json.dumps(second.predict_proba(texts))
    other = train(rows[:-5], seed=11)
    assert other.fingerprint != first.fingerprint


def test_shipped_corpus_covers_every_intent_and_label_rules():
    rows = corpus_rows()
    assert len(rows) >= 3000
    assert {r["intent"] for r in rows} == set(LABEL_CHOICES["intent"])
    assert {r["kind"] for r in rows} == set(LABEL_CHOICES["kind"])
    for row in rows:
        if row["kind"] == "complaint":
            assert row["category"] in LABEL_CHOICES["category"]
            assert row["severity"] in LABEL_CHOICES["severity"]
        else:
            assert row["category"] is None and row["severity"] is None
