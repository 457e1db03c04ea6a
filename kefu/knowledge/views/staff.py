"""Agent pages: search-as-you-type, article view, editor, review queue, agent-assist partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.common.errors import KefuError, NotFound
from kefu.org.access import require_perm

from .. import selectors, services
from ..choices import Audience, FeedbackChannel, WorkflowAction
from ..choices import VersionStatus as S
from ..forms import ArticleForm, FeedbackForm
from ..models import ArticleVersion, Category
from ..permissions import KP
from ..search import search
from ..services.articles import OPEN_STATUSES
from ..workflow import allowed_actions
from .common import attachment_response

ACTION_LABELS = dict(WorkflowAction.choices)


@login_required
@require_GET
def home(request):
    require_perm(request.user, KP.VIEW)
    query = request.GET.get("q", "").strip()
    categories = Category.objects.annotate(n=Count("articles")).order_by("order", "code")
    popular = selectors.articles_visible_to(request.user).live().order_by("-view_count", "-use_count")[:10]
    context = {"q": query, "hits": search(query, limit=20) if query else [], "categories": categories,
               "popular": popular, "can_author": request.user.has_kefu_perm(KP.AUTHOR)}
    return render(request, "knowledge/home.html", context)


@login_required
@require_GET
def results(request):
    """The HTMX partial behind search-as-you-type."""
    require_perm(request.user, KP.VIEW)
    query = request.GET.get("q", "").strip()
    return render(request, "knowledge/_results.html", {"q": query, "hits": search(query, limit=20)})


@login_required
@require_GET
def assist(request):
    """Top 3 articles for the live notes in ``?text=``; embeddable by other pages (knowledge:assist)."""
    require_perm(request.user, KP.VIEW)
    text = request.GET.get("text", "")
    hits = services.suggest_articles(text, limit=3)
    return render(request, "knowledge/_assist.html", {"hits": hits, "text": text})


@login_required
@require_GET
def article(request, pk: int):
    require_perm(request.user, KP.VIEW)
    obj = selectors.get_article_for(request.user, pk)
    services.record_usage(article_ids=[obj.pk], kind="view")
    open_version = obj.versions.filter(status__in=OPEN_STATUSES).first()
    context = {"article": obj, "in_force": obj.is_in_force(), "open_version": open_version,
               "versions": obj.versions.select_related("author", "approved_by", "compliance_by")[:20],
               "attachments": obj.attachments.all(), "can_author": request.user.has_kefu_perm(KP.AUTHOR),
               "can_feedback": request.user.has_kefu_perm(KP.FEEDBACK)}
    return render(request, "knowledge/article.html", context)


@login_required
@require_POST
def feedback(request, pk: int):
    obj = selectors.get_article_for(request.user, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(request, "knowledge/_feedback.html", {"article": obj, "error": _("请选择是否有帮助")}, status=422)
    services.record_feedback(article=obj, helpful=form.cleaned_data["helpful"], actor=request.user,
                             channel=FeedbackChannel.AGENT, comment=form.cleaned_data["comment"])
    obj.refresh_from_db(fields=["helpful_count", "not_helpful_count"])
    return render(request, "knowledge/_feedback.html", {"article": obj, "thanks": True})


@login_required
@require_POST
def mark_used(request, pk: int):
    """An agent used a suggested article in a conversation (assist panel 'used' button)."""
    obj = selectors.get_article_for(request.user, pk)
    services.record_usage(article_ids=[obj.pk], kind="use")
    return render(request, "knowledge/_used.html", {"article": obj})


def _editor(request, *, form, title, action_url, version=None, live=None):
    return render(request, "knowledge/editor.html", {"form": form, "page_title": title, "action_url": action_url,
                                                      "version": version, "live": live})


def _form_errors(form, exc: KefuError) -> None:
    for field, message in (exc.fields or {}).items():
        form.add_error(field if field in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def new_article(request):
    require_perm(request.user, KP.AUTHOR)
    form = ArticleForm(request.POST or None, initial={"audience": Audience.AGENT})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_article(actor=request.user, **form.service_data())
        except KefuError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("草稿已保存"))
            return redirect("knowledge:version", pk=created.pk)
    return _editor(request, form=form, title=_("新建知识文章"), action_url=request.path)


@login_required
@require_http_methods(["GET", "POST"])
def edit_article(request, pk: int):
    """Start a new version of a published article (pre-filled with the live content)."""
    require_perm(request.user, KP.AUTHOR)
    obj = selectors.get_article_for(request.user, pk)
    open_version = obj.versions.filter(status__in=OPEN_STATUSES).first()
    if open_version is not None:
        messages.info(request, _("该文章已有未发布的版本，请在该版本上继续"))
        return redirect("knowledge:version", pk=open_version.pk)
    base = obj.live_version or obj.versions.first()
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_from(base) if base else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.start_version(article=obj, actor=request.user, **form.service_data())
        except KefuError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("新版本草稿已保存"))
            return redirect("knowledge:version", pk=created.pk)
    return _editor(request, form=form, title=_("修订：%s") % obj.title, action_url=request.path, live=obj)


def _get_version(user, pk: int) -> ArticleVersion:
    require_perm(user, KP.VIEW)
    found = (ArticleVersion.objects.select_related("article", "category", "author", "approved_by", "compliance_by")
             .filter(pk=pk).first())
    if found is None:
        raise NotFound(code="knowledge.not_found")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def edit_version(request, pk: int):
    require_perm(request.user, KP.AUTHOR)
    draft = _get_version(request.user, pk)
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_from(draft))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(version=draft, actor=request.user, **form.service_data())
        except KefuError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("草稿已保存"))
            return redirect("knowledge:version", pk=draft.pk)
    return _editor(request, form=form, title=_("编辑草稿 v%d") % draft.number, action_url=request.path, version=draft)


@login_required
@require_GET
def version(request, pk: int):
    obj = _get_version(request.user, pk)
    live = obj.article.live_version if obj.article.live_version_id != obj.pk else None
    actions = [(a, ACTION_LABELS.get(a, a)) for a in allowed_actions(obj, request.user)]
    context = {"version": obj, "live": live, "actions": actions, "events": obj.events.select_related("actor"),
               "can_edit": obj.status == S.DRAFT and obj.author_id == request.user.pk}
    return render(request, "knowledge/version.html", context)


@login_required
@require_POST
def transition(request, pk: int):
    obj = _get_version(request.user, pk)
    action = request.POST.get("action", "")
    if action not in WorkflowAction.values:
        raise KefuError(_("未知操作"), code="knowledge.unknown_action", status=400)
    try:
        services.transition(version=obj, action=action, actor=request.user, comment=request.POST.get("comment", ""))
    except KefuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已%s") % ACTION_LABELS.get(action, action))
    return redirect("knowledge:version", pk=obj.pk)


@login_required
@require_GET
def review(request):
    require_perm(request.user, KP.VIEW)
    queue = list(selectors.review_queue(request.user)[:200])
    groups = [(status, label, [v for v in queue if v.status == status]) for status, label in S.choices
              if status in (S.IN_REVIEW, S.PENDING_COMPLIANCE, S.APPROVED, S.DRAFT, S.REJECTED)]
    return render(request, "knowledge/review.html", {"groups": groups, "total": len(queue)})


@login_required
@require_POST
def upload_attachment(request, pk: int):
    obj = selectors.get_article_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
    else:
        try:
            services.add_attachment(article=obj, actor=request.user, name=upload.name, content=upload.read())
        except KefuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("附件已上传"))
    return redirect("knowledge:article", pk=obj.pk)


@login_required
@require_GET
def attachment(request, pk: int):
    require_perm(request.user, KP.VIEW)
    return attachment_response(selectors.attachment_for(request.user, pk))
