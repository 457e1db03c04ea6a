"""HTMX pages: weekly hot topics of complaints, and a triage try-out for agents and shift leads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kefu.common.errors import KefuError
from kefu.org.access import require_perm

from .choices import Business, Category, Intent, Kind, Severity
from .permissions import AssistPerm
from .selectors import weekly_hot_topics
from .services import clean_text
from .triage import triage

_LABEL_NAMES = {
    "kind": dict(Kind.choices), "intent": dict(Intent.choices), "category": dict(Category.choices),
    "severity": dict(Severity.choices), "business": dict(Business.choices),
}


def _top(request) -> int:
    try:
        return max(1, min(int(request.GET.get("top", 10)), 50))
    except ValueError:
        return 10


@login_required
def hot_topics(request):
    require_perm(request.user, AssistPerm.HOT_TOPICS)
    topics = weekly_hot_topics(user=request.user, top=_top(request))
    template = "assist/_hot_topics.html" if request.htmx else "assist/hot_topics.html"
    return render(request, template, {"topics": topics, "top": _top(request)})


@login_required
@require_http_methods(["GET", "POST"])
def triage_try(request):
    require_perm(request.user, AssistPerm.TRIAGE)
    context: dict = {"text": ""}
    if request.method == "POST":
        context["text"] = request.POST.get("text", "")
        try:
            result = triage(clean_text(context["text"]))
        except KefuError as exc:
            context["error"] = exc.message
        else:
            context["rows"] = [
                (label, value, _LABEL_NAMES[label].get(value, "—") if value else "—",
                 result.confidence.get(label))
                for label, value in result.labels().items()
            ]
            context["signals"] = result.signals
        if request.htmx:
            return render(request, "assist/_triage_result.html", context)
    return render(request, "assist/triage_try.html", context)
