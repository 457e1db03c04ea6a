"""API: calendar days, batch deadlines, imports, years, policies and recomputations; errors are 4xx with codes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.calendar.services import set_calendar_day, start_clock
from kefu.common.testing import ApiClient, assert_permission_matrix

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def client(agent):
    return ApiClient(agent)


def test_days_lists_kinds_and_names(client):
    response = client.get("/calendar/days", start="2026-10-01", end="2026-10-12")
    assert response.status_code == 200
    days = {d["date"]: d for d in response.json()}
    assert days["2026-10-01"] == {"date": "2026-10-01", "weekday": 4, "is_working_day": False, "kind": "holiday",
                                  "name": "国庆节", "provisional": False}
    assert days["2026-10-10"]["kind"] == "makeup_workday" and days["2026-10-10"]["is_working_day"]
    assert days["2026-10-11"]["kind"] == "weekend"
    assert days["2026-10-09"]["kind"] == "workday"
    assert len(days) == 12


def test_days_in_a_missing_year_are_provisional(client):
    days = client.get("/calendar/days", start="2027-01-01", end="2027-01-01").json()
    assert days == [{"date": "2027-01-01", "weekday": 5, "is_working_day": True, "kind": "workday", "name": "",
                     "provisional": True}]


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"start": "2026-10-12", "end": "2026-10-01"}, 422, "calendar.invalid_range"),
    ({"start": "2000-01-01", "end": "2026-10-01"}, 422, "calendar.invalid_range"),
    ({"start": "1990-01-01", "end": "1990-01-02"}, 422, "calendar.invalid_range"),
    ({"start": "2026-10-01"}, 422, "validation_error"),
    ({"start": "2026-13-01", "end": "2026-10-01"}, 422, "validation_error"),
])
def test_days_errors_are_coded(client, params, status, code):
    response = client.get("/calendar/days", **params)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_deadlines_batch_same_semantics_and_per_item_errors(client):
    response = client.post("/calendar/deadlines", {"items": [
        {"id": 1, "received_at": "2026-09-30T10:00:00+08:00", "unit": "working_days", "amount": 1},
        {"id": 2, "received_at": "2026-12-31T10:00:00+08:00", "unit": "working_days", "amount": 1},
        {"id": 3, "received_at": "2026-09-30T10:00:00", "unit": "working_days", "amount": 1},
        {"id": 4, "unit": "hours"},
        "not an object",
    ]})
    assert response.status_code == 200
    body = response.json()
    assert body["failed"] == 3
    assert body["results"][0] == {"id": 1, "deadline": "2026-10-08T23:59:59+08:00", "provisional": False}
    assert body["results"][1] == {"id": 2, "deadline": "2027-01-01T23:59:59+08:00", "provisional": True}
    assert body["results"][2]["error"]["code"] == "calendar.naive_datetime"
    assert body["results"][3]["error"]["code"] == "calendar.missing_field"
    assert body["results"][4] == {"id": None, "error": {"code": "calendar.not_an_object",
                                                        "message": body["results"][4]["error"]["message"]}}


def test_deadlines_request_errors_are_4xx(client, settings):
    assert client.post("/calendar/deadlines", raw="{oops").status_code == 400
    response = client.post("/calendar/deadlines", {"things": []})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    settings.KEFU_CALENDAR_MAX_BATCH = 2
    response = client.post("/calendar/deadlines", {"items": [{}, {}, {}]})
    assert response.status_code == 422 and response.json()["code"] == "calendar.batch_too_large"
    assert ApiClient(None).post("/calendar/deadlines", {"items": []}).status_code == 401


def test_import_requires_maintainer_and_reports_lines(client, maintainer):
    text = "2027-01-01,holiday,元旦\n2027-01-04,workday,错\n"
    denied = client.post("/calendar/imports", {"text": text})
    assert denied.status_code == 403 and denied.json()["code"] == "auth.permission_required"
    bad = ApiClient(maintainer).post("/calendar/imports", {"text": text})
    assert bad.status_code == 422
    assert bad.json()["code"] == "calendar.import_invalid" and "line 2" in bad.json()["fields"]
    ok = ApiClient(maintainer).post("/calendar/imports", {"text": "2027-01-01,holiday,元旦\n", "publish": True})
    assert ok.status_code == 200 and ok.json()["created"] == 1 and ok.json()["published"] == [2027]
    years = {y["year"]: y for y in client.get("/calendar/years").json()}
    assert years[2027]["status"] == "published" and years[2027]["entries"] == 1


def test_publish_endpoint(maintainer):
    api = ApiClient(maintainer)
    response = api.post("/calendar/years/2027/publish", {})
    assert response.status_code == 422 and response.json()["code"] == "calendar.year_empty"
    api.post("/calendar/imports", {"text": "2027-01-01,holiday,元旦\n"})
    response = api.post("/calendar/years/2027/publish", {"source": "国办发明电"})
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_policies_and_new_version(client, maintainer):
    codes = {p["code"] for p in client.get("/calendar/policies").json()}
    assert {"complaint.general", "first_response", "regulatory.extension_2", "recheck.answer"} <= codes
    payload = {"code": "complaint.general", "name": "一般投诉处理时限", "unit": "working_days", "amount": 5,
               "effective_from": "2027-01-01"}
    assert client.post("/calendar/policies", payload).status_code == 403
    response = ApiClient(maintainer).post("/calendar/policies", payload)
    assert response.status_code == 201 and response.json()["version"] == 2
    bad = ApiClient(maintainer).post("/calendar/policies", {**payload, "unit": "weeks"})
    assert bad.status_code == 422 and bad.json()["code"] == "calendar.unknown_unit"


def test_policy_versions_apply_by_effective_date(maintainer, subject):
    from kefu.calendar.services import create_policy_version

    create_policy_version(code="complaint.general", name="一般投诉", unit="working_days", amount=5,
                          effective_from=date(2026, 11, 1), actor=maintainer)
    old = start_clock(subject=subject, purpose="a", policy_code="complaint.general",
                      started_at=datetime(2026, 10, 20, 10, tzinfo=SH), actor=None)
    new = start_clock(subject=subject, purpose="b", policy_code="complaint.general",
                      started_at=datetime(2026, 11, 2, 10, tzinfo=SH), actor=None)
    assert (old.policy.version, old.amount) == (1, 7)
    assert (new.policy.version, new.amount) == (2, 5)


def test_a_new_policy_version_is_used_at_once_by_this_process(maintainer, subject,
                                                              django_capture_on_commit_callbacks):
    # Policy versions are cached per process (they are read by every intake); a new one must not wait for it.
    from kefu.calendar.services import create_policy_version

    before = start_clock(subject=subject, purpose="a", policy_code="complaint.general",
                         started_at=datetime(2026, 11, 2, 10, tzinfo=SH), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        create_policy_version(code="complaint.general", name="一般投诉", unit="working_days", amount=5,
                              effective_from=date(2026, 11, 1), actor=maintainer)
    after = start_clock(subject=subject, purpose="b", policy_code="complaint.general",
                        started_at=datetime(2026, 11, 2, 10, tzinfo=SH), actor=None)
    assert (before.policy.version, after.policy.version, after.amount) == (1, 2, 5)


def test_recomputations_listed_and_reviewed_by_director(director, maintainer, subject,
                                                        django_capture_on_commit_callbacks):
    clock = start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                        started_at=datetime(2026, 11, 16, 10, tzinfo=SH), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2026, 11, 20), kind="holiday", name="临时休假", actor=maintainer)
    api = ApiClient(director)
    body = api.get("/calendar/recomputations", unreviewed="true").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["clock_id"] == clock.pk and row["policy_code"] == "complaint.general"
    assert row["new_deadline"].startswith("2026-11-26T15:59:59")  # UTC in the API, 23:59:59 in Beijing
    reviewed = api.post(f"/calendar/recomputations/{row['id']}/review", {})
    assert reviewed.status_code == 200 and reviewed.json()["reviewed_at"]
    assert api.get("/calendar/recomputations", unreviewed="true").json()["count"] == 0
    assert api.post("/calendar/recomputations/999999/review", {}).status_code == 404


def test_permission_matrix_for_recomputations(org_tree):
    assert_permission_matrix(
        lambda client, role: client.get("/calendar/recomputations"),
        {"center_director": 200, "system_maintainer": 200, "shift_lead": 200, "compliance_auditor": 200,
         "admin": 200},
    )


def test_permission_matrix_for_import(org_tree):
    assert_permission_matrix(
        lambda client, role: client.post("/calendar/imports", {"text": "2027-01-01,holiday,元旦\n"}),
        {"system_maintainer": 200, "admin": 200},
    )
