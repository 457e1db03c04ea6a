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


def _seed_level(dimension: str, nodes: list, parent: Classification | None, prefix: str, level: int) -> int:
    created = 0
    numbered = [(f"{i:02d}", name, kids) for i, (name, kids) in enumerate(nodes, start=1)]
    numbered.append(("99", "其他", []))
    for sort, (num, name, kids) in enumerate(numbered):
        code = prefix + num
        node, was_created = Classification.objects.get_or_create(
            dimension=dimension, code=code,
            defaults={"name": name, "level": level, "parent": parent, "sort": sort})
        created += int(was_created)
        if level < 3 and (kids or num != "99"):
            created += _seed_level(dimension, kids, node, code, level + 1)
    return created


@transaction.atomic
def seed_classification() -> int:
    created = 0
    for dimension, nodes in JRT_TREE.items():
        created += _seed_level(dimension, nodes, None, "", 1)
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
