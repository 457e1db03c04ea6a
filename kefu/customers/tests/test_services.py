from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.common.errors import Forbidden
from kefu.customers import selectors, services
from kefu.customers.choices import ChangeStatus, CreationPurpose
from kefu.customers.errors import CustomerInvalid, DuplicateCustomer, MakerCheckerViolation
from kefu.customers.models import ChangeHistory, Customer, CustomerPhone

pytestmark = pytest.mark.django_db


def test_sync_creates_profile_with_indexes_cards_and_home_unit(customers, org_tree):
    c = Customer.objects.get(cif_no="C0001")
    assert c.name == "王建国"
    assert c.masked_name == "王*国"
    assert c.masked_mobile == "139****5678"
    assert c.home_unit == org_tree["BR-DC-01"]
    assert c.cards.count() == 1
    assert c.phones.get().is_sms
    # Born 1949: elderly, hence vulnerable.
    assert c.is_elderly and c.is_vulnerable
    assert not Customer.objects.get(cif_no="C0002").is_vulnerable
    # Ciphertext at rest, not the clear name.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT name, id_number FROM customers_customer WHERE cif_no = %s", ["C0001"])
        raw_name, raw_id = cur.fetchone()
    assert raw_name.startswith("kefu1$") and "王" not in raw_name
    assert raw_id.startswith("kefu1$")


def test_sync_is_idempotent_and_records_core_changes(customers, fake_bank):
    from kefu.customers.tests.fakes import make_core_customer

    fake_bank.customers["C0001"] = make_core_customer("C0001", name="王建国", id_number="11010519491231002X",
                                                      mobile="13700002222", branch="BR-DC-01")
    services.sync_customer_from_core(cif_no="C0001", actor=None)
    c = Customer.objects.get(cif_no="C0001")
    assert Customer.objects.filter(cif_no="C0001").count() == 1
    assert c.mobile == "13700002222"
    assert CustomerPhone.objects.filter(customer=c).count() == 2
    assert CustomerPhone.objects.get(customer=c, is_sms=True).number == "13700002222"
    h = ChangeHistory.objects.get(customer=c, field="mobile")
    assert h.old_value_masked == "139****5678" and h.new_value_masked == "137****2222"


def test_find_by_phone_and_get_by_cif(customers):
    assert [c.cif_no for c in selectors.find_by_phone("+86 139-1234-5678")] == ["C0001"]
    assert selectors.find_by_phone("13800000000") == []
    assert selectors.get_by_cif("C0002").cif_no == "C0002"
    assert selectors.get_by_cif("nope") is None


def test_create_customer_minimal_fields_by_purpose(people):
    agent = people["agent"]
    with pytest.raises(CustomerInvalid) as exc:
        services.create_customer(actor=agent, purpose=CreationPurpose.SERVICE_INQUIRY, name="张三",
                                 mobile="13512345678", id_number="110101198506152348")
    assert exc.value.code == "customers.not_necessary"
    with pytest.raises(CustomerInvalid) as exc:
        services.create_customer(actor=agent, purpose=CreationPurpose.ACCOUNT_SERVICE, name="张三",
                                 mobile="13512345678")
    assert "id_number" in exc.value.fields
    with pytest.raises(CustomerInvalid) as exc:
        services.create_customer(actor=agent, purpose=CreationPurpose.ACCOUNT_SERVICE, name="张三",
                                 mobile="13512345678", id_number="110101198506152349")
    assert exc.value.code == "customers.invalid_id_number"
    with pytest.raises(CustomerInvalid):
        services.create_customer(actor=agent, purpose=CreationPurpose.CALLBACK, mobile="23512345678")
    c = services.create_customer(actor=agent, purpose=CreationPurpose.ACCOUNT_SERVICE, name="张三",
                                 mobile="13512345678", id_number="110101198506152348")
    assert c.birth_date.isoformat() == "1985-06-15"
    assert AuditEntry.objects.filter(action="customers.created", object_id=str(c.pk)).exists()
    with pytest.raises(DuplicateCustomer):
        services.create_customer(actor=agent, purpose=CreationPurpose.ACCOUNT_SERVICE, name="张三",
                                 mobile="13512345678", id_number="110101198506152348")


