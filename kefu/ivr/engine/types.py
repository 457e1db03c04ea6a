"""Events in, outputs out: the engine's whole vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Prompt:
    text: str
    # Read back digit by digit (AGI SAY DIGITS); the text is what a screen shows.
    say_digits: str = ""
    # Carries customer data (balance, account tail): never rendered to a cached, publicly served audio file.
    sensitive: bool = False


def plain(value: Prompt | Expect) -> dict[str, Any]:
    """``dataclasses.asdict`` for the flat Prompt/Expect (only str/int/bool fields): several per step, and
    asdict's recursive deep copy showed up in the FastAGI server's profile."""
    return dict(value.__dict__)


def S(text: str) -> Prompt:  # noqa: N802 (reads like a prompt literal)
    return Prompt(text)


def D(digits: str) -> Prompt:  # noqa: N802
    return Prompt(digits, say_digits=digits, sensitive=True)


@dataclass(frozen=True)
class Expect:
    max_digits: int = 1
    timeout_ms: int = 5000
    terminator: str = "#"
    barge_in: bool = True
    # Input at this step is a secret (PIN, one-time code): transports must not log or echo it.
    secret: bool = False


@dataclass(frozen=True)
class Ask:
    prompts: list[Prompt]
    expect: Expect


@dataclass(frozen=True)
class Effect:
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transfer:
    prompts: list[Prompt]
    queue: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Hangup:
    prompts: list[Prompt]
    disposition: str = ""


@dataclass(frozen=True)
class Digits:
    digits: str


@dataclass(frozen=True)
class Timeout:
    pass


@dataclass(frozen=True)
class HangupEvent:
    pass


@dataclass(frozen=True)
class EffectDone:
    name: str
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""          # a stable error code, e.g. "corebank.limit_exceeded"


Output = Ask | Effect | Transfer | Hangup
Event = Digits | Timeout | HangupEvent | EffectDone


def output_to_dict(output: Output) -> dict[str, Any]:
    if isinstance(output, Ask):
        return {"kind": "ask", "prompts": [plain(p) for p in output.prompts], "expect": plain(output.expect)}
    if isinstance(output, Transfer):
        return {"kind": "transfer", "prompts": [plain(p) for p in output.prompts], "queue": output.queue,
                "context": output.context}
    if isinstance(output, Hangup):
        return {"kind": "hangup", "prompts": [plain(p) for p in output.prompts],
                "disposition": output.disposition}
    raise TypeError(f"effects are not persisted: {output!r}")


def output_from_dict(data: dict[str, Any]) -> Output:
    prompts = [Prompt(**p) for p in data.get("prompts", [])]
    if data["kind"] == "ask":
        return Ask(prompts, Expect(**data["expect"]))
    if data["kind"] == "transfer":
        return Transfer(prompts, data["queue"], data["context"])
    return Hangup(prompts, data.get("disposition", ""))
