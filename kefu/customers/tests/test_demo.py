from __future__ import annotations

import io
from datetime import date

import pytest

from kefu.customers.models import Consent, Customer, SuspiciousCase

pytestmark = pytest.mark.django_db


def test_demo_builds_profiles_from_the_sandbox_core_idempotently(org_tree):
    """Only the fixed demo callers are put in the sandbox core here (the full core demo is slow)."""
    from kefu.corebank.demo import DEMO_CALLERS
    from kefu.corebank.models import CifCustomer
    from kefu.customers import demo
    from kefu.customers.selectors import find_by_phone
    from kefu.org import demo as org_demo

    org_demo.load()
    for i, caller in enumerate(DEMO_CALLERS):
        CifCustomer.objects.create(cif_no=caller["cif_no"], name=caller["name"], id_type="id_card",
                                   id_number=f"11010119800101{i:03d}0"[:17] + "X", mobile=caller["mobile"],
                                   home_branch_code="BR-DC-01", birth_date=date(1950 + i * 10, 1, 1))
    out = io.StringIO()
    demo.load(stdout=out)
    assert Customer.objects.count() == len(DEMO_CALLERS)
    caller = DEMO_CALLERS[0]
    assert [c.cif_no for c in find_by_phone(caller["mobile"])] == [caller["cif_no"]]
    profile = Customer.objects.get(cif_no=caller["cif_no"])
    assert profile.home_unit == org_tree["BR-DC-01"] and profile.disability and profile.is_vulnerable
    assert profile.change_requests.filter(status="pending").count() == 1
    assert Consent.objects.filter(purpose="sms_alerts").count() == len(DEMO_CALLERS)
    assert SuspiciousCase.objects.count() == 1
    counts = (Customer.objects.count(), Consent.objects.count(), SuspiciousCase.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Customer.objects.count(), Consent.objects.count(), SuspiciousCase.objects.count()) == counts
    assert "customers:" in out.getvalue()
