"""Quality services: sampling, scoring, the evaluation workflow, calibration, keyword rules, coaching."""

from __future__ import annotations

import random
import statistics
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kefu.audit.services import record
from kefu.common.errors import Forbidden, ValidationFailed
from kefu.org.access import require_perm

from .choices import EvaluationStatus, RuleKind, SamplingKind
from .errors import EvaluationTransitionError
from .models import (
    CalibrationSession,
    CoachingRecord,
    Evaluation,
    EvaluationAnswer,
    KeywordHit,
    KeywordRule,
    SamplingPlan,
    Scorecard,
)
from .permissions import QualityP

E = EvaluationStatus
TRANSITIONS = {
    E.ASSIGNED: {E.SUBMITTED},
    E.CALIBRATION: {E.SUBMITTED},
    E.SUBMITTED: {E.ACKNOWLEDGED, E.DISPUTED},
    E.DISPUTED: {E.DISPUTE_UPHELD, E.DISPUTE_REJECTED},
    E.ACKNOWLEDGED: set(),
    E.DISPUTE_UPHELD: set(),
    E.DISPUTE_REJECTED: set(),
}
FINAL = [E.ACKNOWLEDGED, E.DISPUTE_UPHELD, E.DISPUTE_REJECTED]


def _transition(evaluation: Evaluation, to: str, *, actor: Any, **changes: Any) -> None:
    if to not in TRANSITIONS[evaluation.status]:
        raise EvaluationTransitionError(f"质检状态“{evaluation.get_status_display()}”不能变为“{E(to).label}”")
    before = evaluation.status
    evaluation.status = to
    record(actor=actor, action=f"quality.evaluation_{to}", obj=evaluation, changes={"status": [before, to], **changes})


def compute_score(scorecard: Scorecard, answers: dict[int, tuple[int, bool]]) -> tuple[Decimal, bool]:
    """Weighted score 0-100: each section contributes weight x (points / max points); a fatal hit gives 0."""
    total_weight = Decimal(0)
    score = Decimal(0)
    fatal = False
    for section in scorecard.sections.prefetch_related("items"):
        items = list(section.items.all())
        max_points = sum(i.max_points for i in items)
        if not items or not max_points:
            continue
        got = 0
        for item in items:
            points, fatal_hit = answers.get(item.pk, (0, False))
            if points > item.max_points or points < 0:
                raise ValidationFailed("分值超出范围", code="quality.points_out_of_range", fields={str(item.pk): points})
            got += points
            fatal = fatal or (item.fatal and fatal_hit)
        total_weight += section.weight
        score += Decimal(section.weight) * Decimal(got) / Decimal(max_points)
    if fatal:
        return Decimal("0.00"), True
    if not total_weight:
        return Decimal("0.00"), False
    return (score * 100 / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), False


def submit_evaluation(*, evaluation: Evaluation, actor: Any, answers: dict[int, tuple[int, bool, str]],
                      comments: str = "") -> Evaluation:
    """Score an assigned (or calibration) evaluation; every item of the scorecard must be answered."""
    require_perm(actor, QualityP.EVALUATE)
    item_ids = set(evaluation.scorecard.sections.values_list("items__id", flat=True)) - {None}
    missing = item_ids - set(answers)
    if missing:
        raise ValidationFailed("还有评分项未评分", code="quality.items_missing",
                               fields={str(i): "required" for i in sorted(missing)})
    if evaluation.agent_id and evaluation.agent.user_id == actor.pk:
        raise Forbidden("不能给自己的服务质检", code="quality.self_evaluation")
    score, fatal = compute_score(evaluation.scorecard, {k: (v[0], v[1]) for k, v in answers.items()})
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _transition(evaluation, E.SUBMITTED, actor=actor, score=str(score), fatal=fatal)
        EvaluationAnswer.objects.filter(evaluation=evaluation).delete()
        EvaluationAnswer.objects.bulk_create([
            EvaluationAnswer(evaluation=evaluation, item_id=item_id, points=points, fatal_hit=fatal_hit,
                             comment=comment[:300])
            for item_id, (points, fatal_hit, comment) in answers.items() if item_id in item_ids])
        evaluation.score, evaluation.fatal, evaluation.comments = score, fatal, comments
        evaluation.evaluator, evaluation.submitted_at = actor, timezone.now()
        evaluation.save()
    return evaluation


