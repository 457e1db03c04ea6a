"""The auditors' page: filter the trail, page through it, and verify the chain. Read-only by design."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kefu.org.access import require_perm
from kefu.org.permissions import P

from .choices import AuditKind
from .selectors import filter_entries
from .services import record
from .verify import verify_chain

PAGE_SIZE = 50


class EntryFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("动作"), required=False, max_length=80)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=80)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *AuditKind.choices])
    date_from = forms.DateField(label=_("开始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
@require_GET
def entries(request):
    require_perm(request.user, P.AUDIT_VIEW)
    form = EntryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = filter_entries(**{k: v for k, v in filters.items() if v})
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "can_verify": request.user.has_kefu_perm(P.AUDIT_VERIFY)}
    template = "audit/_entries_table.html" if request.htmx and not request.htmx.boosted else "audit/entries.html"
    return render(request, template, context)


@login_required
@require_GET
def verify(request):
    require_perm(request.user, P.AUDIT_VERIFY)
    report = verify_chain()
    record(actor=request.user, action="audit.verified", object_type="audit.auditentry",
           changes={"ok": report.ok, "checked": report.checked, "broken_seq": report.broken_seq},
           kind=AuditKind.SYSTEM)
    return render(request, "audit/_verify_result.html", {"report": report})
