"""An asyncio FastAGI server: one TCP connection per call leg, speaking AGI to Asterisk and driving the
same engine and services as the HTTP API.

Dialplan: ``exten => 95500,1,MixMonitor(${UNIQUEID}.wav)`` / ``same => n,AGI(agi://kefu:4573/ivr)`` /
``same => n,GotoIf($["${KEFU_ACTION}" = "transfer"]?agent)`` … ``Queue(${KEFU_QUEUE})``. The call's
``agi_uniqueid`` identifies it: a connection that drops mid-call and comes back resumes the same session
(the last question is asked again; nothing is applied twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection

from .. import conf, services
from ..choices import CallChannel
from ..engine import Ask, Digits, Hangup, HangupEvent, Timeout, Transfer
from ..pinhash import PinHashPool
from ..prompts import playback_plan
from . import protocol
from .protocol import AgiError, AgiHangup, AgiResponse

logger = logging.getLogger("kefu.ivr.agi")
ALL_KEYS = "0123456789*#"
SCRIPTS = {"ivr", ""}


def _db(fn):
    """Worker threads keep their database connection between steps (opening one per step would dominate
    the step time); a connection that failed is dropped so the next step reconnects."""

    def wrapper(*args: Any, **kwargs: Any):
        try:
            return fn(*args, **kwargs)
        except DatabaseError:
            connection.close()
            raise

    return wrapper


def default_workers() -> int:
    # SQLite has one writer: several threads would only wait in its busy handler (sleeping, up to 100 ms),
    # so one database thread serves every call. PostgreSQL locks per row, but a step is mostly Python (one
    # core per process, the GIL): two threads overlap the database round trips; more only queued for the
    # GIL while holding row locks (bench/ivr.py, 200 calls: p99 155-178 ms with 2, 250-335 with 3, 230-1000
    # with 6, 568 with 16). A core bank over HTTP (waits, not CPU) wants more: --workers. More cores:
    # --processes.
    return 1 if connection.vendor == "sqlite" else 2


class AgiSession:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, env: dict[str, str]) -> None:
        self.reader, self.writer, self.env = reader, writer, env
        self.call_id = ""

    async def command(self, line: str) -> AgiResponse:
        self.writer.write(line.encode() + b"\n")
        await self.writer.drain()
        while True:
            raw = await self.reader.readline()
            if not raw:
                raise ConnectionResetError("AGI peer closed the connection")
            text = raw.decode(errors="replace").strip()
            if text:
                break
        response = protocol.parse_response(text)
        if response.hung_up:
            raise AgiHangup()
        return response


class FastAgiServer:
    def __init__(self, *, host: str = "0.0.0.0", port: int = 4573, thread_sensitive: bool = False,  # noqa: S104
                 actor_username: str = "ivr-gateway", workers: int | None = None, reuse_port: bool = False) -> None:
        self.host, self.port = host, port
        self.reuse_port = reuse_port  # several server processes on one port (the kernel spreads connections)
        self.thread_sensitive = thread_sensitive
        self.actor_username = actor_username
        self.workers = workers or default_workers()
        self._actor: Any = None
        self._server: asyncio.Server | None = None
        # Lock-free preparation (argon2 PIN checks) runs beside the database thread(s): its threads only
        # read the credential and wait, the hashing itself runs in spawned processes at a lower CPU priority
        # (kefu.ivr.pinhash): PIN checks queue among themselves and yield the CPU to the other calls' steps
        # (only the PIN step itself is slow), and never hold this process's GIL while preempted.
        self._pin_workers = conf.agi_pin_workers()
        self._prep_pool = ThreadPoolExecutor(max_workers=self._pin_workers + 1, thread_name_prefix="agi-pin")
        self._hash_pool: PinHashPool | None = None
        self._legs: set[asyncio.Task] = set()

    def _sync(self, fn):
        return sync_to_async(_db(fn), thread_sensitive=self.thread_sensitive)

    def _warm_up(self) -> None:
        """Load what the first calls would otherwise load in the middle of a step: the actor, the current
        flow version, the apps the effects call into."""
        self._load_actor()
        with contextlib.suppress(Exception):
            services.engine_for(services.current_flow_id(conf.default_flow_code()))
        for module in ("kefu.corebank.sandbox", "kefu.customers.services", "kefu.notify.services",
                       "kefu.workorders.services", "kefu.ivr.alerts"):
            with contextlib.suppress(ImportError):
                importlib.import_module(module)

    def _load_actor(self) -> Any:
        if self._actor is None:
            from kefu.org.models import User

            self._actor = User.objects.filter(username=self.actor_username, is_active=True).first()
        return self._actor

    async def start(self) -> asyncio.Server:
        if not self.thread_sensitive:
            loop = asyncio.get_running_loop()
            loop.set_default_executor(ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="agi"))
            self._hash_pool = PinHashPool(workers=self._pin_workers, niceness=conf.agi_pin_nice())
            try:
                await loop.run_in_executor(self._prep_pool, self._hash_pool.warm_up)
            except Exception:
                # No processes (a sandbox without fork/spawn): PINs are hashed on the preparation thread.
                logger.warning("PIN hash processes unavailable; hashing on a thread", exc_info=True)
                self._hash_pool.shutdown()
                self._hash_pool = None
            await self._sync(self._warm_up)()
            # The objects of a loaded Django process (~230,000) are moved out of the collector's reach: a full
            # collection otherwise walks them all, 100-180 ms with the GIL held, and every call's step in
            # flight waits (bench/ivr.py: one such pause was most of the p99). Only what calls allocate
            # afterwards is collected.
            gc.collect()
            gc.freeze()
        self._server = await asyncio.start_server(self.handle, self.host, self.port,
                                                  reuse_port=self.reuse_port or None)
        sock = self._server.sockets[0].getsockname()
        self.port = sock[1]
        return self._server

    async def serve_forever(self) -> None:
        server = await self.start()
        try:
            async with server:
                await server.serve_forever()
        finally:
            if self._hash_pool is not None:
                self._hash_pool.shutdown()
                self._hash_pool = None

    async def close(self, *, drain_s: float = 0.0) -> None:
        """Stop accepting calls; with ``drain_s``, give the call legs in progress that long to finish (a
        hang-up being recorded) before they are cancelled."""
        if self._server is not None:
            self._server.close()
            if drain_s > 0 and self._legs:
                await asyncio.wait(set(self._legs), timeout=drain_s)
            for leg in list(self._legs):
                leg.cancel()
            await self._server.wait_closed()
        if self._hash_pool is not None:
            self._hash_pool.shutdown()
            self._hash_pool = None

    # ----------------------------------------------------------------- one call leg
    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session: AgiSession | None = None
        leg = asyncio.current_task()
        if leg is not None:
            self._legs.add(leg)
        try:
            env = await self._read_env(reader)
            session = AgiSession(reader, writer, env)
            script = env.get("agi_network_script", "ivr").strip("/").split("?")[0]
            if script not in SCRIPTS:
                await session.command(protocol.verbose(f"kefu: unknown AGI script {script}"))
                return
            await self._run(session)
        except AgiHangup:
            if session is not None and session.call_id:
                await self._hangup(session.call_id)
        except (ConnectionError, asyncio.IncompleteReadError):
            # The PBX side dropped without a hangup: keep the session for a reconnect (swept when stale).
            logger.info("AGI connection dropped")
        except AgiError:
            logger.warning("AGI protocol error", exc_info=True)
        except Exception:
            logger.exception("FastAGI call failed")
        finally:
            self._legs.discard(leg)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _read_env(self, reader: asyncio.StreamReader) -> dict[str, str]:
        lines: list[str] = []
        while True:
            raw = await asyncio.wait_for(reader.readline(), timeout=10)
            if not raw:
                raise ConnectionResetError("no AGI environment")
            line = raw.decode(errors="replace").rstrip("\r\n")
            if not line:
                return protocol.parse_env(lines)
            lines.append(line)
            if len(lines) > 200:
                raise AgiError("AGI environment too long")

    async def _hangup(self, call_id: str) -> None:
        with contextlib.suppress(services.CallEnded):
            await self._sync(services.handle_input)(call_id=call_id, event=HangupEvent(), actor=self._actor)

    async def _run(self, session: AgiSession) -> str:
        actor = self._actor if self._actor is not None else await self._sync(self._load_actor)()
        env = session.env
        caller = "".join(c for c in env.get("agi_callerid", "") if c.isdigit())
        called = "".join(c for c in (env.get("agi_dnid") or env.get("agi_extension", "")) if c.isdigit())
        recording = env.get("agi_arg_1", "")
        if not recording:
            response = await session.command(protocol.get_variable("MIXMONITOR_FILENAME"))
            recording = response.data if response.result == "1" else ""
        # The database opens (or resumes) the call while the PBX answers: one thread hop, and the ANSWER
        # round trip overlaps it. ANSWER on a reconnect finds the channel up and changes nothing.
        opening = asyncio.ensure_future(self._sync(self._open_call)(
            actor=actor, external_id=env.get("agi_uniqueid", ""), caller=caller, called=called, recording=recording))
        try:
            await session.command("ANSWER")
        except BaseException:
            with contextlib.suppress(Exception):
                session.call_id = (await opening)[0].call_id  # so the hang-up is recorded
            raise
        call, out = await opening
        call_id = session.call_id = call.call_id
        while True:
            if isinstance(out, Ask):
                event = await self._ask(session, out)
                prepared = await self._prepare(call_id, event)
                call, out = await self._sync(services.handle_input)(call_id=call_id, event=event, actor=actor,
                                                                    prepared=prepared)
                continue
            await self._play(session, out.prompts, "")
            if isinstance(out, Transfer):
                await session.command(protocol.set_variable("KEFU_ACTION", "transfer"))
                await session.command(protocol.set_variable("KEFU_QUEUE", out.queue))
                await session.command(protocol.set_variable("KEFU_CALL_ID", call_id))
                await session.command(protocol.set_variable("KEFU_VERIFIED", "1" if out.context.get("verified") else "0"))
            elif isinstance(out, Hangup):
                await session.command(protocol.set_variable("KEFU_ACTION", "hangup"))
                await session.command("HANGUP")
            return call_id

    @staticmethod
    def _open_call(*, actor: Any, external_id: str, caller: str, called: str, recording: str) -> tuple[Any, Any]:
        """A reconnect of a call in progress resumes it; anything else starts a call (the recording is stored
        and audited with the start)."""
        resumed = services.resume_call(channel=CallChannel.AGI, external_id=external_id, actor=actor) \
            if external_id else None
        return resumed or services.start_call(channel=CallChannel.AGI, caller=caller, called=called,
                                              external_id=external_id, actor=actor, recording=recording)

    async def _prepare(self, call_id: str, event: Any) -> Any:
        if not services.may_need_preparation(event):
            return None  # most steps: no extra thread hop
        if self.thread_sensitive:
            return await self._sync(services.prepare_input)(call_id=call_id, event=event)
        loop = asyncio.get_running_loop()
        verifier = self._hash_pool.verify if self._hash_pool is not None else None
        return await loop.run_in_executor(self._prep_pool, partial(_db(services.prepare_input), call_id=call_id,
                                                                   event=event, verifier=verifier))

    async def _play(self, session: AgiSession, prompts: list, escape: str) -> str:
        """Play prompts; returns the key pressed to interrupt them (barge-in) or "". Consecutive segments
        with audio go out as one joined file and consecutive text-only ones as one VERBOSE line: one round
        trip each instead of one per segment (``prompts.playback_plan``)."""
        for kind, arg in playback_plan(prompts):
            if kind == "verbose":
                await session.command(protocol.verbose(arg))
                continue
            if kind == "digits":
                response = await session.command(protocol.say_digits(arg, escape))
            else:
                response = await session.command(protocol.stream_file(arg, escape))
            if escape and response.result.isdigit() and chr(int(response.result)) in ALL_KEYS:
                return chr(int(response.result))  # result is the ASCII code of the key that interrupted
        return ""

    async def _ask(self, session: AgiSession, ask: Ask):
        expect = ask.expect
        pressed = await self._play(session, ask.prompts, ALL_KEYS if expect.barge_in else "")
        if pressed == "#":
            return Digits("")
        if pressed and expect.max_digits <= 1:
            return Digits(pressed)
        remaining = expect.max_digits - len(pressed)
        response = await session.command(protocol.get_data("silence/1", expect.timeout_ms, remaining))
        digits = pressed + response.result
        if not digits:
            return Timeout()
        return Digits(digits)
