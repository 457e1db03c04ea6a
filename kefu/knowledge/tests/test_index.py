from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command

from kefu.knowledge import search as search_module
from kefu.knowledge.index import Document, SearchIndex
from kefu.knowledge.models import Article
from kefu.knowledge.search import search
from kefu.knowledge.text import analyzer_fingerprint

pytestmark = pytest.mark.django_db


def test_publication_stores_tokens_with_fingerprint(publish):
    article = publish(title="U盾证书更新", question="U盾过期了怎么办", body="登录网银按提示在线更新证书。")
    tokens = Article.objects.get(pk=article.pk).search_tokens
    assert tokens["v"] and "u盾" in tokens["title"] and tokens["questions"][0]


def test_other_process_changes_are_picked_up_after_the_check_interval(publish, people, settings):
    from kefu.knowledge import services

    settings.KEFU_KNOWLEDGE_INDEX_CHECK_SECONDS = 60
    first = publish(title="借记卡挂失", body="拨打热线办理口头挂失。")
    assert [h.article_id for h in search("挂失")] == [first.pk]
    second = publish(title="信用卡挂失", body="信用卡挂失免费。")
    # Pretend the change happened in another app server: this process was not told (no dirty flag).
    search_module._holder.dirty = False
    search_module._holder.checked_at = time.monotonic()
    services.record_usage(article_ids=[second.pk])
    assert {h.article_id for h in search("挂失")} == {first.pk}
    settings.KEFU_KNOWLEDGE_INDEX_CHECK_SECONDS = 0
    assert {h.article_id for h in search("挂失")} == {first.pk, second.pk}


def test_rebuild_command_resegments_stale_articles(publish):
    article = publish(title="短信通收费", body="短信通每月2元。")
    Article.objects.filter(pk=article.pk).update(search_tokens={"v": "old", "title": ["旧词"], "questions": [],
                                                                "tags": [], "body": []})
    out = io.StringIO()
    call_command("rebuild_knowledge_index", stdout=out)
    assert out.getvalue().startswith("1 articles")
    assert "短信通" in Article.objects.get(pk=article.pk).search_tokens["title"]
    assert search("短信通")[0].article_id == article.pk


def test_stale_tokens_are_ignored_by_the_index():
    index = SearchIndex()
    index.build([Document(id=1, title="大额存单利率", body="三年期1.8%",
                          analysis={"v": "stale", "title": ["无关"], "questions": [], "tags": [], "body": []})])
    assert [m.doc.id for m in index.query(["大额存单"])] == [1]
    assert index.query(["无关"]) == []


def test_bm25_prefers_title_match_and_rare_terms():
    index = SearchIndex()
    index.build([
        Document(id=1, title="信用卡账单分期", body="账单出账后可申请分期。"),
        Document(id=2, title="信用卡年费", body="年费政策说明，分期业务见其他文章。"),
        Document(id=3, title="信用卡还款", body="可通过手机银行还款。"),
    ])
    ranked = [m.doc.id for m in index.query(["信用卡", "分期"])]
    assert ranked[0] == 1 and ranked[-1] == 3
    index.remove(1)
    assert [m.doc.id for m in index.query(["分期"])] == [2]


def test_common_terms_only_rescore_candidates_in_large_collections():
    def doc(i: int, words: list[str]) -> Document:
        return Document(id=i, title=f"t{i}", body="", analysis={
            "v": analyzer_fingerprint(), "title": [], "questions": [], "tags": [], "body": words})

    docs = [doc(i, ["常见", f"词{i % 7}"]) for i in range(1, 1200)]
    docs.append(doc(1200, ["常见", "罕见"]))
    index = SearchIndex()
    index.build(docs)
    assert [m.doc.id for m in index.query(["罕见", "常见"], limit=3)] == [1200]
    assert len(index.query(["常见"], limit=10)) == 10
    assert index.query(["常见", "词3"], limit=1)[0].matched == ["常见", "词3"]
