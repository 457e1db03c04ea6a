"""REST API of the assist app: triage suggestions, corrections, weekly hot topics."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from kefu.org.access import require_perm

from .choices import FeedbackSource
from .permissions import AssistPerm
from .selectors import weekly_hot_topics
from .services import clean_text, record_triage, record_triage_feedback
from .triage import triage

PREFIX = "/assist"
router = Router(tags=["assist"])


class TriageIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)
    # Log labels and vocabulary terms (never the text) for the hot-topics view.
    log: bool = True
    source: FeedbackSource = FeedbackSource.API


class TriageOut(Schema):
    kind: str
    intent: str
    category: str | None
    severity: str | None
    business: str
    confidence: dict[str, float]
    signals: list[str]


class LabelsIn(Schema):
    kind: str
    intent: str
    category: str | None = None
    severity: str | None = None
    business: str


class FeedbackIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)
    predicted: dict = Field(default_factory=dict)
    corrected: LabelsIn
    source: FeedbackSource = FeedbackSource.API


class FeedbackOut(Schema):
    id: int
    created_at: datetime
    changed_labels: list[str]


class TopicOut(Schema):
    code: str
    label: str
    current: int
    previous: int
    change: int
    change_pct: float | None


class HotTopicsOut(Schema):
    source: str
    current_start: datetime
    previous_start: datetime
    end: datetime
    total_current: int
    total_previous: int
    intents: list[TopicOut]
    terms: list[TopicOut]


@router.post("/triage", response=TriageOut, summary="文本智能分类（类型、意图、投诉类别、严重程度、业务）")
def triage_text(request, payload: TriageIn):
    require_perm(request.user, AssistPerm.TRIAGE)
    text = clean_text(payload.text)
    result = triage(text)
    if payload.log:
        record_triage(labels=result.labels(), text=text, source=payload.source, actor=request.user)
    return result.as_dict()


@router.post("/feedback", response={201: FeedbackOut}, summary="提交分类纠正（作为新的训练数据）")
def triage_feedback(request, payload: FeedbackIn):
    require_perm(request.user, AssistPerm.FEEDBACK)
    feedback = record_triage_feedback(text=payload.text, predicted=payload.predicted,
                                      corrected=payload.corrected.dict(), actor=request.user,
                                      source=payload.source, strict=True)
    return Status(201, feedback)


@router.get("/hot-topics", response=HotTopicsOut, summary="投诉热点周报（近7天对比前7天）")
def hot_topics(request, top: int = 10):
    require_perm(request.user, AssistPerm.HOT_TOPICS)
    return weekly_hot_topics(user=request.user, top=max(1, min(top, 50))).as_dict()