def test_maker_checker_for_sms_phone(customers, people):
    c = customers["C0001"]
    cr = services.request_change(customer=c, field="sms_phone", new_value="13811112222", reason="客户来电更换手机",
                                 evidence="已核验身份证后六位与生日", actor=people["agent"])
    assert cr.status == ChangeStatus.PENDING
    c.refresh_from_db()
    assert c.mobile == "13912345678"  # not applied before approval
    with pytest.raises(Forbidden):  # agents may not approve
        services.approve_change(change_request=cr, actor=people["agent2"])
    cr2 = services.request_change(customer=c, field="sms_phone", new_value="13811113333", reason="再次变更",
                                  evidence="录音 R1", actor=people["lead"])
    with pytest.raises(MakerCheckerViolation):
        services.approve_change(change_request=cr2, actor=people["lead"])
    services.approve_change(change_request=cr, actor=people["lead"], note="核对无误")
    c.refresh_from_db()
    cr.refresh_from_db()
    assert c.mobile == "13811112222" and cr.status == ChangeStatus.APPLIED and cr.checker == people["lead"]
    assert cr.new_value == ""
    h = ChangeHistory.objects.get(change_request=cr)
    assert (h.old_value_masked, h.new_value_masked) == ("139****5678", "138****2222")
    assert h.changed_by == people["agent"] and h.approved_by == people["lead"]
    entry = AuditEntry.objects.filter(action="customers.change_applied").last()
    assert "13811112222" not in str(entry.changes)
    assert [x.cif_no for x in selectors.find_by_phone("13811112222")] == ["C0001"]


def test_sensitive_change_needs_evidence_and_plain_change_applies(customers, people):
    c = customers["C0001"]
    with pytest.raises(CustomerInvalid) as exc:
        services.request_change(customer=c, field="id_number", new_value="110101198506152348", reason="证件更换",
                                actor=people["agent"])
    assert exc.value.code == "customers.evidence_required"
    cr = services.request_change(customer=c, field="preferred_channel", new_value="sms", reason="客户要求",
                                 actor=people["agent"])
    c.refresh_from_db()
    assert cr.status == ChangeStatus.APPLIED and c.preferred_channel == "sms"


def test_consent_withdrawal_is_obeyed(customers, people):
    c = customers["C0001"]
    assert not services.has_consent(customer=c, purpose="sms_alerts")
    consent = services.record_consent(customer=c, purpose="sms_alerts", channel="phone", actor=people["agent"],
                                      scope="动账≥1元")
    assert services.has_consent(customer=c, purpose="sms_alerts")
    services.withdraw_consent(consent=consent, channel="app", actor=people["agent"])
    assert not services.has_consent(customer=c, purpose="sms_alerts")
    m = services.record_consent(customer=c, purpose="marketing", channel="app", actor=people["agent"])
    assert services.has_consent(customer=c, purpose="marketing")
    services.withdraw_consent(consent=m, channel="phone", actor=people["agent"])
    c.refresh_from_db()
    assert c.marketing_opt_out and not services.has_consent(customer=c, purpose="marketing")


def test_extra_landline_phone_is_found_by_screen_pop(customers, people):
    c = customers["C0002"]
    services.request_change(customer=c, field="extra_phone", new_value="010-6655 4433", reason="客户留单位电话",
                            actor=people["agent"])
    phone = CustomerPhone.objects.get(customer=c, is_sms=False)
    assert phone.kind == "home" and phone.number == "01066554433"
    assert [x.cif_no for x in selectors.find_by_phone("01066554433")] == ["C0002"]
    with pytest.raises(CustomerInvalid):
        services.request_change(customer=c, field="extra_phone", new_value="12345", reason="错误号码",
                                actor=people["agent"])
    with pytest.raises(CustomerInvalid):
        services.request_change(customer=c, field="segment", new_value="private", reason="手工调整",
                                actor=people["agent"])
