"""Generated payloads against the work-order API: any input gets a 2xx or a 4xx with a code, never a 500.

Values are drawn per field from what a careless or hostile client sends: wrong types, empty and very long
strings, control characters (NUL, which PostgreSQL refuses in text), unknown codes, nested structures.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kefu.common.testing import ApiClient
from kefu.workorders.models import WorkOrder

TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from("\x00\x01\n\t\u200b\ufffd年费投诉ATM卡号 "), max_size=30),
    st.sampled_from(["", " ", "x" * 201, "x" * 5000, "A0102", "C99", "CC", "BR-DC", "wo_agent", "6222021234567890123",
                     "13800138000", "a@b.cn", "CVV 123", "密码 123456", "null", "<script>", "'; DROP TABLE x;--"]),
)
ANY = st.one_of(TEXT, st.integers(-2**70, 2**70), st.floats(allow_nan=True), st.booleans(), st.none(),
                st.lists(TEXT, max_size=3), st.dictionaries(st.text(max_size=5), TEXT, max_size=2))
FIELDS = {
    "kind": st.one_of(st.sampled_from(["complaint", "consultation", "suggestion", "praise", "service_request"]), ANY),
    "channel": st.one_of(st.sampled_from(["phone", "chat", "email", "app", "branch_book", "onsite"]), ANY),
    "title": st.one_of(TEXT, ANY), "description": ANY, "customer_cif_no": ANY, "contact_name": ANY,
    "contact_phone": ANY, "contact_email": ANY, "preferred_reply_channel": ANY,
    "severity": st.one_of(st.sampled_from(["general", "major", "urgent"]), ANY),
    "category": ANY, "business_line": ANY, "amount_fen": ANY, "accounts": ANY, "jrt_channel": ANY,
    "jrt_business": ANY, "jrt_reason": ANY, "complained_unit": ANY, "complained_staff": ANY,
    "complained_person_name": ANY, "tags": ANY, "source_ref": ANY, "accept": ANY, "triage": ANY, "bogus": ANY,
}
PAYLOADS = st.fixed_dictionaries({"kind": FIELDS["kind"], "channel": FIELDS["channel"], "title": FIELDS["title"]},
                                 optional={k: v for k, v in FIELDS.items() if k not in ("kind", "channel", "title")})


def _check(response) -> dict:
    assert response.status_code < 500, response.content[:400]
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body.get("code"), str) and body["code"], body
    return body


@pytest.mark.django_db
@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payload=PAYLOADS)
def test_create_never_fails_with_a_server_error(wo_users, seeded, payload):
    before = WorkOrder.objects.count()
    response = ApiClient(wo_users["agent"]).post("/workorders", payload)
    body = _check(response)
    if response.status_code == 201:
        assert WorkOrder.objects.filter(number=body["number"]).exists()
        assert "\x00" not in WorkOrder.objects.get(number=body["number"]).title
    else:
        assert WorkOrder.objects.count() == before  # a refused intake leaves nothing behind


@pytest.mark.django_db
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(params=st.dictionaries(st.sampled_from(["status", "kind", "severity", "channel", "overdue", "near_breach",
                                               "jrt", "date_from", "date_to", "unit", "mine", "supervised", "q",
                                               "page", "page_size"]),
                              st.one_of(TEXT, st.integers(-5, 10**12).map(str)), max_size=5))
@example(params={"page": "6222021234567890123"})  # an OFFSET beyond 64 bits: SQLite's "datatype mismatch"
def test_list_never_fails_with_a_server_error(wo_users, seeded, params):
    _check(ApiClient(wo_users["dc_manager"]).get("/workorders", **params))


@pytest.mark.django_db
def test_raw_bodies_get_a_400_or_422(wo_users, seeded):
    client = ApiClient(wo_users["agent"])
    for raw in ["", "{", "[]", "null", '"x"', "1e999", json.dumps({"kind": "complaint"}) * 2, "\x00"]:
        response = client.post("/workorders", raw=raw)
        assert response.status_code in (400, 422), (raw, response.status_code, response.content[:200])


@pytest.mark.django_db
def test_a_nul_character_is_refused_with_its_own_code(wo_users, seeded, client):
    api = ApiClient(wo_users["agent"])
    body = api.post("/workorders", {"kind": "complaint", "channel": "phone", "title": "年费\x00争议"})
    assert (body.status_code, body.json()["code"]) == (400, "bad_request.nul_character")
    nested = api.post("/workorders", {"kind": "complaint", "channel": "phone", "title": "x", "tags": ["a\x00"]})
    assert (nested.status_code, nested.json()["code"]) == (400, "bad_request.nul_character")
    literal = api.post("/workorders", {"kind": "complaint", "channel": "phone", "title": "反斜杠\\u0000不是空字符"})
    assert literal.status_code == 201, literal.content  # the six characters typed, not U+0000
    query = api.get("/workorders", q="年费\x00")
    assert (query.status_code, query.json()["code"]) == (400, "bad_request.nul_character")
    assert WorkOrder.objects.filter(title__contains="年费").count() == 0
    client.force_login(wo_users["agent"])
    page = client.get("/workorders/", {"q": "a\x00"})
    assert page.status_code == 400


@pytest.mark.django_db
def test_a_value_the_database_refuses_is_a_400_not_a_500(wo_users, seeded, monkeypatch):
    # The safety net behind the validations: PostgreSQL's "value too long" / "out of range" (DataError).
    from django.db import DataError

    from kefu.workorders import api

    def refuse(**kwargs):
        raise DataError("value too long for type character varying(200)")

    monkeypatch.setattr(api, "create_workorder", refuse)
    response = ApiClient(wo_users["agent"]).post("/workorders", {"kind": "complaint", "channel": "phone", "title": "x"})
    assert (response.status_code, response.json()["code"]) == (400, "bad_request.invalid_data")
