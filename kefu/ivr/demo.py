"""Demo: phone-banking PINs for the core's demo callers, a 短信通 subscription, and a bearer token for the
``ivr-gateway`` service account (created by the org demo) so a PBX or curl can drive the HTTP API."""

from __future__ import annotations

import os

# Fixed so docs/demo.md can list them; each passes the weak-PIN check.
DEMO_PINS = ["147258", "258369", "369147", "741852", "852963"]


def load(stdout=None) -> None:
    from kefu.org.models import User
    from kefu.org.services import issue_token

    from . import setup
    from .alerts import subscribe
    from .models import PhoneBankingCredential
    from .pins import set_phone_pin

    setup.seed()
    try:
        from kefu.corebank.demo import DEMO_CALLERS
    except ImportError:
        DEMO_CALLERS = []
    lines = []
    for caller, pin in zip(DEMO_CALLERS, DEMO_PINS, strict=False):
        if not PhoneBankingCredential.objects.filter(cif_no=caller["cif_no"]).exists():
            set_phone_pin(cif_no=caller["cif_no"], pin=pin, actor=None)
        lines.append(f"  {caller['name']:<6} 来电 {caller['mobile']}  卡号 {caller['card_no']}  "
                     f"账号 {caller['account_no']}  电话银行密码 {pin}  ({caller.get('role', '')})")
    if DEMO_CALLERS:
        first = DEMO_CALLERS[0]
        subscribe(cif_no=first["cif_no"], account_no=first["account_no"], mobile=first["mobile"],
                  threshold_fen=100_00, actor=None)
    token_line = "  (ivr-gateway 服务账号不存在：先加载 org 演示数据)"
    gateway = User.objects.filter(username="ivr-gateway").first()
    if gateway is not None:
        _, raw = issue_token(user=gateway, actor=None, name="ivr-demo")
        token_line = f"  ivr-gateway 令牌: {raw}"
    if stdout is not None:
        stdout.write("ivr: 演示来电客户（电话银行密码仅演示用）:\n" + "\n".join(lines))
        stdout.write(token_line)
        stdout.write("  试拨: curl -H 'Authorization: Bearer <令牌>' -H 'Content-Type: application/json' "
                     "-d '{\"caller\":\"13811110001\",\"called\":\"95500\"}' http://127.0.0.1:" + os.environ.get("PORT", "8000") + "/api/v1/ivr/calls")
