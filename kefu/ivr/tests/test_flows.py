"""Flow validation and versioned publishing."""

from __future__ import annotations

import copy

import pytest

from kefu.ivr.errors import FlowInvalid
from kefu.ivr.flows.defaults import DEFAULT_FLOW
from kefu.ivr.flows.validation import validate_definition


def nodes_of(definition):
    return {n["key"]: {**n, "next": n.get("next", "")} for n in definition["nodes"]}


def test_default_flow_is_valid():
    assert validate_definition("main", nodes_of(DEFAULT_FLOW)) == []


def test_dead_end_function_is_rejected():
    flow = copy.deepcopy(DEFAULT_FLOW)
    for n in flow["nodes"]:
        if n["key"] == "rates":
            n["next"] = ""
    problems = validate_definition("main", nodes_of(flow))
    assert any("rates" in p and "死路" in p for p in problems)


def test_menu_without_exit_is_rejected():
    nodes = nodes_of(DEFAULT_FLOW)
    nodes["trap"] = {"key": "trap", "kind": "menu", "prompt": "请按1", "options": {"1": "trap", "0": "agent",
                                                                                   "*": "@repeat"}}
    nodes["main"]["options"]["6"] = "trap"
    nodes["loop"] = {"key": "loop", "kind": "function", "function": "rates", "next": "loop2"}
    nodes["loop2"] = {"key": "loop2", "kind": "function", "function": "fees", "next": "loop"}
    nodes["main"]["options"]["7"] = "loop"
    problems = validate_definition("main", nodes)
    # "trap" can still reach the agent via 0; the function loop has no way out.
    assert not any("“trap”" in p and "无法到达" in p for p in problems)
    assert any("“loop”" in p and "无法到达转人工" in p for p in problems)


def test_every_menu_needs_zero_and_star_and_loss_in_first_menu():
    nodes = nodes_of(DEFAULT_FLOW)
    del nodes["info"]["options"]["0"]
    del nodes["account"]["options"]["*"]
    del nodes["main"]["options"]["3"]
    problems = validate_definition("main", nodes)
    assert any("“info”" in p and "按0" in p for p in problems)
    assert any("“account”" in p and "按*" in p for p in problems)
    assert any("挂失必须在第一层菜单" in p for p in problems)
    assert any("“loss”" in p and "无法到达" in p for p in problems)


def test_unknown_target_and_unauthenticated_balance():
    nodes = nodes_of(DEFAULT_FLOW)
    nodes["main"]["options"]["8"] = "nowhere"
    nodes["balance"]["requires_auth"] = False
    problems = validate_definition("main", nodes)
    assert any("nowhere" in p for p in problems)
    assert any("“balance”" in p and "验证身份" in p for p in problems)


@pytest.mark.django_db
def test_publish_new_version_without_restart(bank, gw_client, user_factory, org_tree):
    from kefu.audit.models import AuditEntry
    from kefu.ivr.flows.store import copy_as_draft, current_flow_id, publish_flow
    from kefu.ivr.models import CallFlow, FlowNode

    v1 = CallFlow.objects.get(code="main", status="published")
    call1 = gw_client.post("/ivr/calls", {"caller": "13800138000"}).json()
    maintainer = user_factory("maint_t", roles=["system_maintainer"], unit=org_tree["CC"])
    draft = copy_as_draft(flow=v1, actor=maintainer, note="改欢迎语")
    FlowNode.objects.filter(flow=draft, key="main").update(params={"welcome": "新版欢迎词。"})
    # A draft with a dead end cannot be published.
    FlowNode.objects.filter(flow=draft, key="fees").update(next_key="")
    with pytest.raises(FlowInvalid):
        publish_flow(flow=draft, actor=maintainer)
    FlowNode.objects.filter(flow=draft, key="fees").update(next_key="info")
    publish_flow(flow=draft, actor=maintainer)
    assert current_flow_id("main") == draft.pk
    body = gw_client.post("/ivr/calls", {"caller": "13800138000"}).json()
    assert body["prompts"][0]["text"] == "新版欢迎词。"
    # The call in progress keeps its version.
    r = gw_client.post(f"/ivr/calls/{call1['call_id']}/input", {"digits": "*"}).json()
    assert "查询余额和明细请按1" in r["prompts"][0]["text"]
    v1.refresh_from_db()
    assert v1.status == "retired"
    assert AuditEntry.objects.filter(action="ivr.flow_published", object_id=str(draft.pk)).exists()
