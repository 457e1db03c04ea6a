"""Key terms for the hot-topics view: a fixed banking vocabulary matched in normalised text.

A closed list (rather than free keyword extraction) means a name, address or number can never become a
"hot term", so terms can be stored and shown without masking.
"""

from __future__ import annotations

from .text import normalize

VOCABULARY = (
    "盗刷", "诈骗", "被骗", "冒用", "挂失", "冻结", "解冻", "止付", "吞卡", "少吐钞", "没吐钱", "假币",
    "余额", "明细", "流水", "转账", "汇款", "到账", "限额", "手续费", "年费", "管理费", "短信费", "违约金",
    "利息", "利率", "分期", "账单", "还款", "逾期", "额度", "提额", "征信", "催收", "贷款", "房贷", "提前还款",
    "理财", "基金", "保险", "保本", "亏损", "风险评估", "存款", "定期", "大额存单", "开户", "销户", "办卡",
    "补卡", "激活", "密码", "验证码", "人脸识别", "手机银行", "app", "网银", "u盾", "atm", "pos", "闪退",
    "登不上", "系统", "升级", "维护", "排队", "等待", "占线", "打不通", "人工", "态度", "不耐烦", "挂电话",
    "推销", "营销电话", "泄露", "隐私", "个人信息", "手机号", "身份证", "地址", "预约", "网点", "柜台",
    "老人", "适老化", "残疾", "监管", "银保监", "12378", "媒体", "曝光", "起诉", "律师", "投诉", "误导",
    "霸王条款", "代办", "本人到场", "材料", "流程",
)


def key_terms(text: str, *, limit: int = 8) -> list[str]:
    """Vocabulary terms found in ``text`` (normalised), in vocabulary order, at most ``limit``."""
    normalised = normalize(text)
    return [term for term in VOCABULARY if term in normalised][:limit]
