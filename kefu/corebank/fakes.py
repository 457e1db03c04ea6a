"""Realistic, reproducible fake identities and numbers for the demo and the bulk generator.

ID numbers pass GB 11643 (``id_check_char``), card numbers pass Luhn (``luhn_check_digit``), mobiles pass
``is_valid_mobile``. Numbers are derived from a customer's serial so the same serial always gives the
same numbers (the bench and the demo callers rely on that).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from kefu.pii.checks import id_check_char, luhn_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕小红文斌晓燕"
               "婷雪梅慧颖鹏辉宇浩然子涵欣怡思远嘉怡梓萱俊杰雨涵晨阳博文瑞佳")
REGION_CODES = ["110101", "110102", "110105", "110106", "110108", "110111", "120101", "130102", "310104",
                "320102", "330106", "370102", "410105", "420106", "440106", "510107", "610113"]
MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180",
                   "186", "187", "188", "189", "199"]
STREETS = ["东直门南大街", "和平里北街", "朝阳门内大街", "金融大街", "西单北大街", "复兴门内大街", "安定门外大街",
           "鼓楼东大街", "阜成门外大街", "宣武门西大街"]
DEBIT_BIN = "622619"     # 借记卡 BIN (19-digit cards)
CREDIT_BIN = "625968"    # 信用卡 BIN (16-digit cards)
OTHER_BANKS = [("中国工商银行", "621226"), ("中国建设银行", "621700"), ("中国农业银行", "622848"),
               ("中国银行", "621661"), ("招商银行", "622588"), ("交通银行", "622262")]


def fast_luhn_digit(partial: str) -> str:
    """The Luhn check digit of ``partial`` in one pass (the bulk generator makes millions of numbers);
    tests check it against ``kefu.pii.checks.luhn_check_digit``."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = ord(char) - 48
        if position % 2 == 0:  # doubled: these sit at odd positions once the check digit is appended
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def chinese_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def id_number(rng: random.Random, birth: date) -> str:
    first17 = f"{rng.choice(REGION_CODES)}{birth:%Y%m%d}{rng.randint(1, 999):03d}"
    return first17 + id_check_char(first17)


def birth_date(rng: random.Random, today: date, *, elderly: bool) -> date:
    age_days = rng.randint(66 * 365, 88 * 365) if elderly else rng.randint(20 * 365, 63 * 365)
    return today - timedelta(days=age_days)


def mobile(serial: int) -> str:
    # Unique per serial (up to 10^8 per prefix) yet spread over real prefixes.
    prefix = MOBILE_PREFIXES[serial % len(MOBILE_PREFIXES)]
    return f"{prefix}{(serial * 7919 + 1234) % 10**8:08d}"


def address(rng: random.Random) -> str:
    return f"北京市{rng.choice(['东城区', '西城区', '朝阳区', '海淀区'])}{rng.choice(STREETS)}{rng.randint(1, 199)}号"


def cif_no(serial: int, prefix: str = "C") -> str:
    return f"{prefix}{serial:09d}"


def account_no(serial: int, index: int, branch_digit: int = 1) -> str:
    partial = f"1100{branch_digit}{serial:09d}{index:02d}"
    return partial + fast_luhn_digit(partial)


def debit_card_no(serial: int, index: int = 0) -> str:
    partial = f"{DEBIT_BIN}{serial:09d}{index:03d}"
    return partial + fast_luhn_digit(partial)


def credit_card_no(serial: int) -> str:
    partial = f"{CREDIT_BIN}{serial:09d}"
    return partial + fast_luhn_digit(partial)


def passbook_no(serial: int, index: int = 0) -> str:
    return f"9{serial:011d}{index:02d}"


def other_bank_account(rng: random.Random) -> tuple[str, str]:
    bank, bin_ = rng.choice(OTHER_BANKS)
    partial = bin_ + "".join(str(rng.randint(0, 9)) for _ in range(12))
    return bank, partial + luhn_check_digit(partial)
