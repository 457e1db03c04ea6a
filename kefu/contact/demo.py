"""Demo contact center: skills, queues, codes, agent profiles in two shifts and two weeks of history."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kefu.org.models import User

from .choices import AgentState, InteractionStatus
from .models import AgentProfile, Interaction, InteractionEvent, Queue, RetentionPolicy, Skill, StateReason, WrapUpCode

SKILLS = [("general", "综合业务"), ("card", "信用卡"), ("complaint", "投诉处理"), ("wealth", "理财贷款")]
QUEUES = [("phone-general", "综合电话队列", "phone", "general"), ("phone-card", "信用卡电话队列", "phone", "card"),
          ("phone-complaint", "投诉专席队列", "phone", "complaint"), ("phone-wealth", "理财贷款队列", "phone", "wealth"),
          ("chat", "在线客服", "chat", "general"), ("email", "邮件队列", "email", "complaint")]
WRAP_UP = [("resolved", "咨询已解答", True), ("transferred", "已转其他部门", False), ("workorder", "已建工单", False),
           ("callback", "需回呼", False), ("loss_report", "挂失已受理", True), ("complaint", "投诉已受理", False),
           ("nuisance", "骚扰/无效来电", True)]
REASONS = [("meal", "就餐", "break"), ("rest", "休息", "break"), ("meeting", "班前会", "training"),
           ("coaching", "质检辅导", "training"), ("course", "业务培训", "training")]


@transaction.atomic
def load(stdout=None) -> None:
    skills = {code: Skill.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in SKILLS}
    for code, name, channel, skill in QUEUES:
        Queue.objects.get_or_create(code=code, defaults={"name": name, "channel": channel, "skill": skills[skill],
                                                         "service_level_seconds": 20 if channel == "phone" else 60})
    for code, name, resolved in WRAP_UP:
        WrapUpCode.objects.get_or_create(code=code, defaults={"name": name, "resolved": resolved})
    for code, name, state in REASONS:
        StateReason.objects.get_or_create(code=code, defaults={"name": name, "state": state})
    RetentionPolicy.objects.get_or_create(category="general", defaults={"days": 3 * 365})
    RetentionPolicy.objects.get_or_create(category="complaint", defaults={"days": 5 * 365})
    RetentionPolicy.objects.get_or_create(category="transaction", defaults={"days": 5 * 365})
    agents = []
    for i in range(1, 11):
        user = User.objects.filter(username=f"agent{i:02d}").first()
        if user is None:
            continue
        profile, created = AgentProfile.objects.get_or_create(user=user, defaults={
            "agent_no": f"8{i:03d}", "team": "早班A组" if i <= 5 else "晚班B组",
            "hired_on": timezone.localdate() - timedelta(days=30 if i in (5, 10) else 400)})
        if created:
            profile.skills.add(skills["general"])
            profile.skills.add(skills["card"] if i % 2 else skills["wealth"])
            if i in (1, 6):
                profile.skills.add(skills["complaint"])
        agents.append(profile)
    for username in ("lead1", "lead2"):
        user = User.objects.filter(username=username).first()
        if user is not None:
            profile, created = AgentProfile.objects.get_or_create(user=user, defaults={
                "agent_no": "L" + username[-1], "team": "早班A组" if username == "lead1" else "晚班B组"})
            if created:
                profile.skills.add(*skills.values())
    if agents and not Interaction.objects.exists():
        _history(agents, stdout)
    _roster(agents)
    if stdout is not None:
        stdout.write(f"contact: {Queue.objects.count()} queues, {AgentProfile.objects.count()} agent profiles, "
                     f"{Interaction.objects.count()} interactions")


def _history(agents: list[AgentProfile], stdout) -> None:
    """Two weeks of finished calls and chats (seeded), then rollups rebuilt from them."""
    from kefu.reports.rollups import rebuild_interaction_rollups

    rng = random.Random(2026)
    queues = list(Queue.objects.filter(channel__in=["phone", "chat"]))
    codes = list(WrapUpCode.objects.all())
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(days=14)
    rows = []
    for day in range(14):
        base = start + timedelta(days=day)
        for _ in range(rng.randint(60, 90)):
            offered = base + timedelta(hours=rng.uniform(8, 21))
            queue = rng.choice(queues)
            wait = int(rng.expovariate(1 / 15))
            if rng.random() < 0.07:
                rows.append(Interaction(channel=queue.channel, queue=queue, status=InteractionStatus.ABANDONED,
                                        offered_at=offered, queued_at=offered, wait_seconds=wait + 3,
                                        ended_at=offered + timedelta(seconds=wait + 3), contact_masked="138****0000"))
                continue
            agent = rng.choice(agents)
            talk, hold, acw = int(rng.gauss(170, 50)) + 30, rng.choice([0, 0, 0, 20, 45]), rng.randint(10, 60)
            answered = offered + timedelta(seconds=wait)
            ended = answered + timedelta(seconds=talk + hold)
            code = rng.choice(codes)
            rows.append(Interaction(
                channel=queue.channel, queue=queue, agent=agent, status=InteractionStatus.ENDED, offered_at=offered,
                queued_at=offered, answered_at=answered, ended_at=ended, wrapped_up_at=ended + timedelta(seconds=acw),
                wait_seconds=wait, talk_seconds=talk, hold_seconds=hold, acw_seconds=acw, wrap_up_code=code,
                first_contact_resolved=code.resolved, csat=rng.choice([None, 5, 5, 4, 4, 3, 2]),
                transfer_count=1 if rng.random() < 0.05 else 0, contact_masked="138****0000"))
    created = Interaction.objects.bulk_create(rows, batch_size=500)
    InteractionEvent.objects.bulk_create(
        [InteractionEvent(interaction=i, kind="offered", at=i.offered_at, queue=i.queue) for i in created],
        batch_size=500)
    rebuild_interaction_rollups(start=start, end=now + timedelta(hours=1))
    for agent in agents[:3]:
        agent.state, agent.idle_since = AgentState.OFFLINE, None
        agent.save(update_fields=["state", "idle_since"])


PATTERNS = [("early", "早班", "08:00", "16:00"), ("late", "晚班", "16:00", "00:00"), ("night", "夜班", "00:00", "08:00")]


def _roster(agents: list[AgentProfile]) -> None:
    """7x24 cover: the two teams rotate early/late/night/rest over the next two weeks."""
    from datetime import time

    from .models import RosterEntry, ShiftPattern

    patterns = [ShiftPattern.objects.get_or_create(code=code, defaults={
        "name": name, "start_time": time.fromisoformat(start), "end_time": time.fromisoformat(end)})[0]
        for code, name, start, end in PATTERNS]
    rest = ShiftPattern.objects.get_or_create(code="rest", defaults={
        "name": "休息", "start_time": time(0, 0), "end_time": time(0, 0), "break_minutes": 0, "is_rest": True})[0]
    if RosterEntry.objects.exists() or not agents:
        return
    cycle = patterns + [rest]
    today = timezone.localdate()
    teams: dict[str, list[AgentProfile]] = {}
    for agent in agents:
        teams.setdefault(agent.team, []).append(agent)
    entries = []
    for offset in range(14):
        day = today + timedelta(days=offset)
        for i, team in enumerate(sorted(teams)):
            for agent in teams[team]:
                entries.append(RosterEntry(agent=agent, day=day, pattern=cycle[(2 * i + offset) % len(cycle)]))
    RosterEntry.objects.bulk_create(entries)
