"""The AGI wire protocol: the ``agi_*`` environment block, commands and ``200 result=`` responses."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RESULT_RE = re.compile(r"^(\d{3})\s+result=(-?[^\s(]*)\s*(?:\((.*)\))?\s*(.*)$")


class AgiHangup(Exception):
    """The channel hung up (result=-1, a HANGUP line, 511 dead channel or a closed socket)."""


class AgiError(Exception):
    pass


@dataclass(frozen=True)
class AgiResponse:
    code: int
    result: str
    data: str = ""          # the parenthesised part, e.g. "timeout" or a variable's value
    rest: str = ""          # e.g. "endpos=12345"

    @property
    def hung_up(self) -> bool:
        return self.result == "-1"


def parse_env(lines: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition(":")
        if sep and key.startswith("agi_"):
            env[key.strip()] = value.strip()
    return env


def parse_response(line: str) -> AgiResponse:
    line = line.strip()
    if line == "HANGUP":
        raise AgiHangup()
    m = _RESULT_RE.match(line)
    if not m:
        code = line[:3]
        if code == "511":
            raise AgiHangup()
        raise AgiError(f"unexpected AGI response {line[:80]!r}")
    code = int(m.group(1))
    if code == 511:
        raise AgiHangup()
    if code != 200:
        raise AgiError(f"AGI error {code}")
    return AgiResponse(code, m.group(2), m.group(3) or "", m.group(4) or "")


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def stream_file(path: str, escape_digits: str) -> str:
    return f"STREAM FILE {path} {quote(escape_digits)}"


def get_data(path: str, timeout_ms: int, max_digits: int) -> str:
    return f"GET DATA {path} {int(timeout_ms)} {int(max_digits)}"


def say_digits(digits: str, escape_digits: str = "") -> str:
    return f"SAY DIGITS {digits} {quote(escape_digits)}"


def set_variable(name: str, value: str) -> str:
    return f"SET VARIABLE {name} {quote(value)}"


def get_variable(name: str) -> str:
    return f"GET VARIABLE {name}"


def verbose(message: str, level: int = 3) -> str:
    return f"VERBOSE {quote(message[:200])} {level}"
