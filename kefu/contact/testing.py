"""Fixtures other apps reuse: import ``contact_setup`` into a conftest.py."""

import pytest

from kefu.contact.models import AgentProfile, Queue, Skill, WrapUpCode


@pytest.fixture
def contact_setup(org_tree, user_factory):
    general = Skill.objects.create(code="general", name="综合业务")
    card = Skill.objects.create(code="card", name="信用卡")
    phone_q = Queue.objects.create(code="phone-general", name="综合电话队列", skill=general)
    card_q = Queue.objects.create(code="phone-card", name="信用卡电话队列", skill=card)
    chat_q = Queue.objects.create(code="chat", name="在线客服", skill=general, channel="chat")
    WrapUpCode.objects.create(code="resolved", name="已解答", resolved=True)
    WrapUpCode.objects.create(code="workorder", name="已建工单", resolved=False)
    agents = []
    for i in range(3):
        user = user_factory(f"ag{i}", roles=["agent"], unit=org_tree["CC"])
        profile = AgentProfile.objects.create(user=user, agent_no=f"80{i}")
        profile.skills.add(general)
        agents.append(profile)
    agents[2].skills.add(card)
    return {"general": phone_q, "card": card_q, "chat": chat_q, "agents": agents}