def acknowledge(*, evaluation: Evaluation, actor: Any) -> Evaluation:
    _own(evaluation, actor)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _transition(evaluation, E.ACKNOWLEDGED, actor=actor)
        evaluation.acknowledged_at = timezone.now()
        evaluation.save(update_fields=["status", "acknowledged_at"])
    return evaluation


def dispute(*, evaluation: Evaluation, actor: Any, reason: str) -> Evaluation:
    _own(evaluation, actor)
    if len(reason.strip()) < 4:
        raise ValidationFailed("请写明申诉理由", code="quality.reason_required", fields={"reason": "required"})
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _transition(evaluation, E.DISPUTED, actor=actor, reason=reason)
        evaluation.dispute_reason = reason
        evaluation.save(update_fields=["status", "dispute_reason"])
    return evaluation


def resolve_dispute(*, evaluation: Evaluation, actor: Any, upheld: bool, resolution: str,
                    new_score: Decimal | None = None) -> Evaluation:
    require_perm(actor, QualityP.RESOLVE_DISPUTE)
    if evaluation.evaluator_id == actor.pk:
        raise Forbidden("申诉须由原评分人以外的人员处理", code="quality.same_reviewer")
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        to = E.DISPUTE_UPHELD if upheld else E.DISPUTE_REJECTED
        old_score = evaluation.score
        if upheld and new_score is not None:
            if not Decimal(0) <= new_score <= Decimal(100):
                raise ValidationFailed("复评分须在0-100之间", code="quality.bad_score")
            evaluation.score, evaluation.fatal = new_score, False
        _transition(evaluation, to, actor=actor, score=[str(old_score), str(evaluation.score)], resolution=resolution)
        evaluation.dispute_resolution = resolution
        evaluation.save(update_fields=["status", "score", "fatal", "dispute_resolution"])
    return evaluation


def _own(evaluation: Evaluation, actor: Any) -> None:
    if not evaluation.agent_id or evaluation.agent.user_id != actor.pk:
        raise Forbidden("只能确认或申诉本人的质检结果", code="quality.not_own")


def _eligible(plan: SamplingPlan, start: datetime, end: datetime):
    from kefu.contact.models import Interaction

    qs = Interaction.objects.filter(status="ended", agent__isnull=False, ended_at__gte=start, ended_at__lt=end)
    if plan.channel:
        qs = qs.filter(channel=plan.channel)
    qs = qs.exclude(evaluations__isnull=False)
    if plan.kind == SamplingKind.TARGETED:
        wanted = Q(pk__in=[])
        if plan.complaints:
            wanted |= Q(wrap_up_code__code="complaint") | Q(workorder_links__workorder_number__startswith="TS")
        if plan.min_talk_seconds:
            wanted |= Q(talk_seconds__gte=plan.min_talk_seconds)
        if plan.max_csat:
            wanted |= Q(csat__lte=plan.max_csat)
        if plan.new_agent_days:
            wanted |= Q(agent__hired_on__gte=timezone.localdate() - timedelta(days=plan.new_agent_days))
        if plan.keyword_hits:
            wanted |= Q(keyword_hits__isnull=False)
        qs = qs.filter(wanted)
    return qs.distinct()


def draw_sample(*, plan: SamplingPlan, start: datetime, end: datetime, actor: Any, seed: int | None = None) -> list[Evaluation]:
    """Assign evaluations for a period: rate% of the eligible contacts (all targeted ones), capped per agent."""
    require_perm(actor, QualityP.MANAGE)
    candidates = list(_eligible(plan, start, end).values_list("pk", "agent_id", "recordings__id"))
    rng = random.Random(seed)
    rng.shuffle(candidates)
    if plan.kind == SamplingKind.RANDOM:
        take = max(1, round(len(candidates) * float(plan.rate_percent) / 100)) if candidates else 0
    else:
        take = len(candidates)
    per_agent: dict[int, int] = {}
    chosen: list[tuple[int, int, int | None]] = []
    seen: set[int] = set()
    for pk, agent_id, recording_id in candidates:
        if len(chosen) >= take or pk in seen or per_agent.get(agent_id, 0) >= plan.max_per_agent:
            continue
        seen.add(pk)
        per_agent[agent_id] = per_agent.get(agent_id, 0) + 1
        chosen.append((pk, agent_id, recording_id))
    with transaction.atomic():
        created = [Evaluation.objects.create(interaction_id=pk, agent_id=agent_id, recording_id=recording_id,
                                             scorecard=plan.scorecard, plan=plan) for pk, agent_id, recording_id in chosen]
        record(actor=actor, action="quality.sample_drawn", obj=plan,
               changes={"period": [start.isoformat(), end.isoformat()], "eligible": len(candidates),
                        "assigned": len(created)})
    return created


