"""The public FAQ for customers: no login, only published, in-force customer articles."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..choices import Audience, FeedbackChannel
from ..forms import FeedbackForm
from ..models import Category
from ..search import search
from .common import attachment_response

VOTED_KEY = "kb_faq_voted"


@require_GET
def faq(request):
    query = request.GET.get("q", "").strip()[:100]
    articles = selectors.public_articles().order_by("category__order", "-view_count", "title")
    by_category: dict[Category, list] = {}
    for item in articles[:500]:
        by_category.setdefault(item.category, []).append(item)
    hits = search(query, audience=Audience.CUSTOMER, limit=20) if query else []
    return render(request, "knowledge/faq.html", {"q": query, "hits": hits, "by_category": by_category})


@require_GET
def faq_results(request):
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "knowledge/_faq_results.html",
                  {"q": query, "hits": search(query, audience=Audience.CUSTOMER, limit=20)})


@require_GET
def faq_article(request, pk: int):
    item = selectors.get_public_article(pk)
    services.record_usage(article_ids=[item.pk], kind="view")
    return render(request, "knowledge/faq_article.html", {"article": item, "attachments": item.attachments.all()})


@require_POST
def faq_feedback(request, pk: int):
    item = selectors.get_public_article(pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(request, "knowledge/_faq_feedback.html", {"article": item, "error": _("请选择是否有帮助")},
                      status=422)
    # One vote per article per browser session keeps anonymous counts meaningful.
    voted = set(request.session.get(VOTED_KEY, []))
    if item.pk not in voted:
        services.record_feedback(article=item, helpful=form.cleaned_data["helpful"], actor=None,
                                 channel=FeedbackChannel.CUSTOMER, comment=form.cleaned_data["comment"])
        request.session[VOTED_KEY] = sorted(voted | {item.pk})[-200:]
    return render(request, "knowledge/_faq_feedback.html", {"article": item, "thanks": True})


@require_GET
def faq_attachment(request, pk: int):
    return attachment_response(selectors.attachment_for(None, pk))
