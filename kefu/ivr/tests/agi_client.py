"""A FastAGI client that plays the Asterisk side of a call: sends the agi_ environment, answers commands
(STREAM FILE, GET DATA, SAY DIGITS, SET VARIABLE, ...) from a script of key presses, and records what the
server asked it to do."""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field


@dataclass
class AgiTranscript:
    commands: list[str] = field(default_factory=list)
    said_digits: list[str] = field(default_factory=list)
    streamed: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    hung_up: bool = False
    dropped: bool = False

    def text(self) -> str:
        return "".join(self.texts)


class AgiCaller:
    def __init__(self, port: int, *, uniqueid: str, callerid: str = "13800138000", dnid: str = "95500",
                 host: str = "127.0.0.1", recording: str = "") -> None:
        self.host, self.port = host, port
        self.uniqueid, self.callerid, self.dnid, self.recording = uniqueid, callerid, dnid, recording

    async def play(self, keys: list[str], *, drop_after: int | None = None,
                   variables: dict[str, str] | None = None, hang_up_at_answer: bool = False) -> AgiTranscript:
        """Answer each GET DATA (or barge-in prompt) with the next entry of ``keys`` ("" = timeout). When the
        keys run out the caller hangs up. ``drop_after=n`` closes the socket right after sending the n-th key;
        ``hang_up_at_answer`` hangs up while the PBX answers the call."""
        t = AgiTranscript()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        env = {"agi_network": "yes", "agi_network_script": "ivr", "agi_request": f"agi://{self.host}:{self.port}/ivr",
               "agi_channel": "PJSIP/trunk-00000001", "agi_language": "zh", "agi_type": "PJSIP",
               "agi_uniqueid": self.uniqueid, "agi_callerid": self.callerid, "agi_calleridname": "unknown",
               "agi_dnid": self.dnid, "agi_context": "ivr", "agi_extension": self.dnid, "agi_priority": "2"}
        if self.recording:
            env["agi_arg_1"] = self.recording
        writer.write("".join(f"{k}: {v}\n" for k, v in env.items()).encode() + b"\n")
        await writer.drain()
        pending = list(keys)
        sent = 0
        try:
            while True:
                raw = await asyncio.wait_for(reader.readline(), timeout=10)
                if not raw:
                    break
                cmd = raw.decode().strip()
                t.commands.append(cmd)
                verb = cmd.split(" ")[0]
                if cmd.startswith("GET DATA"):
                    if not pending:
                        writer.write(b"200 result=-1\n")
                        t.hung_up = True
                        await writer.drain()
                        continue
                    key = pending.pop(0)
                    sent += 1
                    reply = f"200 result={key} (timeout)\n" if key == "" else f"200 result={key}\n"
                    writer.write(reply.encode())
                    await writer.drain()
                    if drop_after is not None and sent >= drop_after:
                        t.dropped = True
                        break
                    continue
                if cmd.startswith("STREAM FILE"):
                    t.streamed.append(cmd.split(" ")[2])
                    if pending and pending[0].startswith("barge:") and cmd.endswith('#"'):
                        key = pending.pop(0)[len("barge:"):]
                        writer.write(f"200 result={ord(key)} endpos=4000\n".encode())
                    else:
                        writer.write(b"200 result=0 endpos=8000\n")
                elif cmd.startswith("SAY DIGITS"):
                    digits = cmd.split(" ")[2]
                    t.said_digits.append(digits)
                    t.texts.append(digits)
                    writer.write(b"200 result=0\n")
                elif verb == "VERBOSE":
                    m = re.match(r'VERBOSE "(.*)" \d+$', cmd)
                    t.texts.append(m.group(1) if m else "")
                    writer.write(b"200 result=1\n")
                elif cmd.startswith("SET VARIABLE"):
                    m = re.match(r'SET VARIABLE (\S+) "(.*)"$', cmd)
                    if m:
                        t.variables[m.group(1)] = m.group(2)
                    writer.write(b"200 result=1\n")
                elif cmd.startswith("GET VARIABLE"):
                    name = cmd.split(" ")[2]
                    if variables and name in variables:
                        writer.write(f"200 result=1 ({variables[name]})\n".encode())
                    else:
                        writer.write(b"200 result=0\n")
                elif verb == "ANSWER" and hang_up_at_answer:
                    t.hung_up = True
                    writer.write(b"HANGUP\n200 result=-1\n")
                elif verb == "HANGUP":
                    t.hung_up = True
                    writer.write(b"200 result=1\n")
                else:  # ANSWER and anything else
                    writer.write(b"200 result=0\n")
                await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
        return t
