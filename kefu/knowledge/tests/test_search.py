from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.knowledge import services
from kefu.knowledge.search import search
from kefu.knowledge.selectors import scripts
from kefu.knowledge.text import normalize, tokenize

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(publish):
    return {
        "loss": publish(title="借记卡挂失办理", question="银行卡丢了怎么挂失",
                        paraphrases=["卡丢了怎么办", "借记卡遗失如何报失"],
                        body="可拨打客服热线或通过手机银行办理口头挂失，五日内携带身份证到网点办理正式挂失并补卡。"),
        "fraud": publish(title="信用卡盗刷处理", question="信用卡被盗刷怎么办", category="credit-card",
                         body="发现盗刷请立即致电冻结卡片，保留交易凭证并到公安机关报案，我行将发起争议处理。"),
        "limit": publish(title="手机银行转账限额", question="手机银行转账限额是多少", category="e-banking",
                         body="使用短信验证码的单日累计转账限额为5万元，使用U盾可提高至100万元。"),
        "sms": publish(title="短信通服务收费", question="短信通怎么收费", category="fees",
                       body="短信通动账提醒服务每月收取2元，可在手机银行关闭。"),
        "internal": publish(title="挂失业务内部核查要点", audience="agent",
                            body="座席受理挂失须核实身份证后四位与预留手机号，不得透露账户余额。"),
        "atm": publish(title="ATM吞卡处理", question="ATM吞卡了怎么办",
                       body="卡片被ATM吞没后，请于三个工作日内携带身份证到该网点领取。"),
    }


def test_query_finds_the_right_article(corpus):
    hits = search("银行卡丢了要怎么挂失", audience="customer")
    assert hits[0].article_id == corpus["loss"].pk
    hits = search("手机银行一天最多转多少钱 转账限额")
    assert hits[0].article_id == corpus["limit"].pk


def test_synonyms_meet(corpus):
    # 被盗用 is a synonym of 盗刷; 报失 of 挂失.
    assert search("信用卡被盗用了")[0].article_id == corpus["fraud"].pk
    assert search("报失", audience="customer")[0].article_id == corpus["loss"].pk


def test_traditional_and_full_width_queries(corpus):
    assert normalize("手機銀行ＡＴＭ") == "手机银行atm"
    assert search("信用卡被盜刷怎麼辦")[0].article_id == corpus["fraud"].pk
    assert search("ＡＴＭ吞卡")[0].article_id == corpus["atm"].pk


def test_highlights_mark_matches_and_escape_html(corpus, people):
    hit = search("短信通收费")[0]
    assert "<mark>短信通</mark>" in hit.title_html
    assert "<mark>" in hit.snippet_html
    # A synonym's surface form is highlighted too (query 被盗用 -> article text 盗刷).
    fraud = search("被盗用")[0]
    assert "<mark>盗刷</mark>" in fraud.snippet_html or "<mark>盗刷</mark>" in fraud.title_html


def test_customer_audience_sees_only_customer_articles(corpus):
    agent_ids = {h.article_id for h in search("挂失 核查", audience="agent")}
    customer_ids = {h.article_id for h in search("挂失 核查", audience="customer")}
    assert corpus["internal"].pk in agent_ids
    assert corpus["internal"].pk not in customer_ids


def test_expired_and_future_articles_are_hidden(publish):
    today = timezone.localdate()
    old = publish(title="旧版大额存单利率", body="大额存单三年期利率2.6%。",
                  effective_until=today - timedelta(days=1))
    future = publish(title="新版大额存单利率", body="大额存单三年期利率2.1%。",
                     effective_from=today + timedelta(days=3))
    current = publish(title="大额存单利率", body="大额存单三年期利率2.35%。", effective_from=today)
    ids = [h.article_id for h in search("大额存单利率")]
    assert current.pk in ids and old.pk not in ids and future.pk not in ids


def test_index_follows_changes(corpus, people):
    assert search("境外取现")==[]
    article = publish_article = corpus["loss"]
    version = services.start_version(article=publish_article, actor=people["author"],
                                     body="境外取现也可挂失，拨打热线即可。")
    for action, who in [("submit", "author"), ("approve", "approver"), ("publish", "approver")]:
        version = services.transition(version=version, action=action, actor=people[who])
    assert search("境外取现")[0].article_id == article.pk
    services.transition(version=version, action="withdraw", actor=people["approver"], comment="作废")
    assert article.pk not in {h.article_id for h in search("挂失")}


def test_best_answer_confidence_separates_clear_from_vague(corpus):
    good = services.best_answer("我的信用卡被人盗刷了怎么办")
    assert good is not None and good.article_id == corpus["fraud"].pk
    assert good.confidence >= 0.6
    off_topic = services.best_answer("今天天气怎么样，想订一张去上海的机票")
    assert off_topic is None or off_topic.confidence < 0.6
    assert services.best_answer("   ") is None


def test_best_answer_never_returns_internal_articles_to_customers(corpus):
    answer = services.best_answer("座席受理挂失核实身份证后四位")
    assert answer is None or answer.article_id != corpus["internal"].pk


def test_suggest_articles_for_live_notes(corpus):
    notes = "客户来电称昨天在商场发现信用卡有几笔不认识的消费，怀疑被盗刷，要求冻结"
    hits = services.suggest_articles(notes)
    assert 0 < len(hits) <= 3
    assert hits[0].article_id == corpus["fraud"].pk


def test_scripts_by_kind(publish):
    greeting = publish(title="标准开场白", kind="script", script_kind="greeting", category="scripts",
                       audience="agent", body="您好，很高兴为您服务，我是工号1001的客服代表。")
    publish(title="标准结束语", kind="script", script_kind="closing", category="scripts", audience="agent",
            body="感谢您的来电，祝您生活愉快，再见。")
    assert [a.pk for a in scripts("greeting")] == [greeting.pk]
    assert len(scripts("closing")) == 1


def test_tokenize_uses_bank_dictionary():
    assert "u盾" in tokenize("U盾证书过期了")
    assert "大额存单" in tokenize("大额存单能提前支取吗")
    assert tokenize("我的卡被盗用了") == tokenize("我的卡被盗刷了")
