from __future__ import annotations

import pytest

from kefu.assist.rules import detect, largest_amount_yuan
from kefu.assist.text import normalize


def signals(text: str) -> tuple[str, ...]:
    return detect(normalize(text)).signals


@pytest.mark.parametrize(("text", "signal"), [
    ("我的卡被盗刷了，卡还在我手上", "fraud"),
    ("我的信用咔被盜刷了", "fraud"),
    ("有三笔消费不是我本人操作的", "fraud"),
    ("账户里的钱莫名其妙少了八千块", "funds_missing"),
    ("ATM没吐钞，钱却扣了", "funds_missing"),
    ("取款机少吐了五百块", "funds_missing"),
    ("卡丢了，刚才又收到一条消费短信", "stolen_card_in_use"),
    ("我妈八十岁了，卡被吞了人困在ATM旁边", "vulnerable_stuck"),
    ("再不处理我就去金融监管总局投诉", "regulator"),
    ("我已经打了12378", "regulator"),
    ("我要找媒体曝光你们", "media"),
    ("我要去法院起诉你们", "lawsuit"),
    ("这是我第三次打电话了", "repeat_complaint"),
    ("我们小区好多人联名投诉", "collective"),
    ("亏了二十万", "large_amount"),
    ("客户称信用卡出现多笔非本人境外交易", "fraud"),
    ("我現在還在不停收到扣款短訊", "fraud"),
    ("有人冒充我把卡里的钱转走了", "fraud"),
    ("我没去过广州，怎么会有广州的刷卡记录", "fraud"),
    ("存款机吃了我的钱没入账", "funds_missing"),
    ("我父亲重病住院，卡取不出钱，医院催着交费", "vulnerable_stuck"),
    ("一共5万元", "large_amount"),
    # Money at risk told without the usual words.
    ("有人用我的卡在外地取了钱", "fraud"),
    ("卡一直在我身上，怎么会在外地取钱", "fraud"),
    ("账户有好几笔支出不是我弄的", "fraud"),
    ("接到电话说我涉嫌洗钱，让我转钱，我转了三万", "fraud"),
    ("取款机扣了钱没给我现金", "funds_missing"),
    ("自助存款存了三千，卡里没加上", "funds_missing"),
    ("钱被扣了显示交易失败", "funds_missing"),
    ("账户里的三万块不翼而飞", "funds_missing"),
    ("我一个人带着孩子在外地，卡被冻了，身上没钱回家", "vulnerable_stuck"),
    ("我多次投诉都没人处理", "repeat_complaint"),
])
def test_rules_detect_high_risk_signals(text, signal):
    assert signal in signals(text)


@pytest.mark.parametrize("text", [
    "怎么防止信用卡被盗刷",
    "会不会被盗刷啊",
    "查一下余额",
    "我想提前还房贷",
    "转账三千元给朋友",
    "如果卡被盗刷了怎么办",
    "不是本人操作的话需要什么材料",
    "我刚取了钱，剩下多少了",
    "挂失要交钱吗，我的卡不见了",
    "挂失要交钱吗 我的卡不见了",
    "钱包丢了，里面有你们的借记卡，赶紧挂失",
    "能刷的钱太少了，能不能给我提一提",
    "在外地取钱要手续费吗",
    "涉嫌洗钱的账户会被冻结吗",
    "有人冒充客服打电话怎么办",
    "安全账户是什么",
    "扣款失败是什么原因",
    "APP反复闪退，多次尝试都登不上",
    "电话打了n次都占线",
])
def test_rules_stay_quiet_on_ordinary_requests(text):
    assert not detect(normalize(text)).urgent
    assert not detect(normalize(text)).major


def test_amount_parsing():
    assert largest_amount_yuan(normalize("金额３０万")) == 300_000
    assert largest_amount_yuan("涉及金额80000元") == 80_000
    assert largest_amount_yuan("几十万") == 100_000
    assert largest_amount_yuan("没有金额") == 0


def test_normalize_folds_scripts_widths_and_typos():
    assert normalize("我要掛矢信用咔，ＡＰＰ登不上") == "我要挂失信用卡,app登不上"
    assert "帐户" not in normalize("帐户被冻洁了")
    # Variant characters, Hong Kong / Taiwan words and whole pinyin words typed in chat.
    assert normalize("查帳單") == "查账单"
    assert normalize("櫃員機吞咗我張咭") == "取款机吞咗我张卡"
    assert normalize("licai产品 zrg") == "理财产品 转人工"
    assert normalize("开户要户口本吗") == "开户要户口本吗"
    # Card-like digit runs never reach features or logs.
    assert "6222" not in normalize("卡号6222021234567890123")
