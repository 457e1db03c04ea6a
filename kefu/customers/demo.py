"""Demo customers: kefu profiles for every core-bank demo customer, some consents, a pending change,
vulnerable flags and one flagged suspicious case. Idempotent."""

from __future__ import annotations

from django.db import transaction

from .choices import ConsentChannel, ConsentPurpose
from .models import Consent, Customer, SuspiciousCase


def load(stdout=None) -> None:
    from kefu.corebank.demo import DEMO_CALLERS
    from kefu.corebank.models import CifCustomer
    from kefu.org.models import User

    from . import services

    known = set(Customer.objects.values_list("cif_no", flat=True))
    created = 0
    for cif_no in CifCustomer.objects.order_by("cif_no").values_list("cif_no", flat=True):
        if cif_no not in known:
            services.sync_customer_from_core(cif_no=cif_no, actor=None)
            created += 1
    agent = User.objects.filter(username="agent01").first()
    lead = User.objects.filter(username="lead1").first()
    callers = [Customer.objects.get(cif_no=c["cif_no"]) for c in DEMO_CALLERS
               if Customer.objects.filter(cif_no=c["cif_no"]).exists()]
    with transaction.atomic():
        for index, customer in enumerate(callers):
            if Consent.objects.filter(customer=customer).exists():
                continue
            services.record_consent(customer=customer, purpose=ConsentPurpose.SMS_ALERTS, channel=ConsentChannel.BRANCH,
                                    actor=agent, scope="动账金额≥1元", evidence="开户签约书")
            services.record_consent(customer=customer, purpose=ConsentPurpose.RECORDING, channel=ConsentChannel.IVR,
                                    actor=agent, scope="客服热线通话录音")
            if index % 2 == 0:
                consent = services.record_consent(customer=customer, purpose=ConsentPurpose.MARKETING,
                                                  channel=ConsentChannel.APP, actor=agent, scope="本行理财产品")
                if index == 2:
                    services.withdraw_consent(consent=consent, channel=ConsentChannel.PHONE, actor=agent)
        if len(callers) >= 4:
            Customer.objects.filter(pk=callers[3].pk).update(needs_interpreter=True, interpreter_language="手语")
            Customer.objects.filter(pk=callers[0].pk).update(disability=True)
        if agent and lead and callers and not callers[0].change_requests.exists():
            services.request_change(customer=callers[0], field="sms_phone", new_value="13811119999",
                                    reason="客户来电称旧号码停用", evidence="已核验证件号后六位与出生日期；录音 DEMO-0001",
                                    actor=agent)
        if agent and len(callers) >= 3 and not SuspiciousCase.objects.filter(customer=callers[2]).exists():
            services.flag_suspicious(customer=callers[2], actor=agent, category="fraud_victim",
                                     description="客户来电称接到自称公安的电话，要求将资金转入“安全账户”，已劝阻。")
    if stdout is not None:
        stdout.write(f"customers: {Customer.objects.count()} profiles ({created} new), "
                     f"{Consent.objects.count()} consents, {SuspiciousCase.objects.count()} suspicious cases")
