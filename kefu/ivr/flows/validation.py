"""Flow validation run before publishing: a published flow never strands a caller.

Rules: the entry is a menu; every link resolves; every menu offers 0 (an agent) and * (repeat); every
function has a next node; every node is reachable from the entry and can reach an agent or a goodbye (no
dead ends, no loops without exit); the card/passbook loss report is in the first menu (a regulator's
mystery-shopping check); timeouts and digit counts are sane.
"""

from __future__ import annotations

from typing import Any

from ..choices import Function, NodeKind
from ..engine.flowdef import BACK, REPEAT

VALID_KEYS = set("0123456789*#")
TERMINAL = {NodeKind.TRANSFER, NodeKind.HANGUP}


def validate_definition(entry: str, nodes: dict[str, dict[str, Any]]) -> list[str]:
    """Human-readable (Chinese) problems; an empty list means the flow may be published."""
    errors: list[str] = []
    if entry not in nodes:
        return [f"入口节点“{entry}”不存在"]
    if nodes[entry]["kind"] != NodeKind.MENU:
        errors.append(f"入口节点“{entry}”必须是按键菜单")
    edges: dict[str, set[str]] = {}
    for key, node in nodes.items():
        kind = node["kind"]
        targets: set[str] = set()
        if kind == NodeKind.MENU:
            options = node.get("options") or {}
            if not (node.get("prompt") or "").strip():
                errors.append(f"菜单“{key}”缺少提示语")
            bad = [d for d in options if d not in VALID_KEYS]
            if bad:
                errors.append(f"菜单“{key}”的按键{bad}无效（只能是0-9、*、#）")
            zero = options.get("0")
            if zero is None or zero not in nodes or nodes[zero]["kind"] != NodeKind.TRANSFER:
                errors.append(f"菜单“{key}”必须提供按0转人工")
            if options.get("*") != REPEAT:
                errors.append(f"菜单“{key}”必须提供按*重听")
            real = {d: t for d, t in options.items() if t not in (REPEAT, BACK)}
            if not set(real) - {"0"}:
                errors.append(f"菜单“{key}”除转人工外没有任何选项（死路）")
            for digit, target in real.items():
                if target not in nodes:
                    errors.append(f"菜单“{key}”按键{digit}指向不存在的节点“{target}”")
                else:
                    targets.add(target)
            if BACK in options.values():
                targets.add(entry)
            if not 1 <= int(node.get("max_digits") or 1) <= 2:
                errors.append(f"菜单“{key}”的按键位数应为1或2")
        elif kind == NodeKind.FUNCTION:
            fn = node.get("function") or ""
            if fn not in Function.values:
                errors.append(f"节点“{key}”的自助功能“{fn}”未知")
            nxt = node.get("next") or ""
            if not nxt:
                errors.append(f"自助节点“{key}”没有设置完成后转到的节点（死路）")
            elif nxt not in nodes:
                errors.append(f"自助节点“{key}”完成后指向不存在的节点“{nxt}”")
            else:
                targets.add(nxt)
            if fn in {Function.BALANCE, Function.TRANSACTIONS, Function.TRANSFER, Function.ALERTS} and not node.get(
                    "requires_auth"):
                errors.append(f"自助节点“{key}”（{Function(fn).label}）必须先验证身份")
            if fn == Function.TRANSACTIONS and (node.get("params") or {}).get("mode", "last_n") not in {
                    "today", "last_n", "range"}:
                errors.append(f"节点“{key}”的明细查询方式只能是 today/last_n/range")
        elif kind not in TERMINAL:
            errors.append(f"节点“{key}”的类型“{kind}”未知")
        timeout = int(node.get("timeout_ms") or 5000)
        if not 1000 <= timeout <= 60000:
            errors.append(f"节点“{key}”的等待时间应在1-60秒之间")
        edges[key] = targets

    reachable = _reach(entry, edges)
    for key in nodes:
        if key not in reachable:
            errors.append(f"节点“{key}”从入口无法到达")
    terminal = {k for k, n in nodes.items() if n["kind"] in TERMINAL}
    for key in nodes:
        if key in terminal:
            continue
        if not (_reach(key, edges) & terminal):
            errors.append(f"节点“{key}”无法到达转人工或结束通话（死循环/死路）")

    first_menu = nodes[entry].get("options") or {}
    has_loss = any(t in nodes and nodes[t]["kind"] == NodeKind.FUNCTION and nodes[t].get("function") == Function.LOSS_REPORT
                   for t in first_menu.values())
    if not has_loss:
        errors.append("挂失必须在第一层菜单中提供")
    return errors


def _reach(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in edges.get(stack.pop(), set()):
            if nxt in edges and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
