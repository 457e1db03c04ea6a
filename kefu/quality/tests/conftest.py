import pytest

from kefu.contact.models import Interaction
from kefu.contact.testing import contact_setup  # noqa: F401
from kefu.quality.models import KeywordRule, SamplingPlan, Scorecard, ScorecardItem, ScorecardSection


@pytest.fixture
def scorecard(db):
    card = Scorecard.objects.create(code="phone", name="电话服务质检表")
    s1 = ScorecardSection.objects.create(scorecard=card, name="服务规范", weight=40, order=1)
    s2 = ScorecardSection.objects.create(scorecard=card, name="业务准确", weight=60, order=2)
    items = [
        ScorecardItem.objects.create(section=s1, text="标准开场白并报工号", max_points=5),
        ScorecardItem.objects.create(section=s1, text="标准结束语", max_points=5),
        ScorecardItem.objects.create(section=s2, text="解答准确完整", max_points=10),
        ScorecardItem.objects.create(section=s2, text="风险提示（未提示为致命项）", max_points=10, fatal=True),
    ]
    return card, items


@pytest.fixture
def finished_calls(contact_setup):  # noqa: F811 (fixture imported above)
    from datetime import timedelta

    from django.utils import timezone

    agents = contact_setup["agents"]
    now = timezone.now()
    calls = []
    for i in range(20):
        calls.append(Interaction.objects.create(
            channel="phone", queue=contact_setup["general"], agent=agents[i % 3], status="ended",
            offered_at=now - timedelta(hours=2), answered_at=now - timedelta(hours=2), ended_at=now - timedelta(hours=1),
            talk_seconds=900 if i == 3 else 120, csat=1 if i == 4 else 5))
    return calls


@pytest.fixture
def rules(db):
    KeywordRule.objects.create(name="承诺收益", kind="forbidden", words="保本|稳赚|保证收益")
    KeywordRule.objects.create(name="未提示手续费", kind="required", trigger="跨行转账|汇款", words="手续费")
    return KeywordRule.objects.all()


@pytest.fixture
def plans(scorecard):
    card, _ = scorecard
    random_plan = SamplingPlan.objects.create(name="随机3%", kind="random", scorecard=card, rate_percent=10)
    targeted = SamplingPlan.objects.create(name="长通话/低满意度", kind="targeted", scorecard=card,
                                           min_talk_seconds=600, max_csat=2)
    return random_plan, targeted
