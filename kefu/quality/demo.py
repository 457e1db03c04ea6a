"""Demo quality set-up: the standard phone scorecard, keyword rules, sampling plans and some evaluations."""

from __future__ import annotations

from django.db import transaction

from .models import Evaluation, KeywordRule, SamplingPlan, Scorecard, ScorecardItem, ScorecardSection

SCORECARD = [
    ("服务规范", 30, [("标准开场白并报工号", 5, False), ("礼貌用语、语速语调适中", 5, False),
                   ("耐心倾听、不打断客户", 5, False), ("标准结束语，待客户先挂机", 5, False)]),
    ("业务准确", 40, [("准确识别客户诉求", 10, False), ("解答准确完整", 10, False), ("按规定核实客户身份", 10, False)]),
    ("合规风控", 30, [("风险提示（理财、转账等）", 10, True), ("未泄露客户信息", 10, True),
                   ("费用与收费标准告知", 10, False)]),
]
RULES = [
    ("承诺收益", "forbidden", "保本|稳赚|保证收益|零风险|稳赚不赔", "", "理财营销不得承诺收益"),
    ("不当用语", "forbidden", "不知道|不归我管|你自己看|没办法", "", "服务禁语"),
    ("未提示手续费", "required", "手续费|费用", "跨行转账|汇款|取现|年费", "涉及收费业务须告知费用"),
]


@transaction.atomic
def load(stdout=None) -> None:
    card = Scorecard.objects.filter(code="phone-standard").first()
    if card is None:
        card = Scorecard.objects.create(code="phone-standard", name="电话服务质检标准", channel="phone")
        for order, (name, weight, items) in enumerate(SCORECARD):
            section = ScorecardSection.objects.create(scorecard=card, name=name, weight=weight, order=order)
            for i, (text, points, fatal) in enumerate(items):
                ScorecardItem.objects.create(section=section, text=text, max_points=points, fatal=fatal, order=i)
    for name, kind, words, trigger, description in RULES:
        KeywordRule.objects.get_or_create(name=name, defaults={"kind": kind, "words": words, "trigger": trigger,
                                                               "description": description})
    SamplingPlan.objects.get_or_create(name="日常随机抽检3%", defaults={"kind": "random", "scorecard": card,
                                                                    "rate_percent": 3})
    SamplingPlan.objects.get_or_create(name="定向：投诉/长通话/低满意度/新员工", defaults={
        "kind": "targeted", "scorecard": card, "complaints": True, "min_talk_seconds": 600, "max_csat": 2,
        "new_agent_days": 90, "keyword_hits": True})
    if not Evaluation.objects.exists():
        from kefu.contact.models import Interaction

        for interaction in Interaction.objects.filter(status="ended", agent__isnull=False).order_by("-ended_at")[:8]:
            Evaluation.objects.create(interaction=interaction, agent=interaction.agent, scorecard=card)
    if stdout is not None:
        stdout.write(f"quality: {Scorecard.objects.count()} scorecards, {Evaluation.objects.count()} evaluations")
