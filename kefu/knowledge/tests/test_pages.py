from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kefu.knowledge import services
from kefu.knowledge.errors import ArticleInvalid
from kefu.knowledge.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(publish):
    today = timezone.localdate()
    return {
        "public": publish(title="借记卡挂失", question="银行卡丢了怎么办", body="请立即拨打热线办理口头挂失。"),
        "internal": publish(title="挂失内部核查要点", audience="agent", body="核实身份后受理挂失，不得透露余额。"),
        "expired": publish(title="旧挂失规定", body="挂失手续费10元。", effective_until=today - timedelta(days=1)),
    }


def test_public_faq_lists_only_published_customer_articles(articles, categories, people):
    draft = services.create_article(actor=people["author"], title="挂失草稿", body="未审核的挂失说明",
                                    category="debit-card", audience="customer")
    page = Client().get(reverse("knowledge:faq")).content.decode()
    assert "银行卡丢了怎么办" in page
    for hidden in ("挂失内部核查要点", "旧挂失规定", "挂失草稿"):
        assert hidden not in page
    results = Client().get(reverse("knowledge:faq_results"), {"q": "挂失"}).content.decode()
    assert "<mark>挂失</mark>" in results and "内部核查" not in results and "旧挂失" not in results
    client = Client()
    assert client.get(reverse("knowledge:faq_article", args=[articles["public"].pk])).status_code == 200
    for pk in (articles["internal"].pk, articles["expired"].pk, draft.article_id):
        assert client.get(reverse("knowledge:faq_article", args=[pk])).status_code == 404


def test_public_feedback_counts_anonymously(articles):
    pk = articles["public"].pk
    customer = Client()
    response = customer.post(reverse("knowledge:faq_feedback", args=[pk]), {"helpful": "0"})
    assert response.status_code == 200
    customer.post(reverse("knowledge:faq_feedback", args=[pk]), {"helpful": "0"})  # same session: once
    Client().post(reverse("knowledge:faq_feedback", args=[pk]), {"helpful": "1"})
    counts = Article.objects.values_list("helpful_count", "not_helpful_count").get(pk=pk)
    assert counts == (1, 1)
    assert Client().post(reverse("knowledge:faq_feedback", args=[articles["internal"].pk]),
                         {"helpful": "1"}).status_code == 404


def test_staff_pages_need_login_and_permission(articles, people):
    anonymous = Client()
    assert anonymous.get(reverse("knowledge:home")).status_code == 302
    client = Client()
    client.force_login(people["agent"])
    assert client.get(reverse("knowledge:home"), {"q": "挂失"}).status_code == 200
    partial = client.get(reverse("knowledge:results"), {"q": "挂失核查"}).content.decode()
    assert "挂失内部核查要点" in partial.replace("<mark>", "").replace("</mark>", "")
    assert client.get(reverse("knowledge:new")).status_code == 403
    assert client.get(reverse("knowledge:article", args=[articles["internal"].pk])).status_code == 200


def test_assist_partial_top3(articles, people):
    client = Client()
    client.force_login(people["agent"])
    html = client.get(reverse("knowledge:assist"), {"text": "客户说银行卡丢了，要挂失"}).content.decode()
    assert html.count('class="title"') <= 3 and "挂失" in html


def test_editor_and_review_pages(categories, people):
    author = Client()
    author.force_login(people["author"])
    editor = author.get(reverse("knowledge:new")).content.decode()
    assert 'name="paraphrases"' in editor and 'name="effective_until"' in editor
    response = author.post(reverse("knowledge:new"), {
        "kind": "faq", "category": "fees", "audience": "customer", "title": "跨行取款手续费",
        "question": "跨行取款收费吗", "paraphrases": "他行ATM取钱要手续费吗\n跨行取现收费", "body": "每笔2元。",
        "tags": "手续费，ATM"})
    assert response.status_code == 302
    version = Article.objects.get(title="跨行取款手续费").versions.get()
    assert version.paraphrases == ["他行ATM取钱要手续费吗", "跨行取现收费"] and version.tags == ["手续费", "ATM"]
    page = author.get(reverse("knowledge:version", args=[version.pk])).content.decode()
    assert 'value="submit"' in page and 'value="approve"' not in page
    assert author.get(reverse("knowledge:version_edit", args=[version.pk])).status_code == 200
    author.post(reverse("knowledge:transition", args=[version.pk]), {"action": "submit"})
    lead = Client()
    lead.force_login(people["approver"])
    assert "跨行取款手续费" in lead.get(reverse("knowledge:review")).content.decode()
    assert "跨行取款手续费" not in author.get(reverse("knowledge:review")).content.decode()
    assert 'value="approve"' in lead.get(reverse("knowledge:version", args=[version.pk])).content.decode()
    lead.post(reverse("knowledge:transition", args=[version.pk]), {"action": "approve"})
    version.refresh_from_db()
    assert version.status == "pending_compliance"


def test_attachments_are_permission_checked(articles, people, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    public = services.add_attachment(article=articles["public"], actor=people["author"], name="挂失申请书.pdf",
                                     content=b"%PDF-1.4 demo")
    internal = services.add_attachment(article=articles["internal"], actor=people["author"], name="核查表.pdf",
                                       content=b"%PDF-1.4 internal")
    anonymous = Client()
    response = anonymous.get(reverse("knowledge:faq_attachment", args=[public.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 demo"
    assert anonymous.get(reverse("knowledge:faq_attachment", args=[internal.pk])).status_code == 404
    staff = Client()
    staff.force_login(people["agent"])
    assert staff.get(reverse("knowledge:attachment", args=[internal.pk])).status_code == 200
    with pytest.raises(ArticleInvalid, match="不支持"):
        services.add_attachment(article=articles["public"], actor=people["author"], name="x.exe", content=b"MZ")
