from __future__ import annotations

import io

import pytest

from kefu.knowledge import demo, services
from kefu.knowledge.demo_content import ARTICLES
from kefu.knowledge.models import Article
from kefu.knowledge.selectors import scripts

pytestmark = pytest.mark.django_db

# Questions phrased differently from the articles' own questions: the bot must still find the right one.
BOT_CASES = [
    ("我的银行卡丢了，要怎么办挂失", "借记卡挂失办理"),
    ("信用卡被盗用了怎么处理", "信用卡被盗刷处理"),
    ("手機銀行一天最多能轉多少錢", "手机银行转账限额"),
    ("房贷想提前还一部分", "房贷提前还款"),
    ("ATM把我的卡吞了", "ATM吞卡处理"),
    ("大额存单起存金额多少", "大额存单产品说明"),
    ("短信通每个月收多少钱", "短信通服务"),
    ("U盾证书到期了", "U盾使用与证书更新"),
    ("开户要带哪些材料", "个人开户所需材料"),
    ("账单可以分12期吗", "信用卡账单分期"),
]


@pytest.fixture
def demo_loaded(db, org_tree):
    from kefu.org.demo import load as load_org

    load_org()
    demo.load(io.StringIO())


def test_demo_publishes_every_article_idempotently(demo_loaded):
    assert len(ARTICLES) >= 60
    assert Article.objects.filter(is_live=True).count() == len(ARTICLES)
    demo.load(io.StringIO())
    assert Article.objects.count() == len(ARTICLES)
    assert scripts("greeting") and scripts("closing")
    product = Article.objects.get(title="大额存单产品说明").live_version
    assert product.compliance_by.username == "risk_handler"


def test_bot_answers_demo_questions(demo_loaded):
    right, confident = 0, 0
    for question, title in BOT_CASES:
        answer = services.best_answer(question)
        assert answer is not None, question
        right += answer.title == title
        confident += answer.title == title and answer.confidence >= 0.6
    assert right >= 9, right
    assert confident >= 7, confident
    for off_topic in ["明天北京下雨吗", "帮我订一份外卖", "推荐一部好看的电影"]:
        answer = services.best_answer(off_topic)
        assert answer is None or answer.confidence < 0.6, off_topic
