from __future__ import annotations

import json
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.common.testing import ApiClient
from kefu.workorders.models import Attachment, WebhookDelivery, WebhookSubscription, WorkOrder
from kefu.workorders.services import add_note, create_workorder, transition

RAW_EMAIL = (
    "From: =?utf-8?b?546L5LqU?= <wangwu@example.com>\r\n"
    "To: kefu@bank.example\r\n"
    "Subject: =?utf-8?b?5oqV6K+J77ya5L+h55So5Y2h5bm06LS5?=\r\n"
    "Message-ID: <abc-123@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
    "我要投诉信用卡年费被重复扣收，请尽快处理。\r\n"
).encode()


def test_inbound_email_creates_once_and_keeps_the_message(wo_users, seeded):
    client = ApiClient(wo_users["ivr"])
    response = client.client.post("/api/v1/workorders/inbound-email", RAW_EMAIL, content_type="message/rfc822",
                                  **client.headers)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    wo = WorkOrder.objects.get(number=number)
    assert wo.channel == "email" and wo.kind == "complaint" and wo.contact_email == "wangwu@example.com"
    assert wo.title.startswith("投诉") and "年费" in wo.description
    assert Attachment.objects.filter(workorder=wo, kind="email").exists()
    again = client.client.post("/api/v1/workorders/inbound-email", RAW_EMAIL, content_type="message/rfc822",
                               **client.headers)
    assert again.status_code == 200 and again.json()["number"] == number
    bad = client.client.post("/api/v1/workorders/inbound-email", b"garbage without headers",
                             content_type="message/rfc822", **client.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "workorder.email_no_sender"


def test_fetch_mail_command_reads_imap(wo_users, seeded, monkeypatch, settings):
    from django.core.management import call_command

    class FakeImap:
        def __init__(self, *a, **k):
            self.flags = []

        def login(self, user, password):
            return "OK", []

        def select(self, folder):
            return "OK", [b"1"]

        def search(self, charset, criterion):
            return "OK", [b"1"]

        def fetch(self, num, what):
            return "OK", [(b"1 (RFC822 {100}", RAW_EMAIL)]

        def store(self, num, op, flags):
            self.flags.append(flags)
            return "OK", []

        def logout(self):
            return "BYE", []

    monkeypatch.setattr("imaplib.IMAP4_SSL", FakeImap)
    settings.KEFU_WORKORDER_IMAP = {"host": "imap.example", "user": "kefu", "password": "x",
                                    "actor": wo_users["ivr"].username}
    call_command("fetch_mail")
    call_command("fetch_mail")
    assert WorkOrder.objects.filter(channel="email", source_ref="<abc-123@example.com>").count() == 1


def test_public_token_limited_to_public_channels(wo_users, seeded):
    client = ApiClient(wo_users["ivr"])
    ok = client.post("/workorders", {"kind": "complaint", "channel": "app", "title": "手机银行登录失败"})
    assert ok.status_code == 201
    posing = client.post("/workorders", {"kind": "complaint", "channel": "phone", "title": "冒充座席"})
    assert posing.status_code == 403 and posing.json()["code"] == "workorder.channel_forbidden"


def test_branch_manager_enters_opinion_book_with_scan(wo_users, seeded):
    client = ApiClient(wo_users["dc01_manager"])
    created = client.post("/workorders", {"kind": "suggestion", "channel": "branch_book",
                                          "title": "意见簿：建议增加叫号屏", "description": "客户手写意见"})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    pdf = b"%PDF-1.4 scan"
    from django.core.files.uploadedfile import SimpleUploadedFile

    up = client.client.post(f"/api/v1/workorders/{number}/attachments",
                            {"file": SimpleUploadedFile("scan.pdf", pdf), "kind": "scan"}, **client.headers)
    assert up.status_code == 201, up.content
    fake = client.client.post(f"/api/v1/workorders/{number}/attachments",
                              {"file": SimpleUploadedFile("scan.pdf", b"MZ not a pdf")}, **client.headers)
    assert fake.status_code == 422 and fake.json()["code"] == "workorder.attachment_content"
    exe = client.client.post(f"/api/v1/workorders/{number}/attachments",
                             {"file": SimpleUploadedFile("x.exe", b"MZ")}, **client.headers)
    assert exe.status_code == 422 and exe.json()["code"] == "workorder.attachment_type"
    att_id = up.json()["id"]
    download = client.client.get(f"/api/v1/workorders/{number}/attachments/{att_id}", **client.headers)
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    other = ApiClient(wo_users["xc_manager"])
    assert other.client.get(f"/api/v1/workorders/{number}/attachments/{att_id}",
                            **other.headers).status_code == 404
    from django.conf import settings

    att = Attachment.objects.get(pk=att_id)
    assert str(settings.MEDIA_ROOT) in att.file.path and att.original_name == "scan.pdf"


def test_webhook_signed_delivery_with_retry(complaint, wo_users, monkeypatch, django_capture_on_commit_callbacks):
    import httpx

    from kefu.workorders.webhooks import SIGNATURE_HEADER, verify

    WebhookSubscription.objects.create(name="CRM", url="https://crm.example/hook", secret="s3cret",
                                       actions=["dispatch"])
    calls = []

    def fake_post(url, content, headers, timeout):
        calls.append((url, content, headers))
        return httpx.Response(500 if len(calls) == 1 else 200)

    monkeypatch.setattr(httpx, "post", fake_post)
    with django_capture_on_commit_callbacks(execute=True):
        transition(workorder=complaint, action="dispatch", actor=wo_users["agent"], to_unit="BR-DC")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.response_code == 500
    url, body, headers = calls[0]
    assert verify("s3cret", headers[SIGNATURE_HEADER], body)
    assert not verify("wrong", headers[SIGNATURE_HEADER], body)
    assert json.loads(body)["number"] == complaint.number and json.loads(body)["to_status"] == "dispatched"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    from kefu.workorders.tasks import retry_webhooks

    retry_webhooks.call()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_deadline_watch_reminds_then_flags_supervision(complaint, wo_users):
    from kefu.workorders.deadline_watch import flag_breaches, send_reminders

    assert send_reminders(now=complaint.due_at - timedelta(days=3)) == 0
    assert send_reminders(now=complaint.due_at - timedelta(hours=2)) == 1
    assert send_reminders(now=complaint.due_at - timedelta(hours=1)) == 0  # once per deadline
    assert flag_breaches(now=complaint.due_at + timedelta(minutes=1)) == 1
    complaint.refresh_from_db()
    assert complaint.is_supervised and complaint.breached_at
    assert complaint.events.filter(action="deadline_breached").exists()
    overdue = ApiClient(wo_users["director"]).get("/workorders", overdue="true")
    # "overdue" is relative to now; the case is not yet overdue in real time, supervised=true finds it
    assert overdue.status_code == 200
    flagged = ApiClient(wo_users["director"]).get("/workorders", supervised="true").json()
    assert complaint.number in [r["number"] for r in flagged["results"]]


def test_search_chinese_full_text(wo_users, seeded):
    agent = wo_users["agent"]
    a = create_workorder(actor=agent, kind="complaint", channel="phone", title="信用卡年费扣收有异议",
                         description="要求退还年费")
    b = create_workorder(actor=agent, kind="consultation", channel="phone", title="咨询房贷提前还款",
                         description="提前还款违约金")
    add_note(workorder=b, actor=agent, body="已告知客户需预约网点办理")
    client = ApiClient(agent)

    def numbers(q):
        return {r["number"] for r in client.get("/workorders", q=q).json()["results"]}

    assert numbers("年费") == {a.number}
    assert numbers("提前还款") == {b.number}
    assert numbers("预约网点") == {b.number}  # notes are searched too
    assert numbers("年费 还款") == set()
    assert numbers("不存在的词语") == set()


def test_search_finds_latin_words_inside_dictionary_compounds(wo_users, seeded):
    # The banking dictionary keeps ATM吞卡 as one word (canonical form 吞卡): "ATM" alone must still match.
    agent = wo_users["agent"]
    atm = create_workorder(actor=agent, kind="complaint", channel="phone", title="ATM吞卡未及时处理",
                           description="客户称卡被吞")
    app = create_workorder(actor=agent, kind="complaint", channel="phone", title="手机APP闪退", description="无法登录")
    client = ApiClient(agent)

    def numbers(q):
        return {r["number"] for r in client.get("/workorders", q=q).json()["results"]}

    assert numbers("ATM") == {atm.number}
    assert numbers("atm吞卡") == {atm.number}
    assert numbers("吞卡") == {atm.number}
    assert numbers("APP") == {app.number}


def test_detail_endpoint_query_count(complaint, wo_users):
    transition(workorder=complaint, action="dispatch", actor=wo_users["agent"], to_unit="BR-DC")
    add_note(workorder=complaint, actor=wo_users["agent"], body="内部备注")
    client = ApiClient(wo_users["dc_manager"])
    client.get(f"/workorders/{complaint.number}")  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/workorders/{complaint.number}")
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 10, "\n".join(q["sql"][:120] for q in ctx.captured_queries)


def test_list_filters(complaint, wo_users):
    client = ApiClient(wo_users["agent"])
    assert complaint.number in {r["number"] for r in client.get("/workorders", kind="complaint").json()["results"]}
    assert client.get("/workorders", kind="praise").json()["count"] == 0
    assert client.get("/workorders", jrt="C99").json()["count"] == 0
    today = timezone.localdate().isoformat()
    assert client.get("/workorders", date_from=today, date_to=today, status=["accepted"]).json()["count"] == 1
    assert client.get("/workorders", page_size=500).status_code == 422


def test_late_handoff_flagged_once(complaint, wo_users):
    from kefu.workorders.deadline_watch import flag_handoff_breaches
    from kefu.workorders.models import Handoff

    transition(workorder=complaint, action="dispatch", actor=wo_users["agent"], to_unit="BR-DC")
    handoff = Handoff.objects.get(workorder=complaint)
    assert flag_handoff_breaches(now=handoff.deadline - timedelta(minutes=1)) == 0
    assert flag_handoff_breaches(now=handoff.deadline + timedelta(minutes=1)) == 1
    assert flag_handoff_breaches(now=handoff.deadline + timedelta(hours=1)) == 0
    complaint.refresh_from_db()
    assert complaint.is_supervised
    assert complaint.events.filter(action="handoff_breached").count() == 1


def test_list_count_is_capped_above_the_limit(wo_users, seeded, settings):
    settings.KEFU_WORKORDER_LIST_COUNT_LIMIT = 2
    agent = wo_users["agent"]
    made = [create_workorder(actor=agent, kind="consultation", channel="phone", title=f"咨询利率{i}", description="")
            for i in range(3)]
    client = ApiClient(agent)
    capped = client.get("/workorders", kind="consultation", page_size=1).json()
    assert (capped["count"], capped["count_exact"]) == (2, False)
    beyond = client.get("/workorders", kind="consultation", page_size=1, page=3).json()
    assert len(beyond["results"]) == 1 and beyond["count"] == 3  # pages past the cap are still served
    settings.KEFU_WORKORDER_LIST_COUNT_LIMIT = 3
    exact = client.get("/workorders", kind="consultation").json()
    assert (exact["count"], exact["count_exact"]) == (3, True)
    assert {r["number"] for r in exact["results"]} == {wo.number for wo in made}


def test_search_takes_recent_documents_first_then_older_ones(wo_users, seeded, settings):
    # A window of one document: the newest match comes from the recent pass, the others from the older pass.
    settings.KEFU_WORKORDER_SEARCH_RECENT_WINDOW = 1
    settings.KEFU_WORKORDER_SEARCH_LIMIT = 2
    agent = wo_users["agent"]
    made = [create_workorder(actor=agent, kind="complaint", channel="phone", title=f"信用卡年费争议{i}", description="")
            for i in range(3)]
    create_workorder(actor=agent, kind="complaint", channel="phone", title="房贷提前还款", description="")
    found = ApiClient(agent).get("/workorders", q="年费").json()
    assert [r["number"] for r in found["results"]] == [made[2].number, made[1].number]  # newest 2 of 3 matches


def test_list_query_count_does_not_grow_with_rows(wo_users, seeded):
    # The list loads only the columns it shows (.only): a field read outside them would cost a query per row.
    agent = wo_users["agent"]
    client = ApiClient(agent)

    def list_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/workorders").status_code == 200
        return len(ctx.captured_queries)

    create_workorder(actor=agent, kind="complaint", channel="phone", title="单条", description="", auto_accept=True)
    list_queries()  # the token's first use records last_used_at
    one = list_queries()
    for i in range(4):
        create_workorder(actor=agent, kind="complaint", channel="phone", title=f"多条{i}", description="",
                         auto_accept=True)
    assert list_queries() == one


def test_intake_reads_no_reference_rows_once_warm(wo_users, seeded):
    # Deadline policies and message templates come from the per-process cache; the statement count of an
    # accepted phone complaint is pinned so that a new query per intake shows up here.
    agent = wo_users["agent"]

    def intake(i):
        with CaptureQueriesContext(connection) as ctx:
            create_workorder(actor=agent, kind="complaint", channel="phone", title=f"年费争议{i}", description="",
                             contact_phone=f"1391234{i:04d}", auto_accept=True)
        return [q["sql"] for q in ctx.captured_queries]

    intake(0)
    sql = intake(1)
    assert not [q for q in sql if "calendar_deadlinepolicy" in q or "notify_notificationtemplate" in q], sql
    assert not [q for q in sql if q.startswith("SELECT") and "notify_notification" in q], sql
    # The row is inserted once in its accepted state; its clocks and its timeline rows by one INSERT each.
    assert not [q for q in sql if q.startswith('UPDATE "workorders_workorder"')], sql
    assert len([q for q in sql if q.startswith('INSERT INTO "workorders_workorderevent"')]) == 1, sql
    assert len([q for q in sql if q.startswith('INSERT INTO "calendar_deadlineclock"')]) == 1, sql
    assert len(sql) <= 14, "\n".join(q[:120] for q in sql)


def test_a_short_page_is_counted_without_a_count_query(wo_users, seeded):
    agent = wo_users["agent"]
    for i in range(2):
        create_workorder(actor=agent, kind="suggestion", channel="phone", title=f"建议{i}", description="")
    client = ApiClient(agent)
    client.get("/me")  # the token's first use records last_used_at

    def listing(**params):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/workorders", kind="suggestion", **params).json()
        return body, sum("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)

    short, counts = listing(page_size=5)
    assert (short["count"], short["count_exact"], len(short["results"]), counts) == (2, True, 2, 0)
    full, counts = listing(page_size=2)
    assert (full["count"], full["count_exact"], counts) == (2, True, 1)
    last, counts = listing(page_size=1, page=2)
    assert (last["count"], len(last["results"]), counts) == (2, 1, 1)
    beyond, counts = listing(page_size=1, page=3)
    assert (beyond["count"], beyond["results"], counts) == (2, [], 1)


def test_every_reference_is_indexed_once(db):
    # An INSERT maintains every index of the table: each reference (PROTECT checks, lookups) and each
    # exact-match key has one index led by it, not a second one beside a (column, status) index.
    from collections import Counter

    from kefu.workorders.models import WorkOrder

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, WorkOrder._meta.db_table)
    leading = Counter(info["columns"][0] for info in constraints.values()
                      if info["index"] and info["columns"] and not info["primary_key"])
    keys = [f.column for f in WorkOrder._meta.concrete_fields if f.is_relation]
    keys += ["contact_phone_index", "customer_cif_no"]
    assert {c: leading[c] for c in keys} == dict.fromkeys(keys, 1)
