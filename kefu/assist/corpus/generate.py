"""Seeded generator of the labelled triage corpus: hand-written seeds x registers, typos, scripts, English.

Run ``python -m kefu.assist.corpus.generate`` (or ``--out FILE --seed N``); the output is committed as
``kefu/assist/data/corpus.jsonl`` so training never depends on regenerating it. The same seed gives the
same file byte for byte.

Every variant keeps the labels of its seed, except where a transform changes what the labels mean:
a threat to go to the regulator, media or court, a repeat or collective complaint, or a large amount turns
a general complaint into a major one; a vulnerable customer stranded turns a complaint urgent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zhconv

from . import registers as R

SEED_FILES = ("seeds_service.txt", "seeds_complaint.txt", "seeds_more.txt",
              "seeds_narrative.txt", "seeds_focus.txt", "seeds_extra.txt", "seeds_varied.txt")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "corpus.jsonl"
DEFAULT_SEED = 7
# Intents where a stranded vulnerable customer is plausible (urgent by the severity rules).
VULNERABLE_INTENTS = {"atm_cash_issue", "complaint_wait_time", "complaint_staff_attitude", "complaint_policy",
                      "card_unfreeze"}
# Intents where a large amount is a natural detail (others would read oddly with one).
MONEY_INTENTS = {"unauthorized_transaction", "atm_cash_issue", "complaint_mis_selling", "complaint_fees",
                 "complaint_policy", "transfer", "loan_inquiry", "credit_card_bill", "complaint_system_outage"}


@dataclass(frozen=True)
class Seed:
    seed_id: str
    text: str
    kind: str
    intent: str
    business: str
    category: str | None
    severity: str | None

    def labels(self) -> dict:
        return {"kind": self.kind, "intent": self.intent, "category": self.category,
                "severity": self.severity, "business": self.business}


def load_seeds(directory: Path | None = None) -> list[Seed]:
    directory = directory or Path(__file__).resolve().parent
    seeds: list[Seed] = []
    for name in SEED_FILES:
        header: list[str] | None = None
        for lineno, raw in enumerate((directory / name).read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                header = line[1:].split()
                continue
            if header is None:
                raise ValueError(f"{name}:{lineno}: text before any '@' header")
            intent, kind, business, *rest = header
            category, severity = (rest + [None, None])[:2]
            # Named by content, not line number, so a corpus split by seed survives edits of the files.
            seed_id = f"{name.split('.')[0]}:{hashlib.sha256(line.encode()).hexdigest()[:10]}"
            seeds.append(Seed(seed_id, line, kind, intent, business, category, severity))
    return seeds


def _swap(text: str, swaps: list, rng: random.Random, p: float) -> str:
    for right, wrongs in swaps:
        if right in text and rng.random() < p:
            text = text.replace(right, rng.choice(wrongs), 1)
    return text


def _amount_suffix(rng: random.Random, large: bool) -> str:
    if large:
        w = rng.choice([5, 8, 10, 12, 20, 30, 50, 80, 100])
        return rng.choice(R.LARGE_AMOUNT_SUFFIXES).format(w=w, W=w * 10_000)
    return rng.choice(R.SMALL_AMOUNT_SUFFIXES).format(
        a=rng.choice([50, 200, 500, 1000, 2300, 3000, 4999]), t=f"{rng.randint(0, 9999):04d}",
        m=rng.randint(1, 12), d=rng.randint(1, 28))


def _strip_end(text: str) -> str:
    return text.rstrip("。！？!?，, ")


def _to_transcript(text: str) -> str:
    # Third person, as agents write notes: "我的卡" -> "其卡", "我" -> "客户".
    return re.sub("我", "客户", re.sub("我的", "其", text, count=1))


def variants(seed: Seed, rng: random.Random, count: int) -> Iterator[tuple[str, dict, str]]:
    """``count`` variants of one seed as (text, labels, register)."""
    complaint = seed.kind == "complaint"
    registers = ["polite", "terse", "elderly", "transcript", "dialect", "plain"]
    if complaint:
        registers += ["angry", "angry", "letter", "escalate", "escalate"]
    elif seed.kind in ("suggestion", "praise"):
        registers += ["letter"]
    for _ in range(count):
        labels = seed.labels()
        register = rng.choice(registers)
        body = _strip_end(seed.text)
        if register == "polite":
            text = rng.choice(R.POLITE_PREFIXES) + body + rng.choice(R.POLITE_SUFFIXES)
        elif register == "terse":
            text = rng.choice(R.TERSE_PREFIXES) + re.sub(r"^(你好|您好|请问)[，,]?", "", body).replace("，", " ")
            text += rng.choice(R.TERSE_SUFFIXES)
        elif register == "elderly":
            text = rng.choice(R.ELDERLY_PREFIXES) + body + rng.choice(R.ELDERLY_SUFFIXES)
        elif register == "transcript":
            text = rng.choice(R.TRANSCRIPT_PREFIXES) + _to_transcript(body) + "。"
        elif register == "dialect":
            text = _swap(body, R.DIALECT_SWAPS, rng, 0.6) + rng.choice(R.DIALECT_SUFFIXES)
        elif register == "angry":
            text = rng.choice(R.ANGRY_PREFIXES) + body + rng.choice(R.ANGRY_SUFFIXES)
        elif register == "letter":
            if complaint:
                text = rng.choice(R.LETTER_OPENINGS) + body + "。" + rng.choice(R.LETTER_CLOSINGS)
            else:
                text = rng.choice(R.LETTER_OPENINGS_NEUTRAL) + body + "。" + rng.choice(R.LETTER_CLOSINGS_NEUTRAL)
        elif register == "escalate":
            choice = rng.random()
            if choice < 0.45:
                text = body + rng.choice(R.MAJOR_SUFFIXES)
            elif choice < 0.8:
                text = rng.choice(R.MAJOR_PREFIXES) + body
            elif seed.intent in MONEY_INTENTS:
                text = body + _amount_suffix(rng, large=True)
            else:
                text = rng.choice(R.MAJOR_PREFIXES) + body
            if labels["severity"] == "general":
                labels["severity"] = "major"
            if seed.intent in VULNERABLE_INTENTS and rng.random() < 0.3:
                text = rng.choice(R.URGENT_VULNERABLE_PREFIXES) + text
                labels["severity"] = "urgent"
        else:
            text = body
        if register not in ("escalate",) and rng.random() < 0.2:
            text = _strip_end(text) + _amount_suffix(rng, large=False)
        if rng.random() < 0.3:
            text = _swap(text, R.TYPO_SWAPS, rng, 0.7)
        if rng.random() < 0.3:
            text = _swap(text, R.ENGLISH_SWAPS, rng, 0.7)
        if rng.random() < 0.2:
            text = zhconv.convert(text, rng.choice(["zh-tw", "zh-hk"]))
        yield text, labels, register


def generate(seed: int = DEFAULT_SEED, per_seed: int = 8) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[str] = set()
    for item in load_seeds():
        rows.append({"text": item.text, **item.labels(), "register": "seed", "seed_id": item.seed_id})
        seen.add(item.text)
        count = per_seed + (3 if item.kind == "complaint" else 0)
        for text, labels, register in variants(item, rng, count):
            if text in seen:
                continue
            seen.add(text)
            rows.append({"text": text, **labels, "register": register, "seed_id": item.seed_id})
    return rows


def write(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--per-seed", type=int, default=8)
    args = parser.parse_args(argv)
    rows = generate(args.seed, args.per_seed)
    write(rows, args.out)
    print(f"{len(rows)} lines -> {args.out}")


if __name__ == "__main__":
    main()
