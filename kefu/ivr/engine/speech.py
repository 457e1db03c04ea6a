"""Spoken forms: money, dates and lists as prompt segments (digits read back one by one)."""

from __future__ import annotations

from .types import D, Prompt, S


def money(fen: int) -> list[Prompt]:
    """``12345.67`` → 12345 元 6 角 7 分, each number read back as digits."""
    sign = [S("负")] if fen < 0 else []
    fen = abs(fen)
    yuan, rest = divmod(fen, 100)
    jiao, fen_part = divmod(rest, 10)
    out = [*sign, D(str(yuan)), S("元")]
    if jiao:
        out += [D(str(jiao)), S("角")]
    if fen_part:
        out += [D(str(fen_part)), S("分")]
    return out


def money_text(fen: int) -> str:
    return f"{fen / 100:,.2f}元"


def parse_amount(digits: str) -> int | None:
    """Keypad amount: yuan, optionally ``*`` then jiao/fen ("100*5" = 100.50 元). Returns fen or None."""
    if not digits or digits.count("*") > 1:
        return None
    yuan, _, cents = digits.partition("*")
    if not yuan.isdigit() or (cents and (not cents.isdigit() or len(cents) > 2)):
        return None
    if len(yuan) > 9:
        return None
    return int(yuan) * 100 + int((cents + "00")[:2] if cents else 0)


def joined_text(prompts: list[Prompt]) -> str:
    return "".join(p.text for p in prompts)
