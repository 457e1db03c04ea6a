from __future__ import annotations

from kefu.assist.models import TriageFeedback, TriageRecord
from kefu.common.testing import ApiClient


def test_triage_endpoint_returns_labels_and_logs_without_text(trained, agent):
    response = ApiClient(agent).post("/assist/triage", {"text": "手机银行又登不上，你们系统太烂了，我要投诉"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "complaint" and body["category"] in {"system_tech", "service", "product",
                                                                  "policy_process"}
    assert 0 <= body["confidence"]["kind"] <= 1
    entry = TriageRecord.objects.get()
    assert entry.kind == "complaint" and "手机银行" in entry.terms
    assert not hasattr(entry, "text")


def test_triage_endpoint_validation_errors_are_4xx(trained, agent):
    client = ApiClient(agent)
    assert client.post("/assist/triage", {}).status_code == 422
    assert client.post("/assist/triage", {"text": ""}).status_code == 422
    assert client.post("/assist/triage", raw="{bad").status_code == 400
    c3 = client.post("/assist/triage", {"text": "我的卡密码是123456，帮我查"})
    assert c3.status_code == 422 and c3.json()["code"].startswith("pii.c3")


def test_triage_without_model_is_503(empty_model_dir, agent):
    response = ApiClient(agent).post("/assist/triage", {"text": "查余额"})
    assert response.status_code == 503
    assert response.json()["code"] == "assist.model_missing"


def test_triage_requires_permission(trained, org_tree, user_factory):
    auditor = user_factory("aud", roles=["compliance_auditor"], unit=org_tree["CC"])
    assert ApiClient(auditor).post("/assist/triage", {"text": "查余额"}).status_code == 403
    assert ApiClient(None).post("/assist/triage", {"text": "查余额"}).status_code == 401


def test_feedback_is_stored_masked_and_audited(agent):
    from kefu.audit.models import AuditEntry

    response = ApiClient(agent).post("/assist/feedback", {
        "text": "卡号6222021234567890128被盗刷了",
        "predicted": {"kind": "consultation", "intent": "other", "business": "other"},
        "corrected": {"kind": "complaint", "intent": "unauthorized_transaction", "category": "system_tech",
                      "severity": "urgent", "business": "debit_card"},
        "source": "workorder_intake",
    })
    assert response.status_code == 201, response.content
    feedback = TriageFeedback.objects.get()
    assert "6222021234567890128" not in feedback.text
    assert feedback.severity == "urgent" and feedback.actor == agent
    assert set(response.json()["changed_labels"]) == {"kind", "intent", "category", "severity", "business"}
    assert AuditEntry.objects.filter(action="assist.feedback_recorded").exists()


def test_feedback_rejects_invalid_labels(agent):
    client = ApiClient(agent)
    bad_code = client.post("/assist/feedback", {"text": "x", "corrected": {
        "kind": "complaint", "intent": "nope", "category": "service", "severity": "general", "business": "other"}})
    assert bad_code.status_code == 422 and "intent" in bad_code.json()["fields"]
    non_complaint_with_severity = client.post("/assist/feedback", {"text": "查余额", "corrected": {
        "kind": "self_service", "intent": "balance_query", "severity": "urgent", "business": "debit_card"}})
    assert non_complaint_with_severity.status_code == 422
    assert "severity" in non_complaint_with_severity.json()["fields"]
    complaint_without_category = client.post("/assist/feedback", {"text": "态度差", "corrected": {
        "kind": "complaint", "intent": "complaint_staff_attitude", "business": "other"}})
    assert complaint_without_category.status_code == 422
    assert client.post("/assist/feedback", {"text": "x"}).status_code == 422
    assert TriageFeedback.objects.count() == 0


def test_feedback_from_workorder_intake_accepts_partial_and_foreign_codes(agent):
    from kefu.assist.services import record_triage_feedback

    # The shape kefu.workorders sends: no intent (taken from the prediction), its own business codes,
    # and a default severity even for non-complaints.
    feedback = record_triage_feedback(
        text="想问问定期存款利率", predicted={"kind": "consultation", "intent": "deposit_rate", "business": "other"},
        corrected={"kind": "consultation", "category": "", "severity": "general", "business": "deposit"},
        actor=agent, source="workorders")
    assert feedback.labels() == {"kind": "consultation", "intent": "deposit_rate", "category": None,
                                 "severity": None, "business": "savings_deposit"}
    assert feedback.changed_labels == ["business"]
