"""HTMX UI: the agents' lookup page (screen pop), the customer 360 view and its actions.

Views are thin: parse, check permission, call a service or selector, render. Services raise KefuError;
``kefu_errors`` renders the message in place (HTMX) or turns it into the matching HTTP error (full page).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from kefu.common.errors import KefuError, NotFound
from kefu.org.access import require_perm
from kefu.org.visibility import get_visible_or_404

from . import selectors, services
from .api import LookupParams, screen_pop
from .choices import (
    CaseCategory,
    ChangeField,
    ConsentChannel,
    ConsentPurpose,
    VerificationFactor,
)
from .models import ChangeRequest, Consent, Customer
from .permissions import CP
from .presenters import load_customer_360


def kefu_errors(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (KefuError, DjangoValidationError) as exc:
            if isinstance(exc, DjangoValidationError):
                exc = KefuError("; ".join(exc.messages), code=getattr(exc, "code", None) or "validation_error",
                                status=422)
            if getattr(request, "htmx", False):
                return render(request, "customers/_error.html", {"error": exc}, status=exc.status)
            if exc.status == 404:
                raise Http404(exc.message) from exc
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            return render(request, "customers/error_page.html", {"error": exc}, status=exc.status)

    return wrapper


def interaction_ref(request) -> str:
    """The interaction a verification belongs to: the call/chat id if given, else this browser session."""
    given = (request.POST.get("interaction") or request.GET.get("interaction") or "").strip()
    if given:
        return given[:64]
    if not request.session.session_key:
        request.session.save()
    return "web-" + hashlib.sha256(request.session.session_key.encode()).hexdigest()[:16]


def _customer(request, pk: int) -> Customer:
    require_perm(request.user, CP.VIEW)
    return get_visible_or_404(Customer.objects.select_related("home_unit"), request.user, pk=pk)


@login_required
@kefu_errors
def lookup(request):
    """Agents' screen pop: type the caller's number, press Enter."""
    require_perm(request.user, CP.LOOKUP)
    query = (request.GET.get("q") or "").strip()
    candidates = _search(request, query) if query else None
    if candidates is not None and len(candidates) == 1 and request.GET.get("go") == "1":
        target = reverse("customers:detail", kwargs={"pk": candidates[0].pk})
        if request.GET.get("interaction"):
            target += "?" + urlencode({"interaction": request.GET["interaction"]})
        if request.htmx:
            # A swap would put the whole 360 page inside the result list: let htmx navigate instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    template = "customers/_candidates.html" if request.htmx else "customers/lookup.html"
    return render(request, template, {"query": query, "candidates": candidates,
                                      "interaction": request.GET.get("interaction", "")})


def _search(request, query: str) -> list[Customer]:
    """One box for everything: an 18-character ID, a 13-19 digit card number, otherwise a phone number."""
    from kefu.pii.checks import is_valid_card_number, is_valid_id_number

    compact = "".join(ch for ch in query if ch.isalnum())
    if is_valid_id_number(compact):
        params = LookupParams(id_number=compact)
    elif compact.isdigit() and 13 <= len(compact) <= 19 and is_valid_card_number(compact):
        params = LookupParams(card_no=compact)
    else:
        params = LookupParams(phone=query)
    return screen_pop(request.user, params)


@login_required
@kefu_errors
def detail(request, pk: int):
    customer = _customer(request, pk)
    ref = interaction_ref(request)
    data = load_customer_360(customer=customer, user=request.user, interaction_ref=ref, channel="web")
    return render(request, "customers/detail.html", {
        "customer": customer, "c360": data, "interaction": ref,
        "factor_choices": [(f, VerificationFactor(f).label) for f in data["verification_factors"]],
        "change_fields": ChangeField.choices, "consent_purposes": ConsentPurpose.choices,
        "consent_channels": ConsentChannel.choices, "case_categories": CaseCategory.choices,
        "factor_slots": (1, 2),
        "call_interaction": request.GET.get("interaction", "").strip()[:64],
        # Everyone sees the "show" control; the service refuses (403, audited) without pii.unmask.
        "can_unmask": not customer.is_anonymised,
        "can_verify": request.user.has_kefu_perm(CP.VERIFY),
        "can_note": request.user.has_kefu_perm(CP.NOTE),
        "can_change": request.user.has_kefu_perm(CP.CHANGE_REQUEST),
        "can_consent": request.user.has_kefu_perm(CP.CONSENT_MANAGE),
        "can_flag": request.user.has_kefu_perm(CP.FLAG_SUSPICIOUS),
    })


@login_required
@require_POST
@kefu_errors
def unmask(request, pk: int):
    customer = _customer(request, pk)
    field = request.POST.get("field", "")
    value = services.unmask_customer_field(actor=request.user, customer=customer, field=field,
                                           reason=request.POST.get("reason", ""),
                                           interaction_ref=request.POST.get("interaction", "").strip()[:64])
    return render(request, "customers/_unmasked.html", {"field": field, "value": value})


@login_required
@require_POST
@kefu_errors
def verify(request, pk: int):
    customer = _customer(request, pk)
    answers = {}
    for i in (1, 2, 3):
        factor = request.POST.get(f"factor{i}", "")
        if factor:
            answers[factor] = request.POST.get(f"answer{i}", "")
    attempt = services.verify_identity(customer=customer, actor=request.user,
                                       interaction_ref=interaction_ref(request), answers=answers)
    response = render(request, "customers/_verified.html", {"attempt": attempt, "customer": customer})
    if attempt.outcome == "passed":
        # Reload the page so balances and transactions appear for this interaction.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@kefu_errors
def add_note(request, pk: int):
    customer = _customer(request, pk)
    require_perm(request.user, CP.NOTE)
    services.record_interaction_note(customer=customer, actor=request.user, body=request.POST.get("body", ""),
                                     channel=request.POST.get("channel", "phone"),
                                     interaction_ref=interaction_ref(request))
    return render(request, "customers/_done.html", {"message": "备注已保存", "reload": True})


@login_required
@require_POST
@kefu_errors
def request_change(request, pk: int):
    customer = _customer(request, pk)
    cr = services.request_change(customer=customer, field=request.POST.get("field", ""),
                                 new_value=request.POST.get("new_value", ""), reason=request.POST.get("reason", ""),
                                 evidence=request.POST.get("evidence", ""), actor=request.user,
                                 evidence_file=request.FILES.get("evidence_file"))
    message = "变更已提交，等待复核" if cr.status == "pending" else "变更已生效"
    return render(request, "customers/_done.html", {"message": message})


@login_required
@require_POST
@kefu_errors
def add_consent(request, pk: int):
    customer = _customer(request, pk)
    require_perm(request.user, CP.CONSENT_MANAGE)
    services.record_consent(customer=customer, actor=request.user, purpose=request.POST.get("purpose", ""),
                            channel=request.POST.get("channel", ""), scope=request.POST.get("scope", ""),
                            evidence=request.POST.get("evidence", ""))
    return render(request, "customers/_done.html", {"message": "授权已登记", "reload": True})


@login_required
@require_POST
@kefu_errors
def withdraw_consent(request, consent_id: int):
    consent = Consent.objects.filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    _customer(request, consent.customer_id)
    require_perm(request.user, CP.CONSENT_MANAGE)
    services.withdraw_consent(consent=consent, channel=request.POST.get("channel", "phone"), actor=request.user)
    return render(request, "customers/_done.html", {"message": "授权已撤回", "reload": True})


@login_required
@require_POST
@kefu_errors
def flag(request, pk: int):
    customer = _customer(request, pk)
    amount = request.POST.get("amount_fen", "")
    case = services.flag_suspicious(customer=customer, actor=request.user, category=request.POST.get("category", ""),
                                    description=request.POST.get("description", ""),
                                    txn_id=request.POST.get("txn_id", ""),
                                    amount_fen=int(amount) if amount.lstrip("-").isdigit() else None)
    return render(request, "customers/_done.html",
                  {"message": f"已移交风险管理部核查，案件编号 {case.number}"})


@login_required
@kefu_errors
def pending_changes(request):
    require_perm(request.user, CP.CHANGE_APPROVE)
    return render(request, "customers/changes.html", {"changes": selectors.pending_changes(request.user)[:200]})


@login_required
@require_POST
@kefu_errors
def decide_change(request, change_id: int, decision: str):
    cr = ChangeRequest.objects.filter(pk=change_id).first()
    if cr is None:
        raise NotFound()
    _customer(request, cr.customer_id)
    note = request.POST.get("note", "")
    if decision == "approve":
        services.approve_change(change_request=cr, actor=request.user, note=note)
        message = "已复核通过，变更生效"
    else:
        services.reject_change(change_request=cr, actor=request.user, note=note)
        message = "已驳回"
    return render(request, "customers/_done.html", {"message": message})


@login_required
@kefu_errors
def cases(request):
    require_perm(request.user, CP.RISK_CASE_VIEW)
    return render(request, "customers/cases.html", {"cases": selectors.cases_visible_to(request.user)[:200]})


@login_required
@kefu_errors
def case_detail(request, number: str):
    require_perm(request.user, CP.RISK_CASE_VIEW)
    case = get_visible_or_404(selectors.cases_visible_to(request.user), request.user, number=number)
    if request.method == "POST":
        services.transition_case(case=case, to=request.POST.get("to", ""), actor=request.user,
                                 resolution=request.POST.get("resolution", ""))
        return redirect(reverse("customers:case_detail", kwargs={"number": number}))
    from kefu.audit.choices import AuditKind
    from kefu.audit.services import record

    from .choices import CASE_TRANSITIONS, CaseStatus

    record(actor=request.user, action="customers.case_viewed", obj=case, kind=AuditKind.READ,
           changes={"channel": "web"})

    return render(request, "customers/case_detail.html", {
        "case": case, "next_states": [(s, CaseStatus(s).label) for s in sorted(CASE_TRANSITIONS.get(case.status, set()))],
        "can_manage": request.user.has_kefu_perm(CP.RISK_CASE_MANAGE)})


def empty(request) -> HttpResponse:
    return HttpResponse("")
