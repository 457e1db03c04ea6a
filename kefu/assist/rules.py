"""Explicit rules for high-risk signals, applied to normalised text on top of the statistical model.

Why rules: an urgent complaint (money leaving the account now, a vulnerable customer stranded) must not
depend on how a classifier happened to weigh a phrasing it never saw; the rules are few, readable and
tested. Each rule returns a signal code that is shown to the agent with the suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

URGENT_SIGNALS = ("fraud", "funds_missing", "stolen_card_in_use", "vulnerable_stuck")
MAJOR_SIGNALS = ("regulator", "media", "lawsuit", "repeat_complaint", "collective", "large_amount")

# A question about prevention or a hypothetical is not a report ("怎么防止盗刷", "会不会被盗刷").
_HYPOTHETICAL = re.compile(r"(防止|预防|以防|防范|怎么防|如何防|会不会|是否会|避免|万一|担心|怕被|小心|如果|假如|要是)")
_CONDITIONAL_AFTER = re.compile(r"^[^，,。!！?？;；]{0,4}的话")

_FRAUD = re.compile(
    r"(被盗刷|盗刷了|遭到?盗刷|遭遇盗刷|卡被盗用|被盗用|被人盗用|账户被盗|被冒用|被人冒用|被诈骗|被骗了|被骗走"
    r"|遇到诈骗|电信诈骗|骗子.{0,8}(转走|骗走|骗了)"
    r"|(不是|并非|不是我|非)本人[^，,。!！?？;；]{0,4}(操作|消费|交易|转账|刷的|转的|支付)"
    r"|(没去过|没到过|从没去过|人在)[^。!！?？;；]{0,12}(怎么会有|怎么有|却有|哪来的|为什么有|怎么会在)[^。!！?？;；]{0,8}"
    r"(刷卡|消费|交易|取现|取款|扣款|刷了|取了)"
    r"|冒充我|冒用我|盗用我|(不停|一直|连续|接连|还在)(地)?收到[^，,。!！?？;；]{0,4}(扣款|消费|支付|交易)(短信|短讯|提醒|通知)"
    r"|(没用|没刷|没消费|没有用|没有刷|没有消费)[^。!！?？;；]{0,8}(怎么|却|竟然|居然)(会)?(刷了|扣了|消费了|被刷|有消费)"
    r"|不是我(本人)?(操作|消费|刷|转|买|花|签|办)的?"
    r"|我(根本)?(没有|没|从来没)(消费|刷卡|转账|操作|买过|付款|授权).{0,12}(扣|被扣|扣款|扣了|少了|显示|交易|消费|转出)"
    r"|莫名其妙.{0,6}(扣|少|转出|消费|交易|被刷)|(不认识|不明|陌生|可疑|未授权|来历不明)的?(交易|扣款|消费|网购|转账)"
    r"|被(人)?刷(了|走|掉)|(钱|存款|资金|工资).{0,6}被(人)?(取走|花了|花掉|盗走)"
    r"|异地.{0,4}(盗刷|被刷|消费了)|境外.{0,6}(被刷|消费了?\d)"
    r"|(钱|资金|存款|余额)[^，,。!！?？;；]{0,4}被(人)?(转走|盗|偷走|划走|刷走)"
    r"|被(人|他人|别人|陌生人)登(录|陆)|(一笔一笔|不停|一直)(地)?往外转|(消费|交易|网购|扣款)[^，,。!！?？;；]{0,4}不认识"
    # Someone else used the card, or the card was somewhere it could not have been.
    r"|(有人|别人|陌生人|他人)[^，,。!！?？;；]{0,6}(用|拿)(了)?我的卡|卡被(人|别人)?(复制|克隆)|被(人|别人)绑(定)?(到|在)"
    r"|(卡|卡片)(一直|明明)?(在|还在)(我)?(身上|手里|手上|钱包里)[^。!！?？;；]{0,12}(取|刷|消费|扣)"
    r"|(怎么会|却)在(外地|外省|异地|国外|境外)|我(人)?在家(里)?[^。!！?？;；]{0,12}(被取|取走|被刷|刷了|买了|消费了)"
    r"|(有人|别人)[^。!！?？;；]{0,12}我(人)?在家"
    r"|(消费|支出|交易|扣款)[^，,。!！?？;；]{0,6}不是我(的|弄|做|花|刷)|不是我弄的"
    r"|(突然|莫名)多(了|出)[^，,。!！?？;；]{0,4}(笔|支出|消费|支付|扣款)"
    r"|(扣|刷|转)了[^。!！?？;；]{0,8}(我)?(什么都|啥都|根本)没(做|动|操作|用|买)"
    r"|(一晚上|一夜|半夜|凌晨)[^，,。!！?？;；]{0,6}(被扣|被刷|被转|扣了|刷了)"
    r"|被(人|别人|他人)?(转走|转光|刷光|取光|划走)|钱[^，,。!！?？;；\s]{0,4}(转光|刷光|取光)"
    r"|(我)?人(一直)?在国内[^。!！?？;；]{0,4}$|(外币|境外|国外)消费[^。!！?？;；]{0,8}人(一直)?在国内"
    # Telephone scams: a caller posing as police or the bank, a "safe account", money moved on instructions.
    r"|(涉嫌|涉案|洗钱)[^。!！?？;；]{0,16}(转|汇)(了|钱|款)|(转|汇)(到|进|入|给)[^。!！?？;；]{0,6}安全账户"
    r"|冒充(公安|警察|客服|银行|法院)[^。!！?？;；]{0,20}(转了|转走|骗走|骗了|被骗|报了|给了他)"
    r"|让我(把钱)?转(钱|账|到)[^。!！?？;；]{0,12}转了)"
)
_FUNDS_MISSING = re.compile(
    # "钱包丢了" (a lost wallet) and "能刷的钱太少了" (a limit) are not money gone; nor does a chat space
    # between two clauses ("挂失要交钱吗 我的卡不见了") join them.
    r"((钱(?!包)|资金|存款|余额|工资|养老金|退休金|积蓄)[^，,。!！?？;；\s]{0,6}(不见了|没了|不翼而飞|凭空少|(?<![多太])少了|消失|被扣光|丢了)"
    r"|(账户|卡里|卡上|存折)[^，,。!！?？;；]{0,6}((?<!多)少了|被扣走|凭空少|空了)|去向不明"
    r"|(?<!多)少了\d+|凭空(少|扣)|无故(扣|少|划走)"
    r"|(扣款|扣钱|扣了钱|钱扣了|已扣款|已扣除|扣除了|钱被扣|账户扣了).{0,12}(没到账|未到账|没收到|未收到|没出钞|没吐钞|没出钱|没拿到)"
    r"|(没到账|未到账|没出钞|未出钞|没吐钞|未吐钞|没出钱|没吐钱).{0,12}(扣款|扣钱|扣了|扣账|已扣|被扣|钱扣|却扣|但扣|余额少)"
    r"|(吞|吃)了?[^，,。!！?？;；]{0,4}钱[^，,。!！?？;；]{0,6}(没|未)(入账|到账|存进)"
    r"|(存款机|取款机|atm|机器)[^。!！?？;；]{0,12}(没|未)(入账|到账)"
    r"|少(吐|出|给)(了)?(钞|钱|\d|[一二两三四五六七八九十百千几])|吐钞不足|(钞票|钱)没(吐|出)出来"
    r"|不翼而飞|一分钱?都没(取|花|动|用)|出钞(少|不足)|取[^。!！?？;；]{0,8}只(拿到|出来|吐了|出了|给了|有)"
    r"|(扣了钱|扣了款|钱扣了|扣走了?)[^。!！?？;；]{0,12}(没给|没收到|未收到|没到|没出)"
    r"|(失败|没成功|不成功)[^。!！?？;；]{0,10}(钱|款)?(已经|却|但是?)?(从卡上)?(被)?(扣|划走|扣走)"
    r"|(扣了|已扣|被扣|划走了?)[^。!！?？;；]{0,8}(显示)?(交易)?失败"
    r"|钱[^，,。!！?？;；]{0,6}(机器)?吞了|吞了[^，,。!！?？;；]{0,4}钱"
    r"|存(了|进去|进)[^。!！?？;；]{0,10}(没加上|没入账|未入账|没有入账|没到账|一分没多))"
)
_CARD_LOST = re.compile(r"(卡|钱包|手机).{0,4}(丢了|丢失|被偷|被盗|被抢|找不到了|遗失|掉了)")
_CARD_IN_USE = re.compile(
    r"(正在|还在|一直在|刚刚|刚才|又|接连|连续|不停).{0,6}(消费|被刷|扣款|刷卡|交易|转出|支付)"
    r"|(收到|来了).{0,6}(消费|扣款|交易|支付)(短信|提醒|通知)"
)
_VULNERABLE = re.compile(
    r"(老人|老年人|老太太|老大爷|老爷子|老太|大爷|大妈|奶奶|爷爷|外婆|外公|姥姥|姥爷|[六七八九]十(多|几)?岁"
    r"|[6-9]\d(多)?岁|残疾|残障|轮椅|盲人|视障|听障|聋哑|孕妇|病人|病重|重病|住院|透析|化疗|带着(孩子|小孩))"
)
_STUCK = re.compile(
    r"(困在|被困|走不了|出不去|出不来|回不了家|回不去|滞留|晕倒|站不住|没钱(买药|看病|吃饭|回家|住院)"
    r"|(买药|看病|吃饭|回家|住院)(都)?没钱"
    r"|急等.{0,4}(救命|看病|手术|住院)|手术费|救命钱|催着?交费|等着交费|交不了(医药费|住院费|药费)|看不了病|等.{0,6}(几个|两个|三个|四个|[2-9]个)小时"
    r"|卡在(那|这|机器|atm|门口)|没人管|没人理|无人(理会|处理))"
)
_REGULATOR = re.compile(
    r"(银保监|保监会|银监|金融监管|监管局|监管部门|监管机构|监管总局|人民银行|人行|央行|12378|12363|金融办"
    r"|消保局|消费者权益保护局|消协|12315|信访|市长热线|12345)"
)
_MEDIA = re.compile(r"(媒体|记者|电视台|报社|曝光|微博|抖音|头条|朋友圈|发到网上|上网|小红书|315|新闻|热搜)")
_LAWSUIT = re.compile(r"(法院|起诉|告你们|律师|打官司|诉讼|仲裁|法律途径|法律手段|公安|报警)")
_REPEAT = re.compile(
    # "多次/反复/好几次" count only when the customer kept complaining or chasing ("多次投诉", "反复找你们"),
    # not when a symptom repeats ("反复闪退", "多次尝试都提示", "打了n次都占线" are one complaint).
    r"(第[二三四五六七八九十2-9]次|[二三四五六七八九十几两2-9]次(打|来|投诉|反映|找)"
    r"|(多次|反复|屡次|好几次|很多次|n次|几次)(地)?(打电话)?(投诉|反映|找|联系|催|来电|致电|询问|问过|沟通|提过|上门|跑)"
    r"|再次投诉|又一次|一直没(人)?(解决|处理|回复)|至今(没有|没|未)(解决|处理|回复|答复)"
    r"|拖了(好)?(几|一|两|三|半)?(个)?(月|星期|周)|上次投诉|之前投诉过|投诉过)"
)
_COLLECTIVE = re.compile(r"(集体|联名|群体|大家一起|我们(几|好多|很多|十几|几十)(个|位)?人|很多(客户|人)都|业主们|一群人|整个小区)")
_AMOUNT_DIGITS = re.compile(r"(\d+(?:\.\d+)?)\s*(万|w)")
_AMOUNT_PLAIN = re.compile(r"(\d{5,})(?:\.\d+)?\s*(元|块|rmb|人民币)")
_AMOUNT_CN = re.compile(r"([一二两三四五六七八九十百千几]+)\s*(多)?\s*万")
_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

LARGE_AMOUNT_YUAN = 50_000


@dataclass(frozen=True)
class RuleHits:
    signals: tuple[str, ...]

    @property
    def urgent(self) -> bool:
        return any(s in URGENT_SIGNALS for s in self.signals)

    @property
    def major(self) -> bool:
        return any(s in MAJOR_SIGNALS for s in self.signals)


def _reported(pattern: re.Pattern, text: str) -> bool:
    """A match that is not a hypothetical ("会不会被盗刷") within the few characters before it."""
    for match in pattern.finditer(text):
        window = text[max(0, match.start() - 8):match.start()]
        if _HYPOTHETICAL.search(window) or _HYPOTHETICAL.search(match.group(0)):
            continue
        if _CONDITIONAL_AFTER.search(text[match.end():match.end() + 8]):
            continue
        return True
    return False


def _cn_number(token: str) -> int:
    if "几" in token:
        return 10 if ("十" in token or "百" in token) else 3
    total, current = 0, 0
    for ch in token:
        if ch in _CN_DIGIT:
            current = _CN_DIGIT[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "千":
            total += (current or 1) * 1000
            current = 0
    return total + current


def largest_amount_yuan(text: str) -> float:
    """The largest money amount mentioned, in yuan (0 when none)."""
    amounts = [float(m.group(1)) * 10_000 for m in _AMOUNT_DIGITS.finditer(text)]
    amounts += [float(m.group(1)) for m in _AMOUNT_PLAIN.finditer(text)]
    amounts += [_cn_number(m.group(1)) * 10_000 for m in _AMOUNT_CN.finditer(text)]
    return max(amounts, default=0.0)


def detect(text: str) -> RuleHits:
    """Signals in already normalised text (see :func:`kefu.assist.text.normalize`)."""
    signals: list[str] = []
    if _reported(_FRAUD, text):
        signals.append("fraud")
    if _reported(_FUNDS_MISSING, text):
        signals.append("funds_missing")
    if _CARD_LOST.search(text) and _CARD_IN_USE.search(text) and not _HYPOTHETICAL.search(text):
        signals.append("stolen_card_in_use")
    if _VULNERABLE.search(text) and _STUCK.search(text):
        signals.append("vulnerable_stuck")
    if _REGULATOR.search(text):
        signals.append("regulator")
    if _MEDIA.search(text):
        signals.append("media")
    if _LAWSUIT.search(text):
        signals.append("lawsuit")
    if _REPEAT.search(text):
        signals.append("repeat_complaint")
    if _COLLECTIVE.search(text):
        signals.append("collective")
    if largest_amount_yuan(text) >= LARGE_AMOUNT_YUAN:
        signals.append("large_amount")
    return RuleHits(tuple(signals))
