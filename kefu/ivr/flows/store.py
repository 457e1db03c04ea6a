"""Flow versions: compile, cache by published version, validate, publish, copy to a new draft.

Publishing takes effect without a restart: new calls look up the current published version id (a cache
key shared by every server, cleared on publish, and remembered in-process for at most ``LOCAL_TTL_S``),
and a compiled version is immutable, so the in-process cache keyed by version id never goes stale. Calls
in progress keep the version they started with.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kefu.audit.services import record
from kefu.common import refcache

from ..choices import FlowStatus
from ..engine.flowdef import FlowDef
from ..errors import FlowInvalid, NoPublishedFlow
from ..models import CallFlow, FlowNode
from .validation import validate_definition

CURRENT_KEY = "ivr:flow:current:{code}"


def node_dict(node: FlowNode) -> dict[str, Any]:
    return {"key": node.key, "kind": node.kind, "function": node.function, "prompt": node.prompt,
            "options": dict(node.options or {}), "next": node.next_key, "params": dict(node.params or {}),
            "requires_auth": node.requires_auth, "timeout_ms": node.timeout_ms, "max_digits": node.max_digits,
            "barge_in": node.barge_in}


def flow_problems(flow: CallFlow) -> list[str]:
    nodes = {n.key: node_dict(n) for n in flow.nodes.all()}
    return validate_definition(flow.entry_key, nodes)


@lru_cache(maxsize=64)
def _compiled(flow_id: int) -> FlowDef:
    flow = CallFlow.objects.get(pk=flow_id)
    nodes = {n.key: node_dict(n) for n in flow.nodes.all()}
    return {"id": flow.pk, "code": flow.code, "version": flow.version, "entry": flow.entry_key,
            "max_retries": flow.max_retries, "default_queue": flow.default_queue, "nodes": nodes}  # type: ignore[typeddict-item]


def compiled_flow(flow_id: int) -> FlowDef:
    return _compiled(flow_id)


# The in-process copy (kefu.common.refcache) spares every new call a shared-cache (or database) round trip.
# A publish clears it at once in its own process; other processes see the new version within LOCAL_TTL_S.
LOCAL_TTL_S = 2.0


def current_flow_id(code: str) -> int:
    return refcache.remember(("ivr.current_flow", code), LOCAL_TTL_S, lambda: _shared_current_flow_id(code))


def _shared_current_flow_id(code: str) -> int:
    key = CURRENT_KEY.format(code=code)
    flow_id = cache.get(key)
    if flow_id is None:
        flow_id = (CallFlow.objects.filter(code=code, status=FlowStatus.PUBLISHED)
                   .order_by("-version").values_list("pk", flat=True).first())
        if flow_id is None:
            raise NoPublishedFlow()
        cache.set(key, flow_id, 300)
    return int(flow_id)


def forget_current(code: str) -> None:
    """Drop the published version of ``code`` from the shared and the in-process cache."""
    refcache.forget(("ivr.current_flow", code))
    cache.delete(CURRENT_KEY.format(code=code))


def publish_flow(*, flow: CallFlow, actor: Any) -> CallFlow:
    """Validate and publish a draft; the previously published version of the code is retired."""
    with transaction.atomic():
        flow = CallFlow.objects.select_for_update().get(pk=flow.pk)
        if flow.status != FlowStatus.DRAFT:
            raise FlowInvalid("只能发布草稿版本", code="ivr.flow_not_draft")
        problems = flow_problems(flow)
        if problems:
            raise FlowInvalid("；".join(problems), fields={"nodes": problems})
        retired = list(CallFlow.objects.filter(code=flow.code, status=FlowStatus.PUBLISHED).values_list("version", flat=True))
        CallFlow.objects.filter(code=flow.code, status=FlowStatus.PUBLISHED).update(status=FlowStatus.RETIRED)
        flow.status, flow.published_at, flow.published_by = FlowStatus.PUBLISHED, timezone.now(), (
            actor if getattr(actor, "pk", None) else None)
        flow.save(update_fields=["status", "published_at", "published_by"])
        record(actor=actor, action="ivr.flow_published", obj=flow,
               changes={"version": [retired[0] if retired else None, flow.version]}, reason=flow.note[:200])
        # Forget the current version now and again after commit, so no server re-caches the old one between.
        forget_current(flow.code)
        transaction.on_commit(partial(forget_current, flow.code))
    return flow


def copy_as_draft(*, flow: CallFlow, actor: Any, note: str = "") -> CallFlow:
    """A new draft version with the same nodes, for editing."""
    with transaction.atomic():
        last = CallFlow.objects.select_for_update().filter(code=flow.code).order_by("-version").first()
        draft = CallFlow.objects.create(code=flow.code, version=(last.version if last else 0) + 1, name=flow.name,
                                        entry_key=flow.entry_key, max_retries=flow.max_retries,
                                        default_queue=flow.default_queue, note=note,
                                        created_by=actor if getattr(actor, "pk", None) else None)
        FlowNode.objects.bulk_create([
            FlowNode(flow=draft, key=n.key, kind=n.kind, function=n.function, prompt=n.prompt, options=n.options,
                     next_key=n.next_key, params=n.params, requires_auth=n.requires_auth, timeout_ms=n.timeout_ms,
                     max_digits=n.max_digits, barge_in=n.barge_in) for n in flow.nodes.all()])
        record(actor=actor, action="ivr.flow_drafted", obj=draft, changes={"from_version": flow.version})
    return draft


def create_flow_from_definition(*, definition: dict[str, Any], actor: Any, publish: bool = True) -> CallFlow:
    with transaction.atomic():
        last = CallFlow.objects.filter(code=definition["code"]).order_by("-version").first()
        flow = CallFlow.objects.create(code=definition["code"], version=(last.version if last else 0) + 1,
                                       name=definition["name"], entry_key=definition["entry"],
                                       max_retries=definition.get("max_retries", 3),
                                       default_queue=definition.get("default_queue", "general"),
                                       note=definition.get("note", "初始版本"))
        FlowNode.objects.bulk_create([
            FlowNode(flow=flow, key=n["key"], kind=n["kind"], function=n.get("function", ""),
                     prompt=n.get("prompt", ""), options=n.get("options", {}), next_key=n.get("next", ""),
                     params=n.get("params", {}), requires_auth=n.get("requires_auth", False),
                     timeout_ms=n.get("timeout_ms", 5000), max_digits=n.get("max_digits", 1),
                     barge_in=n.get("barge_in", True)) for n in definition["nodes"]])
        record(actor=actor, action="ivr.flow_created", obj=flow, changes={"nodes": len(definition["nodes"])})
        if publish:
            flow = publish_flow(flow=flow, actor=actor)
    return flow
