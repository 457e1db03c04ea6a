from __future__ import annotations

import io

import pytest

from kefu.customers.models import Consent, Customer, SuspiciousCase

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_loads_profiles_for_core_customers_idempotently(org_tree):
    from kefu.corebank import demo as core_demo
    from kefu.corebank.models import CifCustomer
    from kefu.customers import demo
    from kefu.org import demo as org_demo

    org_demo.load()
    core_demo.load()
    demo.load(stdout=io.StringIO())
    assert Customer.objects.count() == CifCustomer.objects.count() > 0
    caller = core_demo.DEMO_CALLERS[0]
    from kefu.customers.selectors import find_by_phone

    assert [c.cif_no for c in find_by_phone(caller["mobile"])] == [caller["cif_no"]]
    assert Consent.objects.exists() and SuspiciousCase.objects.count() == 1
    counts = (Customer.objects.count(), Consent.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Customer.objects.count(), Consent.objects.count()) == counts
