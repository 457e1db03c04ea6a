"""KPIs from real interaction flows: the rollups must agree with a rebuild from raw rows."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.contact import services
from kefu.contact.choices import AgentState
from kefu.contact.models import AgentProfile, Queue, Skill, WrapUpCode
from kefu.reports.kpis import contact_kpis, contact_kpis_by, occupancy
from kefu.reports.models import InteractionRollup
from kefu.reports.rollups import bucket_of, rebuild_interaction_rollups

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


@pytest.fixture
def center(org_tree, user_factory):
    skill = Skill.objects.create(code="general", name="综合")
    queue = Queue.objects.create(code="q", name="综合", skill=skill)
    WrapUpCode.objects.create(code="ok", name="已解答", resolved=True)
    WrapUpCode.objects.create(code="wo", name="建工单", resolved=False)
    agent = AgentProfile.objects.create(user=user_factory("k1", roles=["agent"], unit=org_tree["CC"]), team="A")
    agent.skills.add(skill)
    return queue, agent


def at(seconds):
    return time_machine.travel(T0 + timedelta(seconds=seconds), tick=False)


def handled_call(queue, agent, start, wait, talk, acw, code="ok", csat=None):
    with at(start):
        services.set_agent_state(agent=agent, state=AgentState.READY, actor=None)
    with at(start + 1):
        call = services.offer_interaction(channel="phone", queue=queue, actor=None)
    with at(start + 1 + wait):
        services.answer(interaction=call, actor=None)
    with at(start + 1 + wait + talk):
        services.end_interaction(interaction=call, actor=None)
    with at(start + 1 + wait + talk + acw):
        services.wrap_up(interaction=call, actor=None, wrap_up_code=code)
    if csat is not None:
        services.record_satisfaction(interaction=call, actor=None, csat=csat, nps=10 if csat == 5 else 3)
    return call


def abandoned_call(queue, start, wait):
    with at(start):
        call = services.offer_interaction(channel="phone", queue=queue, actor=None)
    with at(start + wait):
        services.abandon(interaction=call)
    return call


def test_kpis_follow_the_definitions(center):
    queue, agent = center
    handled_call(queue, agent, 0, wait=10, talk=120, acw=20, csat=5)      # within 20 s and 15 s
    handled_call(queue, agent, 300, wait=18, talk=200, acw=40, code="wo", csat=2)  # within 20 s, not 15 s
    services.set_agent_state(agent=agent, state=AgentState.BREAK, actor=None, reason="meal")
    abandoned_call(queue, 600, wait=3)    # short abandon: excluded
    abandoned_call(queue, 700, wait=40)   # counts against service level
    k = contact_kpis(start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=2))
    assert (k.offered, k.answered, k.abandoned, k.short_abandoned) == (3, 2, 1, 1)
    assert k.service_level == round(2 / 3, 4)
    assert k.service_level_rings == round(1 / 3, 4)
    assert k.asa_seconds == 14.0
    assert k.aht_seconds == (120 + 20 + 200 + 40) / 2
    assert k.fcr_rate == 0.5
    assert k.csat == 3.5 and k.nps == 0.0
    by_agent = contact_kpis_by("agent_id", start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=2))
    assert by_agent[agent.pk].answered == 2 and by_agent[0].abandoned == 1


def test_rebuild_agrees_with_incremental_rollups(center):
    queue, agent = center
    handled_call(queue, agent, 0, wait=5, talk=60, acw=10, csat=4)
    abandoned_call(queue, 100, wait=30)
    before = sorted(InteractionRollup.objects.values_list("bucket_start", "agent_id", "offered", "answered",
                                                          "abandoned", "talk_seconds", "csat_sum"))
    assert before
    rebuilt = rebuild_interaction_rollups(start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=1))
    after = sorted(InteractionRollup.objects.values_list("bucket_start", "agent_id", "offered", "answered",
                                                         "abandoned", "talk_seconds", "csat_sum"))
    assert rebuilt == 2 and before == after


def test_occupancy_from_agent_time(center):
    queue, agent = center
    handled_call(queue, agent, 0, wait=0, talk=300, acw=60)   # ready 1 s, busy 360 s
    with at(1000):
        services.set_agent_state(agent=agent, state=AgentState.OFFLINE, actor=None)
    occ = occupancy(start=date(2026, 11, 23), end=date(2026, 11, 24), agent_id=agent.pk)
    # ready: 1 s before the call + 639 s after wrap-up (362 -> 1000 plus the 1 s), busy: 360 s
    assert occ == pytest.approx(360 / (360 + 640), abs=0.01)


def test_buckets_are_half_hours_in_shanghai():
    assert bucket_of(datetime(2026, 11, 23, 1, 47, tzinfo=ZoneInfo("UTC"))) == datetime(2026, 11, 23, 9, 30, tzinfo=SH)


@pytest.mark.django_db(transaction=True)
def test_sql_rebuild_matches_python(center):
    from django.db import connection

    from kefu.reports.rollups import rebuild_interaction_rollups_sql

    if connection.vendor != "postgresql":
        pytest.skip("set-based rebuild is PostgreSQL-only (SQLite uses the Python rebuild)")
    queue, agent = center
    handled_call(queue, agent, 0, wait=25, talk=60, acw=10, csat=4)
    handled_call(queue, agent, 200, wait=5, talk=90, acw=5, code="wo", csat=1)
    abandoned_call(queue, 400, wait=30)
    abandoned_call(queue, 500, wait=2)
    cols = [f.name for f in InteractionRollup._meta.fields if f.name not in ("id", "team")]
    incremental = sorted(InteractionRollup.objects.values_list(*cols))
    rebuild_interaction_rollups_sql(start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=1))
    assert sorted(InteractionRollup.objects.values_list(*cols)) == incremental
