from __future__ import annotations

import pytest

from kefu.common.testing import ApiClient, assert_permission_matrix
from kefu.knowledge.models import Article, Feedback

pytestmark = pytest.mark.django_db

VIEWERS = ["agent", "shift_lead", "center_director", "clerk", "system_maintainer", "branch_complaint_manager",
           "branch_head", "department_handler", "compliance_auditor", "admin"]


@pytest.fixture
def article(publish):
    return publish(title="借记卡挂失", question="银行卡丢了怎么办", body="请立即拨打热线办理口头挂失。")


def test_search_permission_matrix(article, org_tree):
    assert_permission_matrix(lambda c, role: c.get("/knowledge/search", q="挂失"),
                             dict.fromkeys(VIEWERS, 200), unit_for_role=lambda role: org_tree["CC"])


def test_create_permission_matrix(categories, org_tree):
    payload = {"title": "测试文章", "body": "正文", "category": "debit-card"}
    assert_permission_matrix(
        lambda c, role: c.post("/knowledge/articles", payload),
        {"clerk": 201, "shift_lead": 201, "center_director": 201, "department_handler": 201},
        unit_for_role=lambda role: org_tree["CC"])


def test_feedback_permission_matrix(article, org_tree):
    assert_permission_matrix(
        lambda c, role: c.post(f"/knowledge/articles/{article.pk}/feedback", {"helpful": True}),
        dict.fromkeys(["agent", "shift_lead", "center_director", "clerk", "branch_complaint_manager",
                       "department_handler"], 200),
        unit_for_role=lambda role: org_tree["CC"])


def test_search_returns_highlighted_hits(article, people):
    response = ApiClient(people["agent"]).get("/knowledge/search", q="卡丢了")
    assert response.status_code == 200
    hit = response.json()[0]
    assert hit["article_id"] == article.pk and "<mark>" in hit["title_html"] + hit["snippet_html"]


def test_feedback_counts(article, people):
    client = ApiClient(people["agent"])
    assert client.post(f"/knowledge/articles/{article.pk}/feedback", {"helpful": True}).json()["helpful_count"] == 1
    body = client.post(f"/knowledge/articles/{article.pk}/feedback", {"helpful": False, "comment": "缺少时限"}).json()
    assert (body["helpful_count"], body["not_helpful_count"]) == (1, 1)
    assert Feedback.objects.filter(article=article).count() == 2
    client.get(f"/knowledge/articles/{article.pk}")
    client.get(f"/knowledge/articles/{article.pk}")
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_workflow_over_api_enforces_maker_checker(categories, people):
    author, lead = ApiClient(people["author"]), ApiClient(people["approver"])
    created = author.post("/knowledge/articles", {"title": "U盾证书更新", "body": "登录网银按提示更新证书。",
                                                  "category": "e-banking", "tags": ["U盾"]})
    assert created.status_code == 201
    vid = created.json()["id"]
    assert created.json()["allowed_actions"] == ["submit"]
    assert author.post(f"/knowledge/versions/{vid}/transition", {"action": "submit"}).status_code == 200
    refused = author.post(f"/knowledge/versions/{vid}/transition", {"action": "approve"})
    assert refused.status_code == 403 and refused.json()["code"] == "auth.permission_required"
    assert lead.post(f"/knowledge/versions/{vid}/transition", {"action": "publish"}).json()["code"] == \
        "knowledge.invalid_transition"
    assert lead.post(f"/knowledge/versions/{vid}/transition", {"action": "approve"}).json()["status"] == "approved"
    assert lead.post(f"/knowledge/versions/{vid}/transition", {"action": "publish"}).json()["status"] == "published"
    assert ApiClient(people["agent"]).get("/knowledge/search", q="U盾").json()[0]["title"] == "U盾证书更新"


def test_bad_input_is_422_not_500(categories, people):
    client = ApiClient(people["author"])
    missing = client.post("/knowledge/articles", {"title": "x"})
    assert missing.status_code == 422
    bad_category = client.post("/knowledge/articles", {"title": "x", "body": "y", "category": "nope"})
    assert bad_category.status_code == 422 and "category" in bad_category.json()["fields"]
    bad_dates = client.post("/knowledge/articles", {"title": "x", "body": "y", "category": "debit-card",
                                                    "effective_from": "2026-05-01", "effective_until": "2026-01-01"})
    assert bad_dates.status_code == 422
    assert client.post("/knowledge/versions/999999/transition", {"action": "submit"}).status_code == 404
    assert client.post("/knowledge/articles", raw="{not json").status_code == 400


def test_auditor_reads_but_cannot_write(article, people):
    client = ApiClient(people["auditor"])
    assert client.get(f"/knowledge/articles/{article.pk}").status_code == 200
    assert client.post(f"/knowledge/articles/{article.pk}/feedback", {"helpful": True}).status_code == 403


def test_answer_endpoint(article, people):
    response = ApiClient(people["agent"]).get("/knowledge/answer", q="银行卡丢了怎么办")
    assert response.status_code == 200
    assert response.json()["article_id"] == article.pk and 0 <= response.json()["confidence"] <= 1


def test_list_filters_and_query_count(publish, people, django_assert_max_num_queries):
    card = publish(title="信用卡年费", body="刷卡满6次免次年年费。", category="credit-card")
    publish(title="借记卡换卡", body="到期换卡免费。")
    client = ApiClient(people["agent"])
    body = client.get("/knowledge/articles", category="credit-card").json()
    assert body["count"] == 1 and body["results"][0]["id"] == card.pk
    for i in range(5):
        publish(title=f"网点公告{i}", body="营业时间调整。", tags=["网点"])
    with django_assert_max_num_queries(8):
        body = client.get("/knowledge/articles", page_size=50).json()
    assert body["count"] == 7 and body["results"][0]["tags"] in (["网点"], [])