def open_calibration(*, interaction: Any, scorecard: Scorecard, evaluators: list[Any], actor: Any,
                     name: str = "") -> CalibrationSession:
    require_perm(actor, QualityP.MANAGE)
    if len(evaluators) < 2:
        raise ValidationFailed("校准会至少需要两名评分人", code="quality.calibration_size")
    with transaction.atomic():
        session = CalibrationSession.objects.create(name=name or f"校准 #{interaction.pk}", interaction=interaction,
                                                    scorecard=scorecard, created_by=actor)
        for _evaluator in evaluators:
            Evaluation.objects.create(interaction=interaction, scorecard=scorecard, agent=interaction.agent,
                                      calibration=session, status=E.CALIBRATION)
        record(actor=actor, action="quality.calibration_opened", obj=session,
               changes={"evaluators": [e.username for e in evaluators]})
    return session


def calibration_variance(session: CalibrationSession) -> dict[str, Any]:
    """Spread of the evaluators' scores, overall and per item (the items to discuss first)."""
    done = list(session.evaluations.filter(status=E.SUBMITTED).prefetch_related("answers__item"))
    scores = [float(e.score) for e in done if e.score is not None]
    per_item: dict[str, list[int]] = {}
    for evaluation in done:
        for answer in evaluation.answers.all():
            per_item.setdefault(answer.item.text, []).append(answer.points)
    items = sorted(((text, statistics.pstdev(points)) for text, points in per_item.items() if len(points) > 1),
                   key=lambda kv: -kv[1])
    return {
        "evaluations": len(done),
        "scores": scores,
        "mean": round(statistics.fmean(scores), 2) if scores else None,
        "stdev": round(statistics.pstdev(scores), 2) if len(scores) > 1 else None,
        "range": round(max(scores) - min(scores), 2) if scores else None,
        "items_by_disagreement": [{"item": t, "stdev": round(s, 2)} for t, s in items],
    }


def scan_interaction(interaction: Any) -> list[KeywordHit]:
    """Apply the keyword rules to a finished chat transcript and the wrap-up note."""
    texts: list[tuple[str, str]] = [(m.sender, m.text) for m in interaction.messages.all()]
    if interaction.disposition_note:
        texts.append(("agent", interaction.disposition_note))
    hits = []
    for rule in KeywordRule.objects.filter(active=True):
        words = [w for w in rule.words.split("|") if w]
        relevant = [text for sender, text in texts if sender == "agent" or not rule.applies_to_agent_only]
        joined = "\n".join(relevant)
        if rule.kind == RuleKind.FORBIDDEN:
            for word in words:
                pos = joined.find(word)
                if pos >= 0:
                    hits.append(KeywordHit(rule=rule, interaction=interaction,
                                           snippet=joined[max(pos - 30, 0):pos + 30]))
                    break
        else:
            triggers = [w for w in rule.trigger.split("|") if w]
            all_text = "\n".join(text for _, text in texts)
            triggered = any(t in all_text for t in triggers)
            if triggered and not any(w in joined for w in words):
                hits.append(KeywordHit(rule=rule, interaction=interaction,
                                       snippet=f"触发词出现但未说明：{'/'.join(words)}"[:200]))
    if hits:
        KeywordHit.objects.bulk_create(hits)
    return hits


def record_coaching(*, agent: Any, coach: Any, topic: str, notes: str = "", evaluation: Evaluation | None = None,
                    follow_up_on=None) -> CoachingRecord:
    require_perm(coach, QualityP.COACH)
    with transaction.atomic():
        rec = CoachingRecord.objects.create(agent=agent, coach=coach, topic=topic, notes=notes, evaluation=evaluation,
                                            follow_up_on=follow_up_on)
        record(actor=coach, action="quality.coaching_recorded", obj=rec, changes={"agent": agent.pk, "topic": topic})
    return rec


def qa_score(*, start: datetime, end: datetime, agent_id: int | None = None) -> float | None:
    """Mean final score of evaluations submitted in the period (the QA-score KPI)."""
    from django.db.models import Avg

    qs = Evaluation.objects.filter(status__in=FINAL + [E.SUBMITTED], calibration__isnull=True,
                                   submitted_at__gte=start, submitted_at__lt=end)
    if agent_id is not None:
        qs = qs.filter(agent_id=agent_id)
    value = qs.aggregate(v=Avg("score"))["v"]
    return round(float(value), 2) if value is not None else None
