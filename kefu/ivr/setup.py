"""Setup hooks: ``build`` renders prompt audio offline (no database); ``seed`` publishes the default flow,
the business-scope catalog and the SMS templates."""

from __future__ import annotations

from . import prompts


def build(stdout=None) -> None:
    if not prompts.espeak_available():
        if stdout is not None:
            stdout.write("ivr: espeak-ng not installed, prompts are text-only (apt-get install espeak-ng)")
        return
    texts = prompts.static_texts()
    made = sum(1 for t in texts if prompts.synthesize(t))
    if stdout is not None:
        stdout.write(f"ivr: {made}/{len(texts)} prompts rendered")


SMS_TEMPLATES = [
    ("ivr.transfer_otp", "【电话银行】您正在办理电话转账，验证码{{ code }}，{{ minutes }}分钟内有效。切勿告知他人。",
     "电话银行转账短信验证码"),
    ("ivr.loss_reported", "【电话银行】您尾号{{ last4 }}的{{ medium }}已于{{ reported_at }}口头挂失并冻结，挂失编号"
                          "{{ report_id }}。请于5日内携带有效身份证件到网点办理正式挂失。非本人操作请致电客服。",
     "电话口头挂失确认短信"),
    ("ivr.txn_alert", "【短信通】您尾号{{ last4 }}的账户于{{ time }}{{ direction }}人民币{{ amount }}元，"
                      "余额{{ balance }}元。", "短信通交易提醒"),
]


def seed(stdout=None) -> None:
    from .choices import FlowStatus
    from .flows.defaults import BUSINESS_SCOPE, DEFAULT_FLOW
    from .flows.store import create_flow_from_definition
    from .integrations import ensure_sms_template
    from .models import CallFlow, CatalogEntry

    if not CallFlow.objects.filter(code=DEFAULT_FLOW["code"]).exists():
        create_flow_from_definition(definition=DEFAULT_FLOW, actor=None, publish=True)
    elif not CallFlow.objects.filter(code=DEFAULT_FLOW["code"], status=FlowStatus.PUBLISHED).exists() and stdout:
        stdout.write("ivr: no published version of the main flow (publish one in the admin)")
    if not CatalogEntry.objects.filter(topic="business_scope").exists():
        CatalogEntry.objects.bulk_create([CatalogEntry(topic="business_scope", title=t, text=x, order=i)
                                          for i, (t, x) in enumerate(BUSINESS_SCOPE, start=1)])
    for code, body, description in SMS_TEMPLATES:
        ensure_sms_template(code=code, body=body, description=description)
    if stdout is not None:
        stdout.write("ivr: default flow, catalog and SMS templates seeded")
