from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from kefu.common.errors import NotFound
from kefu.common.pagination import PageParams, paginate

from . import services
from .models import CalibrationSession, SamplingPlan
from .selectors import evaluations_visible_to

PREFIX = "/quality"
router = Router(tags=["quality"])


class EvaluationOut(Schema):
    id: int
    interaction_id: int
    agent_id: int | None
    scorecard_id: int
    status: str
    score: Decimal | None
    fatal: bool
    evaluator_id: int | None
    submitted_at: datetime | None
    dispute_reason: str
    dispute_resolution: str


class EvaluationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EvaluationOut]


@router.get("/evaluations", response=EvaluationPage, summary="质检评估列表")
def list_evaluations(request, page: Query[PageParams], status: str = "", agent_id: int | None = None):
    qs = evaluations_visible_to(request.user).order_by("-created_at")
    if status:
        qs = qs.filter(status=status)
    if agent_id:
        qs = qs.filter(agent_id=agent_id)
    return paginate(qs, page)


def _get(request, evaluation_id: int):
    evaluation = evaluations_visible_to(request.user).filter(pk=evaluation_id).first()
    if evaluation is None:
        raise NotFound()
    return evaluation


class AnswerIn(Schema):
    item_id: int
    points: int
    fatal_hit: bool = False
    comment: str = ""


class SubmitIn(Schema):
    answers: list[AnswerIn]
    comments: str = ""


@router.post("/evaluations/{evaluation_id}/submit", response=EvaluationOut, summary="提交评分")
def submit(request, evaluation_id: int, payload: SubmitIn):
    evaluation = _get(request, evaluation_id)
    answers = {a.item_id: (a.points, a.fatal_hit, a.comment) for a in payload.answers}
    return services.submit_evaluation(evaluation=evaluation, actor=request.user, answers=answers,
                                      comments=payload.comments)


@router.post("/evaluations/{evaluation_id}/acknowledge", response=EvaluationOut, summary="座席确认")
def acknowledge(request, evaluation_id: int):
    return services.acknowledge(evaluation=_get(request, evaluation_id), actor=request.user)


class DisputeIn(Schema):
    reason: str


@router.post("/evaluations/{evaluation_id}/dispute", response=EvaluationOut, summary="座席申诉")
def dispute(request, evaluation_id: int, payload: DisputeIn):
    return services.dispute(evaluation=_get(request, evaluation_id), actor=request.user, reason=payload.reason)


class ResolveIn(Schema):
    upheld: bool
    resolution: str
    new_score: Decimal | None = None


@router.post("/evaluations/{evaluation_id}/resolve", response=EvaluationOut, summary="处理申诉")
def resolve(request, evaluation_id: int, payload: ResolveIn):
    return services.resolve_dispute(evaluation=_get(request, evaluation_id), actor=request.user,
                                    upheld=payload.upheld, resolution=payload.resolution, new_score=payload.new_score)


class DrawIn(Schema):
    start: datetime
    end: datetime
    seed: int | None = None


@router.post("/plans/{plan_id}/draw", response=list[EvaluationOut], summary="按抽样计划抽取")
def draw(request, plan_id: int, payload: DrawIn):
    plan = get_object_or_404(SamplingPlan, pk=plan_id)
    return services.draw_sample(plan=plan, start=payload.start, end=payload.end, actor=request.user, seed=payload.seed)


@router.get("/calibrations/{session_id}", summary="校准会评分差异")
def calibration(request, session_id: int):
    from kefu.org.access import require_perm

    from .permissions import QualityP

    require_perm(request.user, QualityP.VIEW_ALL)
    return services.calibration_variance(get_object_or_404(CalibrationSession, pk=session_id))
