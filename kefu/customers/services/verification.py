"""Identity verification of a caller: two factors chosen by the agent, outcome recorded, attempts limited.

A pass unlocks sensitive data (balances, transactions) for that agent within the same interaction only.
"""

from __future__ import annotations

import hmac
import re
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.org.access import require_perm

from ..choices import VerificationFactor, VerificationOutcome
from ..conf import verification_valid_minutes, verify_max_failures, verify_window_minutes
from ..errors import AnonymisedCustomer, CustomerInvalid, VerificationLocked
from ..models import Customer, VerificationAttempt
from ..permissions import CP

MIN_FACTORS = 2


def available_factors(customer: Customer) -> list[str]:
    """Factors this profile can be checked against (the agent chooses two)."""
    out = []
    if customer.id_number and len(customer.id_number) >= 6:
        out.append(VerificationFactor.ID_LAST6)
    if customer.birth_date:
        out.append(VerificationFactor.BIRTH_DATE)
    if customer.name:
        out.append(VerificationFactor.NAME)
    if customer.cards.exists():
        out.append(VerificationFactor.CARD_LAST4)
    if customer.mobile:
        out.append(VerificationFactor.SMS_PHONE_LAST4)
    if customer.address:
        out.append(VerificationFactor.ADDRESS_CITY)
    return out


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _parse_date(text: str) -> date | None:
    digits = re.sub(r"\D", "", text)
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def _factor_matches(customer: Customer, factor: str, answer: str) -> bool:
    answer = (answer or "").strip()
    if not answer:
        return False
    if factor == VerificationFactor.ID_LAST6:
        return _same(customer.id_number[-6:].upper(), answer.upper())
    if factor == VerificationFactor.BIRTH_DATE:
        return customer.birth_date is not None and _parse_date(answer) == customer.birth_date
    if factor == VerificationFactor.NAME:
        return _same(customer.name.strip(), answer)
    if factor == VerificationFactor.CARD_LAST4:
        return any(_same(c[-4:], answer) for c in customer.cards.values_list("masked_card_no", flat=True))
    if factor == VerificationFactor.SMS_PHONE_LAST4:
        return bool(customer.mobile) and _same(customer.mobile[-4:], answer)
    if factor == VerificationFactor.ADDRESS_CITY:
        return len(answer) >= 2 and answer in customer.address
    return False


def recent_failures(customer: Customer, now=None) -> int:
    now = now or timezone.now()
    since = now - timedelta(minutes=verify_window_minutes())
    last_pass = (VerificationAttempt.objects.filter(customer=customer, outcome=VerificationOutcome.PASSED,
                                                    created_at__gte=since)
                 .order_by("-created_at").values_list("created_at", flat=True).first())
    qs = VerificationAttempt.objects.filter(customer=customer, created_at__gte=last_pass or since,
                                            outcome__in=[VerificationOutcome.FAILED, VerificationOutcome.LOCKED])
    return qs.count()


def verify_identity(*, customer: Customer, actor: Any, interaction_ref: str,
                    answers: dict[str, str]) -> VerificationAttempt:
    """Check two or more factors; the answers themselves are never stored or audited, only which were asked."""
    require_perm(actor, CP.VERIFY)
    if customer.is_anonymised:
        raise AnonymisedCustomer()
    interaction_ref = (interaction_ref or "").strip()[:64]
    if not interaction_ref:
        raise CustomerInvalid(_("缺少交互编号"), code="customers.interaction_required",
                              fields={"interaction": "required"})
    factors = sorted({f for f, v in answers.items() if v not in (None, "")})
    unknown = [f for f in factors if f not in VerificationFactor.values]
    if unknown:
        raise CustomerInvalid(_("验证要素无效"), code="customers.invalid_factor", fields={"factors": unknown})
    if len(factors) < MIN_FACTORS:
        raise CustomerInvalid(_("请至少核验两项要素"), code="customers.two_factors_required",
                              fields={"factors": "min_2"})
    unavailable = [f for f in factors if f not in available_factors(customer)]
    if unavailable:
        raise CustomerInvalid(_("客户档案中没有这些要素，无法核验"), code="customers.factor_unavailable",
                              fields={"factors": unavailable})
    with transaction.atomic():
        # Lock the customer row so parallel attempts count against the same limit.
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        if recent_failures(customer) >= verify_max_failures():
            attempt = VerificationAttempt.objects.create(customer=customer, agent=actor,
                                                         interaction_ref=interaction_ref, factors=factors,
                                                         outcome=VerificationOutcome.LOCKED)
            record(actor=actor, action="customers.verification_locked", obj=customer, kind=AuditKind.AUTH,
                   changes={"factors": factors, "interaction": interaction_ref})
            locked = True
        else:
            locked = False
            ok = all(_factor_matches(customer, f, str(answers[f])) for f in factors)
            outcome = VerificationOutcome.PASSED if ok else VerificationOutcome.FAILED
            attempt = VerificationAttempt.objects.create(customer=customer, agent=actor,
                                                         interaction_ref=interaction_ref, factors=factors,
                                                         outcome=outcome)
            record(actor=actor, action=f"customers.verification_{outcome}", obj=customer, kind=AuditKind.AUTH,
                   changes={"factors": factors, "interaction": interaction_ref})
    if locked:
        # Raised after the commit so the locked attempt stays recorded.
        raise VerificationLocked()
    return attempt


def is_verified(*, customer: Customer, user: Any, interaction_ref: str) -> bool:
    if not interaction_ref:
        return False
    since = timezone.now() - timedelta(minutes=verification_valid_minutes())
    return VerificationAttempt.objects.filter(customer=customer, agent=user, interaction_ref=interaction_ref[:64],
                                              outcome=VerificationOutcome.PASSED, created_at__gte=since).exists()
