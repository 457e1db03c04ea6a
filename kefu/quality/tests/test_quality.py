from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.common.errors import Forbidden, InvalidTransition, ValidationFailed
from kefu.contact import services as contact_services
from kefu.contact.models import ChatMessage, Interaction
from kefu.quality import services
from kefu.quality.models import Evaluation, KeywordHit


@pytest.fixture
def staff(org_tree, user_factory):
    return {
        "lead": user_factory("qlead", roles=["shift_lead"], unit=org_tree["CC"]),
        "lead2": user_factory("qlead2", roles=["shift_lead"], unit=org_tree["CC"]),
        "director": user_factory("qdir", roles=["center_director"], unit=org_tree["CC"]),
    }


def answers(items, points, fatal_on=None):
    return {item.pk: (p, item.pk == fatal_on, "") for item, p in zip(items, points, strict=True)}


def test_weighted_score_and_fatal_item(scorecard):
    card, items = scorecard
    score, fatal = services.compute_score(card, {i.pk: (p, False) for i, p in zip(items, [5, 5, 10, 10], strict=True)})
    assert (score, fatal) == (Decimal("100.00"), False)
    # Section 1: 4/10 of weight 40 = 16; section 2: 15/20 of weight 60 = 45 -> 61
    score, _ = services.compute_score(card, {i.pk: (p, False) for i, p in zip(items, [2, 2, 10, 5], strict=True)})
    assert score == Decimal("61.00")
    score, fatal = services.compute_score(card, {i.pk: (p, i.fatal) for i, p in zip(items, [5, 5, 10, 10], strict=True)})
    assert (score, fatal) == (Decimal("0.00"), True)
    with pytest.raises(ValidationFailed):
        services.compute_score(card, {items[0].pk: (9, False)})


def test_sampling_random_and_targeted(plans, finished_calls, staff):
    random_plan, targeted = plans
    start, end = timezone.now() - timedelta(days=1), timezone.now()
    drawn = services.draw_sample(plan=random_plan, start=start, end=end, actor=staff["director"], seed=1)
    assert len(drawn) == 2  # 10% of 20
    picked = {e.interaction_id for e in drawn}
    targeted_drawn = services.draw_sample(plan=targeted, start=start, end=end, actor=staff["director"], seed=1)
    chosen = {e.interaction_id for e in targeted_drawn}
    expected = {c.pk for c in finished_calls if c.talk_seconds >= 600 or c.csat <= 2} - picked
    assert chosen == expected
    with pytest.raises(Forbidden):
        services.draw_sample(plan=random_plan, start=start, end=end, actor=staff["lead"])


def test_evaluation_workflow_dispute_and_second_reviewer(scorecard, finished_calls, staff):
    card, items = scorecard
    call = finished_calls[0]
    evaluation = Evaluation.objects.create(interaction=call, agent=call.agent, scorecard=card)
    with pytest.raises(ValidationFailed) as exc:
        services.submit_evaluation(evaluation=evaluation, actor=staff["lead"], answers={items[0].pk: (5, False, "")})
    assert exc.value.code == "quality.items_missing"
    evaluation = services.submit_evaluation(evaluation=evaluation, actor=staff["lead"],
                                            answers=answers(items, [5, 5, 10, 0]))
    assert evaluation.score == Decimal("70.00")
    with pytest.raises(Forbidden):
        services.dispute(evaluation=evaluation, actor=staff["lead2"], reason="不是我的")
    evaluation = services.dispute(evaluation=evaluation, actor=call.agent.user, reason="已做风险提示，录音第2分钟")
    with pytest.raises(Forbidden):
        services.resolve_dispute(evaluation=evaluation, actor=staff["lead"], upheld=True, resolution="x")
    evaluation = services.resolve_dispute(evaluation=evaluation, actor=staff["director"], upheld=True,
                                          resolution="复听确认已提示", new_score=Decimal("100"))
    assert evaluation.status == "dispute_upheld" and evaluation.score == Decimal("100")
    with pytest.raises(InvalidTransition):
        services.acknowledge(evaluation=evaluation, actor=call.agent.user)
    assert services.qa_score(start=timezone.now() - timedelta(hours=1), end=timezone.now() + timedelta(minutes=1),
                             agent_id=call.agent_id) == 100.0


def test_calibration_variance(scorecard, finished_calls, staff):
    card, items = scorecard
    session = services.open_calibration(interaction=finished_calls[1], scorecard=card,
                                        evaluators=[staff["lead"], staff["lead2"]], actor=staff["director"])
    first, second = list(session.evaluations.all())
    services.submit_evaluation(evaluation=first, actor=staff["lead"], answers=answers(items, [5, 5, 10, 10]))
    services.submit_evaluation(evaluation=second, actor=staff["lead2"], answers=answers(items, [5, 5, 5, 10]))
    v = services.calibration_variance(session)
    assert v["scores"] == [100.0, 85.0] and v["range"] == 15.0 and v["stdev"] == 7.5
    assert v["items_by_disagreement"][0]["item"] == "解答准确完整"


def test_keyword_rules_scan_finished_chats(contact_setup, rules):
    agent = contact_setup["agents"][0]
    contact_services.set_agent_state(agent=agent, state="ready", actor=None)
    chat = contact_services.offer_interaction(channel="chat", queue=contact_setup["chat"], actor=None)
    contact_services.answer(interaction=chat, actor=None)
    ChatMessage.objects.create(interaction=chat, sender="customer", text="我想跨行转账五万")
    ChatMessage.objects.create(interaction=chat, sender="agent", text="这款理财保本稳赚，您放心")
    contact_services.end_interaction(interaction=chat, actor=None)
    contact_services.wrap_up(interaction=chat, actor=None, wrap_up_code="resolved")
    hits = {h.rule.name for h in KeywordHit.objects.filter(interaction=Interaction.objects.get(pk=chat.pk))}
    assert hits == {"承诺收益", "未提示手续费"}
