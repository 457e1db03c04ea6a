"""Reference data: the JR/T 0169-2018 classification skeleton and the customer notification templates.

The standard's numeric code tables were not available: the structure and names below follow the
standard's published outline; codes are placeholders (two-digit levels, "99 其他") for the administrator
to complete and correct in the admin. Existing rows are never overwritten.
"""

from __future__ import annotations

from django.db import transaction

from .choices import Dimension
from .models import Classification

# name, children (same shape); codes are numbered 01, 02, ... with 99 for "其他" at every level.
JRT_TREE: dict[str, list] = {
    Dimension.CHANNEL: [
        ("前台渠道", [
            ("营业现场", [("柜面", []), ("大堂服务", [])]),
            ("自助机具", [("自动柜员机", []), ("自助服务终端", [])]),
            ("电子渠道", [("网上银行", []), ("电话银行", []), ("移动客户端", []), ("网络公众平台", []),
                        ("短信", [])]),
            ("第三方渠道", []),
        ]),
        ("中后台渠道", [("中后台业务处理", []), ("催收", [])]),
    ],
    Dimension.BUSINESS: [
        ("人民币储蓄", [("活期储蓄", []), ("定期储蓄", [])]),
        ("贷款", [("个人住房贷款", []), ("个人消费贷款", []), ("经营性贷款", [])]),
        ("银行卡", [("借记卡", []), ("信用卡", [])]),
        ("支付结算", [("转账汇款", []), ("网络支付", [])]),
        ("人民币管理", [("人民币兑换", []), ("假币收缴", [])]),
        ("个人金融信息", [("信息查询", []), ("信息更正", [])]),
        ("外汇", []),
        ("代理业务", [("代理理财", []), ("代理基金", []), ("代理保险", [])]),
        ("征信", []),
    ],
    Dimension.REASON: [
        ("服务态度及服务质量", [("服务态度", []), ("服务效率", [])]),
        ("服务设施、设备、业务系统", [("设施设备", []), ("业务系统", [])]),
        ("管理制度、业务规则与流程", [("业务规则", []), ("业务流程", [])]),
        ("营销方式", [("营销方式和手段", [])]),
        ("信息披露", [("产品信息披露", []), ("风险提示", [])]),
        ("产品收益", []),
        ("自主选择权", []),
        ("合同条款", []),
        ("消费者资金安全", []),
        ("消费者信息安全", []),
        ("定价收费", []),
        ("债务催收", []),
    ],
}


def _flatten(dimension: str) -> list[tuple[str, str, int, str]]:
    """(code, name, level, parent code) in tree order; "99 其他" closes every level."""
    rows: list[tuple[str, str, int, str]] = []

    def walk(nodes: list, prefix: str, level: int) -> None:
        numbered = [(f"{i:02d}", name, kids) for i, (name, kids) in enumerate(nodes, start=1)]
        numbered.append(("99", "其他", []))
        for num, name, kids in numbered:
            rows.append((prefix + num, name, level, prefix))
            if level < 3 and num != "99":
                walk(kids, prefix + num, level + 1)

    walk(JRT_TREE[dimension], "", 1)
    return rows


@transaction.atomic
def seed_classification() -> int:
    """Create the missing nodes level by level (bulk); rows an administrator edited are left alone."""
    created = 0
    for dimension in JRT_TREE:
        existing = dict(Classification.objects.filter(dimension=dimension).values_list("code", "pk"))
        rows = _flatten(dimension)
        for level in (1, 2, 3):
            new = [Classification(dimension=dimension, code=code, name=name, level=level,
                                  parent_id=existing.get(parent) if parent else None, sort=index)
                   for index, (code, name, lvl, parent) in enumerate(rows)
                   if lvl == level and code not in existing and (not parent or parent in existing)]
            if new:
                Classification.objects.bulk_create(new)
                existing.update(Classification.objects.filter(dimension=dimension, level=level)
                                .values_list("code", "pk"))
                created += len(new)
    return created


def seed(stdout=None) -> None:
    created = seed_classification()
    templates = 0
    try:
        from .notifications import ensure_templates

        templates = ensure_templates()
    except ImportError:
        pass
    if stdout is not None:
        stdout.write(f"workorders: {created} JR/T classification nodes created, {templates} templates ensured")
