"""REST API of the knowledge base: list, search, detail, create, edit, transition, feedback, scripts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from kefu.common.errors import NotFound
from kefu.common.pagination import PageParams, paginate
from kefu.org.access import require_perm

from . import selectors, services
from .choices import Audience, FeedbackChannel
from .models import ArticleVersion
from .permissions import KP
from .search import search as run_search
from .workflow import allowed_actions

PREFIX = "/knowledge"
router = Router(tags=["knowledge"])


class HitOut(Schema):
    article_id: int
    title: str
    title_html: str
    snippet_html: str
    score: float
    kind: str
    category: str
    audience: str
    coverage: float


class ArticleOut(Schema):
    id: int
    kind: str
    script_kind: str
    category: str
    audience: str
    title: str
    question: str
    paraphrases: list[str]
    body: str
    tags: list[str]
    effective_from: date | None
    effective_until: date | None
    is_live: bool
    in_force: bool
    live_version: int | None
    helpful_count: int
    not_helpful_count: int
    view_count: int
    use_count: int
    updated_at: datetime


class VersionOut(Schema):
    id: int
    article_id: int
    number: int
    status: str
    kind: str
    script_kind: str
    category: str
    audience: str
    title: str
    question: str
    paraphrases: list[str]
    body: str
    tags: list[str]
    effective_from: date | None
    effective_until: date | None
    change_note: str
    requires_compliance: bool
    author: str
    approved_by: str
    compliance_by: str
    published_at: datetime | None
    review_comment: str
    allowed_actions: list[str]


class ArticleIn(Schema):
    kind: Literal["faq", "procedure", "product", "script"] = "faq"
    script_kind: Literal["", "greeting", "closing", "other"] = ""
    category: str
    audience: Literal["agent", "customer"] = "agent"
    title: str = NinjaField(..., max_length=200)
    question: str = ""
    paraphrases: list[str] = []
    body: str
    tags: list[str] = []
    effective_from: date | None = None
    effective_until: date | None = None
    change_note: str = ""


class DraftPatch(Schema):
    kind: Literal["faq", "procedure", "product", "script"] | None = None
    script_kind: Literal["", "greeting", "closing", "other"] | None = None
    category: str | None = None
    audience: Literal["agent", "customer"] | None = None
    title: str | None = None
    question: str | None = None
    paraphrases: list[str] | None = None
    body: str | None = None
    tags: list[str] | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    change_note: str | None = None


class TransitionIn(Schema):
    action: Literal["submit", "approve", "compliance_approve", "reject", "reopen", "publish", "withdraw"]
    comment: str = ""


class FeedbackIn(Schema):
    helpful: bool
    comment: str = ""


class FeedbackOut(Schema):
    article_id: int
    helpful_count: int
    not_helpful_count: int


class ArticleFilters(Schema):
    category: str | None = None
    kind: str | None = None
    audience: str | None = None
    live_only: bool = True


class AnswerOut(Schema):
    article_id: int
    title: str
    answer_text: str
    confidence: float


def _article_out(article) -> dict:
    return {
        "id": article.pk, "kind": article.kind, "script_kind": article.script_kind,
        "category": article.category.code, "audience": article.audience, "title": article.title,
        "question": article.question, "paraphrases": article.paraphrases or [], "body": article.body,
        "tags": [t.name for t in article.tags.all()], "effective_from": article.effective_from,
        "effective_until": article.effective_until, "is_live": article.is_live, "in_force": article.is_in_force(),
        "live_version": article.live_version.number if article.live_version_id else None,
        "helpful_count": article.helpful_count, "not_helpful_count": article.not_helpful_count,
        "view_count": article.view_count, "use_count": article.use_count, "updated_at": article.updated_at,
    }


def _version_out(version: ArticleVersion, user) -> dict:
    return {
        "id": version.pk, "article_id": version.article_id, "number": version.number, "status": version.status,
        "kind": version.kind, "script_kind": version.script_kind, "category": version.category.code,
        "audience": version.audience, "title": version.title, "question": version.question,
        "paraphrases": version.paraphrases or [], "body": version.body, "tags": version.tags or [],
        "effective_from": version.effective_from, "effective_until": version.effective_until,
        "change_note": version.change_note, "requires_compliance": version.requires_compliance,
        "author": str(version.author or ""), "approved_by": str(version.approved_by or ""),
        "compliance_by": str(version.compliance_by or ""), "published_at": version.published_at,
        "review_comment": version.review_comment, "allowed_actions": allowed_actions(version, user),
    }


def _get_version(user, pk: int) -> ArticleVersion:
    require_perm(user, KP.VIEW)
    version = (ArticleVersion.objects.select_related("category", "author", "approved_by", "compliance_by")
               .filter(pk=pk).first())
    if version is None:
        raise NotFound(code="knowledge.not_found")
    return version


@router.get("/search", response=list[HitOut], summary="检索知识库（BM25，高亮）")
def search_articles(request, q: str = "", audience: Literal["agent", "customer"] = "agent", limit: int = 10):
    require_perm(request.user, KP.VIEW)
    return run_search(q, audience=audience, limit=limit)


@router.get("/answer", response={200: AnswerOut, 204: None}, summary="智能客服最佳答案（含置信度）")
def answer(request, q: str, audience: Literal["agent", "customer"] = "customer"):
    require_perm(request.user, KP.VIEW)
    result = services.best_answer(q, audience=audience)
    if result is None:
        return Status(204, None)
    return result


@router.get("/articles", summary="文章列表")
def list_articles(request, filters: Query[ArticleFilters], page: Query[PageParams]):
    require_perm(request.user, KP.VIEW)
    qs = selectors.articles_visible_to(request.user).prefetch_related("tags").order_by("-updated_at", "-pk")
    if filters.live_only:
        qs = qs.live()
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    result = paginate(qs, page)
    result["results"] = [_article_out(a) for a in result["results"]]
    return result


@router.get("/articles/{article_id}", response=ArticleOut, summary="文章详情")
def article_detail(request, article_id: int):
    require_perm(request.user, KP.VIEW)
    article = selectors.get_article_for(request.user, article_id)
    services.record_usage(article_ids=[article.pk], kind="view")
    return _article_out(article)


@router.get("/articles/{article_id}/versions", response=list[VersionOut], summary="文章的全部版本")
def article_versions(request, article_id: int):
    require_perm(request.user, KP.VIEW)
    article = selectors.get_article_for(request.user, article_id)
    versions = article.versions.select_related("category", "author", "approved_by", "compliance_by")
    return [_version_out(v, request.user) for v in versions]


@router.post("/articles", response={201: VersionOut}, summary="新建文章（生成草稿版本）")
def create_article(request, payload: ArticleIn):
    version = services.create_article(actor=request.user, **payload.dict())
    return Status(201, _version_out(version, request.user))


@router.post("/articles/{article_id}/versions", response={201: VersionOut}, summary="基于已发布版本新建草稿")
def start_version(request, article_id: int, payload: DraftPatch):
    require_perm(request.user, KP.AUTHOR)
    article = selectors.get_article_for(request.user, article_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    version = services.start_version(article=article, actor=request.user, **data)
    return Status(201, _version_out(version, request.user))


@router.get("/versions/{version_id}", response=VersionOut, summary="版本详情")
def version_detail(request, version_id: int):
    return _version_out(_get_version(request.user, version_id), request.user)


@router.patch("/versions/{version_id}", response=VersionOut, summary="修改草稿")
def patch_draft(request, version_id: int, payload: DraftPatch):
    version = _get_version(request.user, version_id)
    data = payload.dict(exclude_unset=True)
    version = services.update_draft(version=version, actor=request.user, **data)
    return _version_out(version, request.user)


@router.post("/versions/{version_id}/transition", response=VersionOut, summary="审核流转（提交/审核/合规/发布/退回/撤下）")
def transition(request, version_id: int, payload: TransitionIn):
    version = _get_version(request.user, version_id)
    version = services.transition(version=version, action=payload.action, actor=request.user, comment=payload.comment)
    version = _get_version(request.user, version.pk)
    return _version_out(version, request.user)


@router.get("/review-queue", response=list[VersionOut], summary="我的待办（审核、合规审查、发布、退回的草稿）")
def review_queue(request):
    require_perm(request.user, KP.VIEW)
    return [_version_out(v, request.user) for v in selectors.review_queue(request.user)[:200]]


@router.post("/articles/{article_id}/feedback", response=FeedbackOut, summary="评价文章是否有帮助")
def feedback(request, article_id: int, payload: FeedbackIn):
    article = selectors.get_article_for(request.user, article_id)
    services.record_feedback(article=article, helpful=payload.helpful, actor=request.user,
                             channel=FeedbackChannel.AGENT, comment=payload.comment)
    article.refresh_from_db(fields=["helpful_count", "not_helpful_count"])
    return {"article_id": article.pk, "helpful_count": article.helpful_count,
            "not_helpful_count": article.not_helpful_count}


@router.get("/scripts", response=list[ArticleOut], summary="服务话术（开场/结束）")
def scripts(request, kind: Literal["greeting", "closing", "other"] = "greeting"):
    require_perm(request.user, KP.VIEW)
    return [_article_out(a) for a in selectors.scripts(kind)]


__all__ = ["Audience", "PREFIX", "router"]
