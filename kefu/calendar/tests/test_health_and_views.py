"""/readyz warning and the page banner when next year is missing; the HTMX pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from kefu.calendar.health import banner, missing_years, readiness
from kefu.calendar.models import DeadlineRecomputation
from kefu.calendar.services import import_calendar, publish_year
from kefu.common.testing import page_client

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_no_warning_before_december():
    with time_machine.travel(datetime(2026, 11, 22, 10, tzinfo=SH), tick=False):
        assert missing_years() == []
        assert readiness().ok


def test_warning_from_first_of_december_until_published(maintainer):
    with time_machine.travel(datetime(2026, 12, 1, 0, 0, 1, tzinfo=SH), tick=False):
        assert missing_years() == [2027]
        result = readiness()
        assert not result.ok and result.warning and "2027" in result.detail
        assert "2027年节假日安排尚未发布" in banner(None)[0]
        import_calendar(text="2027-01-01,holiday,元旦\n", actor=maintainer)
        assert missing_years() == [2027]  # imported but not published yet
        publish_year(year=2027, actor=maintainer)
        assert missing_years() == [] and banner(None) == []


def test_current_year_missing_warns_all_year():
    with time_machine.travel(datetime(2027, 3, 1, 10, tzinfo=SH), tick=False):
        assert missing_years() == [2027]


def test_readyz_reports_the_calendar_warning_but_stays_ready(settings):
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=SH), tick=False):
        response = Client().get("/readyz")
    check = response.json()["checks"]["calendar"]
    assert check["warning"] is True and check["ok"] is False
    assert response.status_code in (200, 503)  # other checks (task backend) decide readiness in tests


def test_banner_on_pages_from_december(agent):
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=SH), tick=False):
        page = page_client(agent).get("/calendar/")
    assert page.status_code == 200
    assert "2027年节假日安排尚未发布" in page.content.decode()


def test_calendar_page_and_calculator(agent):
    client = page_client(agent)
    page = client.get("/calendar/?year=2026")
    html = page.content.decode()
    assert page.status_code == 200 and 'class="makeup"' in html and 'title="国庆节"' in html
    result = client.post("/calendar/calculate/", {"received_at": "2026-09-30T10:00", "unit": "working_days",
                                                  "amount": "1"}, HTTP_HX_REQUEST="true")
    assert "2026-10-08 23:59:59" in result.content.decode()
    bad = client.post("/calendar/calculate/", {"received_at": "2026-09-30T10:00", "unit": "working_days",
                                               "amount": "-1"}, HTTP_HX_REQUEST="true")
    assert "不能为负数" in bad.content.decode()


def test_import_page_is_for_maintainers_and_uploads_a_file(agent, maintainer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert page_client(agent).get("/calendar/import/").status_code == 403
    client = page_client(maintainer)
    with time_machine.travel(datetime(2026, 11, 22, 10, tzinfo=SH), tick=False):
        page = page_client(maintainer).get("/calendar/import/")
    assert page.status_code == 200 and "2027年节假日安排尚未发布" in page.content.decode()
    client = page_client(maintainer)  # a fresh session: the travelled one looks idle now
    upload = SimpleUploadedFile("2027.csv", "2027-01-01,holiday,元旦\n2027-02-06,workday,春节\n".encode())
    response = client.post("/calendar/import/", {"file": upload, "publish": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已发布" in response.content.decode()
    bad = SimpleUploadedFile("bad.csv", b"2027-03-01,workday,x\n")
    response = client.post("/calendar/import/", {"file": bad}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "line 1" in response.content.decode()


def test_recomputation_page_review_button(director, maintainer, subject, django_capture_on_commit_callbacks):
    from datetime import date

    from kefu.calendar.services import set_calendar_day, start_clock

    start_clock(subject=subject, purpose="handling", policy_code="complaint.general",
                started_at=datetime(2026, 11, 16, 10, tzinfo=SH), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2026, 11, 20), kind="holiday", name="临时休假", actor=maintainer)
    entry = DeadlineRecomputation.objects.get()
    client = page_client(maintainer)  # may view, may not review
    page = client.get("/calendar/recomputations/").content.decode()
    assert "2026-11-26 23:59" in page and "确认知悉" not in page
    assert client.post(f"/calendar/recomputations/{entry.pk}/review/").status_code == 403
    client = page_client(director)
    assert "确认知悉" in client.get("/calendar/recomputations/").content.decode()
    response = client.post(f"/calendar/recomputations/{entry.pk}/review/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已确认" in response.content.decode()
    entry.refresh_from_db()
    assert entry.reviewed_by == director
