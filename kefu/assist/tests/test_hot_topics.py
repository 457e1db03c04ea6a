from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.assist.models import TriageRecord
from kefu.assist.selectors import weekly_hot_topics
from kefu.common.testing import ApiClient


@pytest.fixture
def lead(org_tree, user_factory):
    return user_factory("lead_t", roles=["shift_lead"], unit=org_tree["CC"])


def _log(intent: str, terms: list[str], days_ago: float, kind: str = "complaint") -> None:
    entry = TriageRecord.objects.create(kind=kind, intent=intent, business="other", terms=terms,
                                        category="service" if kind == "complaint" else "",
                                        severity="general" if kind == "complaint" else "")
    TriageRecord.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


def _workorder(title: str, days_ago: float, kind: str = "complaint"):
    from kefu.workorders.models import WorkOrder

    count = WorkOrder.objects.count()
    return WorkOrder.objects.create(number=f"TS2026112200{count:04d}", kind=kind, channel="phone", title=title,
                                    description=title, received_at=timezone.now() - timedelta(days=days_ago))


def test_hot_topics_compare_this_week_with_last_from_the_triage_log(lead, monkeypatch):
    monkeypatch.setattr("kefu.assist.selectors._workorder_items", lambda *a, **k: None)
    for _ in range(3):
        _log("complaint_wait_time", ["排队"], 1)
    _log("complaint_wait_time", ["排队"], 9)
    _log("complaint_fees", ["年费"], 2)
    _log("complaint_fees", ["年费"], 8)
    _log("complaint_fees", ["年费"], 10)
    _log("balance_query", [], 1, kind="self_service")  # not a complaint: not counted
    _log("complaint_privacy", ["泄露"], 20)  # older than two weeks: not counted
    topics = weekly_hot_topics(user=lead)
    assert topics.source == "triage_log"
    assert (topics.total_current, topics.total_previous) == (4, 3)
    first, second = topics.intents[:2]
    assert (first.code, first.current, first.previous, first.change) == ("complaint_wait_time", 3, 1, 2)
    assert (second.code, second.current, second.previous, second.change) == ("complaint_fees", 1, 2, -1)
    assert {t.code: (t.current, t.previous) for t in topics.terms} == {"排队": (3, 1), "年费": (1, 2)}


def test_hot_topics_read_complaint_workorders_when_available(trained, lead):
    pytest.importorskip("kefu.workorders.models")
    _workorder("网点排队两个小时，窗口只开了一个", 1)
    _workorder("排队太久了，等了一上午", 2)
    _workorder("柜员态度很差，不耐烦", 9)
    _workorder("想咨询一下定期利率", 1, kind="consultation")
    topics = weekly_hot_topics(user=lead)
    assert topics.source == "workorders"
    assert (topics.total_current, topics.total_previous) == (2, 1)
    assert topics.intents[0].code == "complaint_wait_time" and topics.intents[0].current == 2
    assert any(t.code == "排队" and t.current == 2 for t in topics.terms)


def test_hot_topics_api_and_page(lead, agent, client, monkeypatch):
    monkeypatch.setattr("kefu.assist.selectors._workorder_items", lambda *a, **k: None)
    _log("complaint_fees", ["年费"], 1)
    response = ApiClient(lead).get("/assist/hot-topics", top=5)
    assert response.status_code == 200
    assert response.json()["intents"][0]["code"] == "complaint_fees"
    assert ApiClient(agent).get("/assist/hot-topics").status_code == 403
    client.force_login(lead)
    page = client.get(reverse("assist:hot_topics"))
    assert page.status_code == 200 and "投诉热点周报" in page.content.decode()
    partial = client.get(reverse("assist:hot_topics"), {"top": "5"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "年费" in partial.content.decode()


def test_triage_try_page(trained, agent, client):
    client.force_login(agent)
    assert client.get(reverse("assist:triage")).status_code == 200
    response = client.post(reverse("assist:triage"), {"text": "我的卡被盗刷了"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "unauthorized_transaction" in body and "fraud" in body
    empty = client.post(reverse("assist:triage"), {"text": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 200 and 'role="alert"' in empty.content.decode()


def test_hot_topics_module_for_reports(db, monkeypatch):
    from kefu.assist.hot_topics import weekly_hot_topics as for_reports

    monkeypatch.setattr("kefu.assist.selectors._workorder_items", lambda *a, **k: None)
    _log("complaint_privacy", ["泄露"], 1)
    result = for_reports()
    assert result["topics"][0]["code"] == "complaint_privacy"
    assert result["topics"][0]["current"] == 1 and result["total_current"] == 1
