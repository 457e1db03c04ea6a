from __future__ import annotations

from kefu.common.testing import ApiClient
from kefu.workorders.models import WorkOrder


def test_demo_is_idempotent(db, seeded):
    from kefu.org.demo import load as load_org
    from kefu.workorders.demo import load

    load_org()
    load()
    count = WorkOrder.objects.count()
    load()
    assert count >= 5 and WorkOrder.objects.count() == count


def test_notes_and_classification_api(complaint, wo_users):
    client = ApiClient(wo_users["agent"])
    url = f"/workorders/{complaint.number}"
    created = client.post(f"{url}/notes", {"body": "已联系客户，客户同意等待", "visibility": "customer"})
    assert created.status_code == 201 and created.json()["visibility"] == "customer"
    assert client.post(f"{url}/notes", {"body": "x", "visibility": "public"}).status_code == 422
    assert client.get(f"{url}/notes").json()["count"] == 1
    patched = client.patch(url, {"jrt_business": "B0302", "severity": "major", "tags": ["媒体关注"]})
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert body["jrt"]["B"]["code"] == "B0302" and body["severity"] == "major" and body["tags"] == ["媒体关注"]
    assert complaint.events.filter(action="classified").exists()
    assert client.patch(url, {"severity": "apocalyptic"}).status_code == 422
    assert ApiClient(wo_users["xc_manager"]).patch(url, {"severity": "general"}).status_code == 404


def test_workorders_for_customer_selector(wo_users, seeded, org_tree):
    from kefu.customers.models import Customer
    from kefu.workorders.selectors import workorders_for_customer
    from kefu.workorders.services import create_workorder

    customer = Customer.objects.create(cif_no="C000001", name="王五", mobile="13500135000",
                                       home_unit=org_tree["BR-DC-01"])
    wo = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="客户投诉",
                          description="", customer=customer)
    assert wo.contact_phone_masked == "135****5000" and wo.customer_cif_no == "C000001"
    assert list(workorders_for_customer(customer, wo_users["agent"])) == [wo]
    assert list(workorders_for_customer(customer, wo_users["xc_manager"])) == []
