"""The seeded default flow (main menu per the bank's phone-banking brochure)."""

from __future__ import annotations

from typing import Any

REPEAT = "@repeat"
BACK = "@back"

DEFAULT_FLOW: dict[str, Any] = {
    "code": "main",
    "name": "电话银行主流程",
    "entry": "main",
    "max_retries": 3,
    "default_queue": "general",
    "nodes": [
        {"key": "main", "kind": "menu",
         "prompt": "查询余额和明细请按1，转账请按2，银行卡或存折挂失请按3，利率、收费及业务咨询请按4，"
                   "短信通服务请按5，结束通话并评价请按9，人工服务请按0，重听请按星号键。",
         "params": {"welcome": "您好，欢迎致电本行客户服务热线。"},
         "options": {"1": "account", "2": "transfer", "3": "loss", "4": "info", "5": "alerts", "9": "survey",
                     "0": "agent", "*": REPEAT}},
        {"key": "account", "kind": "menu",
         "prompt": "查询余额请按1，查询今日交易请按2，查询最近五笔交易请按3，按日期查询交易请按4，"
                   "返回主菜单请按9，人工服务请按0，重听请按星号键。",
         "options": {"1": "balance", "2": "tx_today", "3": "tx_recent", "4": "tx_range", "9": BACK,
                     "0": "agent", "*": REPEAT}},
        {"key": "balance", "kind": "function", "function": "balance", "requires_auth": True, "next": "account"},
        {"key": "tx_today", "kind": "function", "function": "transactions", "requires_auth": True,
         "params": {"mode": "today", "n": 10}, "next": "account"},
        {"key": "tx_recent", "kind": "function", "function": "transactions", "requires_auth": True,
         "params": {"mode": "last_n", "n": 5}, "next": "account"},
        {"key": "tx_range", "kind": "function", "function": "transactions", "requires_auth": True,
         "params": {"mode": "range", "n": 10}, "next": "account"},
        {"key": "transfer", "kind": "function", "function": "transfer", "requires_auth": True, "next": "after_transfer"},
        {"key": "after_transfer", "kind": "menu",
         "prompt": "继续转账请按1，返回主菜单请按9，人工服务请按0，重听请按星号键。",
         "options": {"1": "transfer", "9": BACK, "0": "agent", "*": REPEAT}},
        {"key": "loss", "kind": "function", "function": "loss_report", "next": "main"},
        {"key": "info", "kind": "menu",
         "prompt": "存款利率请按1，收费标准请按2，业务范围请按3，返回主菜单请按9，人工服务请按0，重听请按星号键。",
         "options": {"1": "rates", "2": "fees", "3": "scope", "9": BACK, "0": "agent", "*": REPEAT}},
        {"key": "rates", "kind": "function", "function": "rates", "next": "info"},
        {"key": "fees", "kind": "function", "function": "fees", "next": "info"},
        {"key": "scope", "kind": "function", "function": "business_scope", "next": "info"},
        {"key": "alerts", "kind": "function", "function": "alerts", "requires_auth": True, "next": "main"},
        {"key": "survey", "kind": "function", "function": "survey", "next": "bye"},
        {"key": "agent", "kind": "transfer", "params": {"queue": "general"}},
        {"key": "bye", "kind": "hangup", "prompt": "感谢您的来电，再见。"},
    ],
}

BUSINESS_SCOPE = [
    ("个人存款", "本行办理活期、整存整取、零存整取、定活两便、通知存款等个人存款业务。"),
    ("个人贷款", "本行办理个人住房贷款、个人经营贷款、农户小额信用贷款等业务，详情请咨询网点。"),
    ("银行卡", "本行发行借记卡，支持柜面、自助设备、电话银行和手机银行办理查询、转账和挂失。"),
    ("电话银行", "电话银行提供余额和明细查询、登记收款人转账、口头挂失、短信通和人工咨询服务。"),
]
