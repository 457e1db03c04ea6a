"""Text normalisation before features and rules: one canonical form for every register.

Traditional -> Simplified (zhconv), full-width -> half-width, lower-case Latin letters, common typos and
homophones mapped to the intended word, and long digit runs collapsed so card or phone numbers never
become features (and never leak into logs or key terms).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv

# Typos and homophones seen in hotline notes and chat (wrong -> right). Longer keys first at match time.
TYPO_MAP: dict[str, str] = {
    "挂矢": "挂失", "掛矢": "挂失", "卦失": "挂失", "褂失": "挂失", "挂事": "挂失",
    "帐户": "账户", "帐号": "账号", "帐单": "账单", "对帐": "对账", "到帐": "到账", "转帐": "转账",
    "信用咔": "信用卡", "信用k": "信用卡", "xyk": "信用卡", "信永卡": "信用卡", "信用下": "信用卡",
    "银联咔": "银联卡", "银行咔": "银行卡", "储畜卡": "储蓄卡", "储续卡": "储蓄卡",
    "余鹅": "余额", "于额": "余额", "余颔": "余额",
    "密吗": "密码", "秘码": "密码", "蜜码": "密码", "密玛": "密码",
    "冻洁": "冻结", "冻节": "冻结", "动结": "冻结",
    "分其": "分期", "分7": "分期",
    "利律": "利率", "利绿": "利率", "力率": "利率",
    "手续废": "手续费", "手须费": "手续费", "收续费": "手续费",
    "贷欵": "贷款", "代款": "贷款", "带款": "贷款",
    "房代": "房贷", "放贷款": "房贷款",
    "理材": "理财", "里财": "理财",
    "投素": "投诉", "头诉": "投诉", "投述": "投诉", "投塑": "投诉",
    "盗涮": "盗刷", "道刷": "盗刷", "盗刷了了": "盗刷了",
    "吐卡": "吞卡", "吞咔": "吞卡",
    "额渡": "额度", "额读": "额度",
    "人功": "人工", "人宫": "人工", "仁工": "人工",
    "态渡": "态度", "太度": "态度",
    "预均": "预约", "预越": "预约",
    "开护": "开户", "开沪": "开户",
    "手机银航": "手机银行", "手机银形": "手机银行",
    "验正码": "验证码", "验症码": "验证码",
    "短信通知费": "短信费",
    "优盾": "u盾", "油盾": "u盾",
    "atm机": "atm", "取款击": "取款机", "取款鸡": "取款机",
    "绑顶": "绑定", "帮定": "绑定",
    "限颔": "限额", "限鹅": "限额",
    # 帐 is the old/variant form of 账 in every banking word (帐单, 查帐, 帐上, 入帐).
    "帐": "账",
    "登陆": "登录", "等录": "登录", "登入": "登录",
    "借计卡": "借记卡", "结记卡": "借记卡", "银航卡": "银行卡", "信用ka": "信用卡",
    "解动": "解冻", "解东": "解冻",
    "利吸": "利息", "利心": "利息", "专账": "转账", "转仗": "转账", "赚账": "转账",
    "盗剧": "盗刷", "到刷": "盗刷", "被到刷": "被盗刷",
    "验证马": "验证码",
    "分欺": "分期", "份期": "分期",
    "挂视": "挂失", "挂是": "挂失",
    # Hong Kong and Taiwan words for the same things (after Traditional -> Simplified).
    "咭": "卡", "提款卡": "银行卡", "柜员机": "取款机", "提款机": "取款机",
    "自动柜员机": "取款机", "网上银行": "网银", "网路银行": "网银",
}

# Whole pinyin words typed instead of characters (only unambiguous multi-syllable banking words).
PINYIN_MAP: dict[str, str] = {
    "guashi": "挂失", "dongjie": "冻结", "jiedong": "解冻", "daikuan": "贷款", "fangdai": "房贷",
    "licai": "理财", "mima": "密码", "zhuanzhang": "转账", "xinyongka": "信用卡", "shouxufei": "手续费",
    "lixi": "利息", "lilv": "利率", "tousu": "投诉", "rengong": "人工", "zhuanrengong": "转人工",
    "yuyue": "预约", "kaihu": "开户", "daoshua": "盗刷", "yinhangka": "银行卡", "yhk": "银行卡",
    "zrg": "转人工", "yanzhengma": "验证码", "yu'e": "余额", "yuer": "余额",
    "fenqi": "分期", "zhangdan": "账单", "liushui": "流水",
    "shoujiyinhang": "手机银行", "sjyh": "手机银行", "wangyin": "网银", "huankuan": "还款",
}
_TYPO_RE = re.compile("|".join(re.escape(k) for k in sorted(TYPO_MAP, key=len, reverse=True)))
_PINYIN_RE = re.compile(r"[a-z']+")
_LONG_DIGITS_RE = re.compile(r"\d[\d\s-]{9,}\d")
_SPACES_RE = re.compile(r"\s+")


def _to_halfwidth(text: str) -> str:
    # NFKC folds full-width letters, digits and punctuation to ASCII (and compatibility forms).
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def _traditional_to_simplified(text: str) -> str:
    return zhconv.convert(text, "zh-cn")


def normalize(text: str) -> str:
    """The canonical form used for features, rules and key terms."""
    if not text:
        return ""
    text = _to_halfwidth(text).lower()
    text = _traditional_to_simplified(text)
    text = _TYPO_RE.sub(lambda m: TYPO_MAP[m.group(0)], text)
    text = _PINYIN_RE.sub(lambda m: PINYIN_MAP.get(m.group(0), m.group(0)), text)
    text = _LONG_DIGITS_RE.sub("#", text)
    return _SPACES_RE.sub(" ", text).strip()
