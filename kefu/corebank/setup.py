"""Reference data of the sandbox core: internal accounts, deposit rates, fee schedule, transfer limits.

``seed`` is idempotent (existing rows are kept, so an operator's edits survive a re-run).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from .conf import default_limits
from .ledger import INTERNAL_ACCOUNTS, internal_account
from .models import DepositRate, FeeScheduleItem, TransferLimitRule

RATES_EFFECTIVE = date(2025, 5, 20)
DEPOSIT_RATES = [
    ("活期存款", "活期", "0.05"),
    ("整存整取", "三个月", "0.65"),
    ("整存整取", "半年", "0.85"),
    ("整存整取", "一年", "0.95"),
    ("整存整取", "二年", "1.05"),
    ("整存整取", "三年", "1.25"),
    ("整存整取", "五年", "1.30"),
    ("零存整取、整存零取、存本取息", "一年", "0.65"),
    ("零存整取、整存零取、存本取息", "三年", "0.85"),
    ("通知存款", "一天", "0.10"),
    ("通知存款", "七天", "0.45"),
]
FEES = [
    ("transfer.own_bank", "本行转账", "免费", "同城异地均免费"),
    ("transfer.interbank.phone", "电话银行跨行转账", "免费", "按人民银行减费让利要求，个人跨行转账免收手续费"),
    ("transfer.interbank.counter", "柜面跨行转账", "每笔2元起", "5000元以下2元，5000元至1万元5元，1万元以上按0.03%，最高50元"),
    ("card.replace_loss", "挂失补卡", "每卡10元", "卡片损坏换卡免费"),
    ("card.loss_report", "挂失", "免费", "电话挂失为临时挂失，5日内须到网点办理正式挂失"),
    ("card.annual_fee", "借记卡年费", "免费", "已取消"),
    ("account.small_balance", "小额账户管理费", "免费", "已取消"),
    ("sms.alert", "短信通知服务", "每月2元", "手机银行推送免费"),
    ("atm.withdraw.other_bank", "他行ATM取现", "每笔2元", "本行ATM免费"),
    ("passbook.replace", "存折补发", "每本5元", ""),
    ("statement.print", "对账单打印", "免费", "柜面及自助设备"),
]


@transaction.atomic
def seed(stdout=None) -> None:
    for code in INTERNAL_ACCOUNTS:
        internal_account(code)
    for order, (product, term, rate) in enumerate(DEPOSIT_RATES):
        DepositRate.objects.get_or_create(product=product, term=term, effective_from=RATES_EFFECTIVE,
                                          defaults={"rate_percent": Decimal(rate), "sort_order": order})
    for order, (code, name, amount_text, note) in enumerate(FEES):
        FeeScheduleItem.objects.get_or_create(code=code, defaults={"name": name, "amount_text": amount_text,
                                                                   "note": note, "sort_order": order})
    for channel, (per_txn, daily) in default_limits().items():
        TransferLimitRule.objects.get_or_create(channel=channel, cif_no="",
                                                defaults={"per_transaction_fen": per_txn, "daily_fen": daily})
    if stdout is not None:
        stdout.write(f"corebank: {DepositRate.objects.count()} rates, {FeeScheduleItem.objects.count()} fees")
