"""Demo organisation: head office with departments, the service center, 2 branches with 6 outlets,
10 agents in 2 shifts and one user for every role. Idempotent: existing rows are kept."""

from __future__ import annotations

import secrets

from django.db import transaction

from .choices import UnitKind
from .models import Unit, User
from .services import create_staff_user, create_unit, sync_roles

DEMO_PASSWORD = "Kefu@Demo2026"
# Fixed TOTP secrets for demo users of MFA roles, so a tester can compute codes (manage.py demo_totp).
DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"

UNITS = [
    # code, name, kind, parent code, flags
    ("HO", "总行", UnitKind.HEAD_OFFICE, None, {}),
    ("HO-SVC", "规范服务管理部", UnitKind.DEPARTMENT, "HO", {"is_service_management": True}),
    ("HO-RISK", "风险管理部", UnitKind.DEPARTMENT, "HO", {"is_risk_department": True}),
    ("HO-RETAIL", "个人金融部", UnitKind.DEPARTMENT, "HO", {}),
    ("HO-CARD", "信用卡中心", UnitKind.DEPARTMENT, "HO", {}),
    ("HO-OPS", "运营管理部", UnitKind.DEPARTMENT, "HO", {}),
    ("HO-IT", "信息科技部", UnitKind.DEPARTMENT, "HO", {}),
    ("CC", "客户服务中心", UnitKind.CENTER, "HO", {}),
    ("BR-DC", "东城分行", UnitKind.BRANCH, "HO", {}),
    ("BR-DC-01", "东城分行营业部", UnitKind.OUTLET, "BR-DC", {}),
    ("BR-DC-02", "和平里支行", UnitKind.OUTLET, "BR-DC", {}),
    ("BR-DC-03", "东直门支行", UnitKind.OUTLET, "BR-DC", {}),
    ("BR-XC", "西城分行", UnitKind.BRANCH, "HO", {}),
    ("BR-XC-01", "西城分行营业部", UnitKind.OUTLET, "BR-XC", {}),
    ("BR-XC-02", "金融街支行", UnitKind.OUTLET, "BR-XC", {}),
    ("BR-XC-03", "西单支行", UnitKind.OUTLET, "BR-XC", {}),
]

USERS = [
    # username, display name, unit code, roles
    ("admin", "系统管理员", "HO-IT", ["admin"]),
    ("maintainer", "刘维护", "CC", ["system_maintainer"]),
    ("director", "王主任", "CC", ["center_director"]),
    ("clerk", "赵综合", "CC", ["clerk"]),
    ("lead1", "陈班长", "CC", ["shift_lead"]),
    ("lead2", "周班长", "CC", ["shift_lead"]),
    ("auditor", "孙审计", "HO", ["compliance_auditor"]),
    ("svc_handler", "吴规范", "HO-SVC", ["department_handler"]),
    ("risk_handler", "郑风险", "HO-RISK", ["department_handler"]),
    ("card_handler", "冯信用卡", "HO-CARD", ["department_handler"]),
    ("dc_manager", "何投诉", "BR-DC", ["branch_complaint_manager"]),
    ("dc_head", "吕行长", "BR-DC", ["branch_head"]),
    ("dc01_manager", "施网点", "BR-DC-01", ["branch_complaint_manager"]),
    ("xc_manager", "张投诉", "BR-XC", ["branch_complaint_manager"]),
    ("xc_head", "孔行长", "BR-XC", ["branch_head"]),
]
AGENT_NAMES = ["李娜", "王芳", "张伟", "刘洋", "陈静", "杨帆", "黄丽", "赵磊", "吴敏", "徐婷"]
SERVICE_ACCOUNTS = [("ivr-gateway", "IVR网关服务账号", "CC")]


def demo_users() -> list[tuple[str, str, str, list[str]]]:
    agents = [(f"agent{i:02d}", name, "CC", ["agent"]) for i, name in enumerate(AGENT_NAMES, start=1)]
    return USERS + agents


@transaction.atomic
def load(stdout=None) -> None:
    sync_roles()
    by_code: dict[str, Unit] = {u.code: u for u in Unit.objects.all()}
    for code, name, kind, parent, flags in UNITS:
        if code not in by_code:
            by_code[code] = create_unit(actor=None, code=code, name=name, kind=kind,
                                        parent=by_code[parent] if parent else None, **flags)
    for index, (username, display, unit_code, roles) in enumerate(demo_users(), start=1):
        if not User.objects.filter(username=username).exists():
            user = create_staff_user(actor=None, username=username, password=DEMO_PASSWORD,
                                     unit=by_code[unit_code], roles=roles, display_name=display,
                                     employee_no=f"E{index:04d}", is_demo=True)
            if user.requires_mfa:
                _demo_totp(user)
    for username, display, unit_code in SERVICE_ACCOUNTS:
        if not User.objects.filter(username=username).exists():
            create_staff_user(actor=None, username=username, password=secrets.token_urlsafe(24) + "Aa1!",
                              unit=by_code[unit_code], roles=["service_account"], display_name=display,
                              is_demo=True)
    if stdout is not None:
        stdout.write(f"org: {Unit.objects.count()} units, {User.objects.count()} users")


def _demo_totp(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_HEX, "confirmed": True})


def logins_text() -> str:
    lines = [f"  密码（所有演示账号）: {DEMO_PASSWORD}"]
    seen: set[str] = set()
    for username, display, _unit, roles in demo_users():
        role = roles[0]
        if role in seen and role == "agent":
            continue
        seen.add(role)
        mfa = "  (需TOTP: python manage.py demo_totp " + username + ")" if role in {
            "admin", "system_maintainer", "center_director", "compliance_auditor"} else ""
        lines.append(f"  {role:<26} {username:<14} {display}{mfa}")
    lines.append("  agent01 … agent10 为座席员（两个班次）")
    return "\n".join(lines)
