"""IVR benchmark: concurrent simulated calls through the FastAGI server; step latency p50/p95/p99.

A step is what the PBX waits for: from sending the caller's keys (the GET DATA answer) until the server's
next GET DATA (or the end of the call), including the prompt commands in between. The PIN step is reported
separately: it runs argon2id on purpose (production parameters).

Baseline, measured in the same run: one call at a time through the same server. The target is a p99 of
30 ms or less at 200 concurrent calls.

    .venv/bin/python bench/ivr.py                 # 200 calls
    .venv/bin/python bench/ivr.py --calls 20      # quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_ivr_bench .venv/bin/python bench/ivr.py

Without DATABASE_URL it builds a throwaway SQLite database in a temporary directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds scripts named like stdlib modules (calendar.py): never import from it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402


def setup_django(args) -> None:
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="kefu-ivr-bench-")
        os.environ["KEFU_VAR_DIR"] = tmp
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        from bench.bench_db import ensure_database

        ensure_database(os.environ["DATABASE_URL"], fresh=not args.keep_db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ.setdefault("KEFU_LOG_LEVEL", "WARNING")
    os.environ.setdefault("KEFU_DEBUG", "0")
    if args.light_pin:
        # Isolates the IVR's own step cost from the deliberate argon2 cost (never do this in production).
        os.environ["KEFU_IVR_PIN_HASH"] = '{"time_cost": 1, "memory_cost": 1024, "parallelism": 1}'
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"database ready in {time.perf_counter() - t0:.1f}s ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")


def make_customers(n: int) -> list[dict]:
    from datetime import date

    from django.db import transaction
    from django.utils import timezone

    from kefu.corebank import fakes
    from kefu.corebank.ledger import Line, internal_account, lock_accounts, post_journal
    from kefu.corebank.models import CifCustomer, LedgerAccount, Medium, RegisteredPayee
    from kefu.corebank.setup import seed as core_seed
    from kefu.ivr.pins import set_phone_pin
    from kefu.ivr.setup import seed as ivr_seed
    from kefu.org.services import sync_roles

    sync_roles()
    core_seed()
    ivr_seed()
    out = []
    with transaction.atomic():
        cash = internal_account("GL-CASH")
        for serial in range(1, n + 1):
            cif = fakes.cif_no(serial, "B")
            customer = CifCustomer.objects.filter(cif_no=cif).first()
            if customer is None:
                customer = CifCustomer.objects.create(
                    cif_no=cif, name=f"压测{serial}", id_number=fakes.id_number(random.Random(serial), date(1980, 1, 1)),
                    mobile=fakes.mobile(serial), home_branch_code="BR-DC-01", birth_date=date(1980, 1, 1))
                account = LedgerAccount.objects.create(account_no=fakes.account_no(serial, 1), customer=customer,
                                                       kind="savings", opened_at=date(2020, 1, 1), branch_code="BR-DC-01")
                Medium.objects.create(number=fakes.debit_card_no(serial), kind="debit", customer=customer,
                                      account=account, issued_at=date(2020, 1, 1), expires="12/29")
                locked = lock_accounts([account.pk, cash.pk])
                post_journal(lines=[Line(locked[account.pk], 10_000_000, "存入"), Line(locked[cash.pk], -10_000_000, "存入")],
                             kind="deposit", channel="counter", description="存入", posted_at=timezone.now())
            out.append({"cif": cif, "card": fakes.debit_card_no(serial), "account": fakes.account_no(serial, 1),
                        "customer": customer})
        for i, c in enumerate(out):
            target = out[(i + 1) % len(out)]
            RegisteredPayee.objects.get_or_create(
                payee_id=f"PB{i:05d}", defaults={"customer": c["customer"], "name": f"收款{i}",
                                                 "account_no": target["account"], "bank_name": "本行",
                                                 "registered_at": timezone.now()})
    for c in out:
        set_phone_pin(cif_no=c["cif"], pin="135790", actor=None)
    return out


class Caller:
    """Asterisk's side of one call: answers commands, times each step."""

    def __init__(self, port: int, uniqueid: str, keys: list[tuple[str, str]], think_ms: int, rng: random.Random):
        self.port, self.uniqueid, self.keys, self.think_ms, self.rng = port, uniqueid, keys, think_ms, rng
        self.steps: list[tuple[str, float]] = []
        self.started: list[float] = []  # when each step's keys were sent (perf_counter), for the time windows
        self.first: list[tuple[str, float]] = []  # keys sent -> first command back (silence the caller hears)
        self.commands = 0  # AGI commands answered (each one a round trip through the server's event loop)

    async def run(self, arrival_s: float = 0.0) -> None:
        await asyncio.sleep(arrival_s)
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        env = {"agi_network_script": "ivr", "agi_uniqueid": self.uniqueid, "agi_callerid": "13800138000",
               "agi_dnid": "95500", "agi_arg_1": f"/var/spool/asterisk/monitor/{self.uniqueid}.wav"}
        writer.write("".join(f"{k}: {v}\n" for k, v in env.items()).encode() + b"\n")
        await writer.drain()
        pending = list(self.keys)
        sent_at, label, waiting_first = time.perf_counter(), "start", True
        while True:
            raw = await reader.readline()
            if not raw:
                break
            cmd = raw.decode().strip()
            self.commands += 1
            if waiting_first:
                self.first.append((label, (time.perf_counter() - sent_at) * 1000))
                waiting_first = False
            if cmd.startswith("GET DATA") or cmd.startswith("HANGUP") or cmd.startswith('SET VARIABLE KEFU_ACTION'):
                self.steps.append((label, (time.perf_counter() - sent_at) * 1000))
                self.started.append(sent_at)
                label = "end"
            if cmd.startswith("GET DATA"):
                if not pending:
                    writer.write(b"200 result=-1\n")
                    await writer.drain()
                    break
                label, key = pending.pop(0)
                await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think_ms / 1000)
                sent_at, waiting_first = time.perf_counter(), True
                writer.write(f"200 result={key}\n".encode())
            elif cmd.startswith("STREAM FILE"):
                writer.write(b"200 result=0 endpos=8000\n")
            elif cmd.startswith("SAY DIGITS") or cmd.startswith("GET VARIABLE"):
                writer.write(b"200 result=0\n")
            else:
                writer.write(b"200 result=1\n")
            await writer.drain()
        writer.close()


def script(customer: dict, rng: random.Random) -> list[tuple[str, str]]:
    """A typical call: information, then login and balance, sometimes a transfer, then back and hang up."""
    keys = [("menu", "4"), ("menu", "1"), ("menu", "9"), ("menu", "1"), ("menu", "1"),
            ("card", customer["card"]), ("pin", "135790"), ("menu", "2")]
    if rng.random() < 0.3:
        keys += [("menu", "9"), ("menu", "2"), ("choice", "1"), ("amount", str(rng.randint(1, 99))),
                 ("confirm", "1")]
    return keys


def summarize(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    s = sorted(samples)

    def pct(p: float) -> float:
        return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]

    return {"n": len(s), "p50": statistics.median(s), "p95": pct(95), "p99": pct(99), "max": s[-1]}


async def run_calls(server_port: int, customers: list[dict], calls: int, think_ms: int, tag: str,
                    sequential: bool = False) -> list[Caller]:
    rng = random.Random(42)
    # Asterisk's uniqueids never repeat: a call left active by an earlier run must not be resumed by this one.
    tag = f"{tag}-{time.time_ns()}"
    callers = [Caller(server_port, f"{tag}.{i}", script(customers[i % len(customers)], rng), think_ms,
                      random.Random(i)) for i in range(calls)]
    if sequential:
        for c in callers:
            await c.run()
    else:
        # Calls arrive spread over a few seconds, as they do on a trunk, not in one instant.
        spread = 2 * think_ms / 1000
        await asyncio.gather(*(c.run(rng.uniform(0, spread)) for c in callers))
    return callers


def report(name: str, callers: list[Caller]) -> tuple[dict, dict]:
    steps = [ms for c in callers for label, ms in c.steps if label != "pin"]
    pins = [ms for c in callers for label, ms in c.steps if label == "pin"]
    s, p = summarize(steps), summarize(pins)
    f = summarize([ms for c in callers for label, ms in c.first if label != "pin"])
    by_label: dict[str, list[float]] = {}
    for c in callers:
        for label, ms in c.steps:
            by_label.setdefault(label, []).append(ms)
    print("  per step kind p50/p99 ms: " + ", ".join(f"{k}={statistics.median(v):.1f}/{summarize(v)['p99']:.1f}"
                                                  for k, v in sorted(by_label.items())))
    print(f"{name:<24} steps n={s['n']:<5} p50={s['p50']:6.1f} ms  p95={s['p95']:6.1f} ms  "
          f"p99={s['p99']:6.1f} ms  max={s['max']:6.1f} ms | PIN step p50={p['p50']:6.1f} p99={p['p99']:6.1f} ms")
    print(f"{'':<24} first response (keys -> first prompt command) p50={f['p50']:6.1f} ms  p99={f['p99']:6.1f} ms")
    commands = sum(c.commands for c in callers)
    print(f"{'':<24} AGI commands: {commands / max(1, sum(len(c.steps) for c in callers)):.1f} per step")
    return s, p


def windows(callers: list[Caller], t0: float, width_s: int = 5, over_ms: float = 30.0) -> None:
    """Steps (PIN apart) per ``width_s`` window of the run: p50/p99 and those over ``over_ms`` by kind. Tells a
    tail formed in one phase of the calls (the logins come about 20 s in) from a stall of the machine
    (every kind late at once)."""
    rows = [(start - t0, label, ms) for c in callers for start, (label, ms) in zip(c.started, c.steps, strict=True)
            if label != "pin"]
    if not rows:
        return
    print(f"{'':<24} by {width_s} s window (steps over {over_ms:.0f} ms, by kind):")
    for lo in range(0, int(max(t for t, _, _ in rows)) + 1, width_s):
        inside = [(label, ms) for t, label, ms in rows if lo <= t < lo + width_s]
        if not inside:
            continue
        s = summarize([ms for _, ms in inside])
        late: dict[str, int] = {}
        for label, ms in inside:
            if ms > over_ms:
                late[label] = late.get(label, 0) + 1
        print(f"{'':<26}{lo:3d}-{lo + width_s:<3d}s n={s['n']:<4} p50={s['p50']:5.1f} p99={s['p99']:6.1f} ms  "
              + (", ".join(f"{k} {v}" for k, v in sorted(late.items())) or "-"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_core_bank() -> tuple[subprocess.Popen, dict[str, str]]:
    """The sandbox core bank served over HTTP by its own process (uvicorn, the documented service-bus
    contract), as a bank's core is always another system; returns the settings that point kefu at it."""
    import secrets
    import urllib.request

    port, token = _free_port(), secrets.token_urlsafe(24)
    env = dict(os.environ, KEFU_CORE_BANK="sandbox", KEFU_CORE_BANK_SANDBOX_TOKEN=token)
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "kefu.asgi:application", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning", "--workers", "3"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):  # noqa: S310 (local)
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        raise SystemExit("core bank server did not start")
    return proc, {"KEFU_CORE_BANK": "http", "KEFU_CORE_BANK_TOKEN": token,
                  "KEFU_CORE_BANK_URL": f"http://127.0.0.1:{port}/api/v1/corebank-sandbox"}


def start_server(args, extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
    """The FastAGI server in its own process (``manage.py fastagi``), as in production."""
    port = _free_port()
    env = dict(os.environ, KEFU_IVR_ESPEAK="espeak-ng-disabled-in-bench", **(extra_env or {}))
    cmd = [sys.executable, str(ROOT / "manage.py"), "fastagi", "--host", "127.0.0.1", "--port", str(port)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.processes > 1:
        cmd += ["--processes", str(args.processes)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("FastAGI server did not start")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user + system) of the server process and of its child processes (the argon2 PIN
    processes), from /proc; (0, 0) where there is no /proc. Independent of how busy the machine is, unlike
    the latencies."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def own(p: int) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    def children(p: int) -> list[int]:
        out: list[int] = []
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                out += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
        return out

    descendants, todo = [], children(pid)
    while todo:
        c = todo.pop()
        descendants.append(c)
        todo += children(c)
    return own(pid), sum(own(c) for c in descendants)


async def loop_lag(out: list[float], period_s: float = 0.01) -> None:
    """How late this process's event loop wakes up (ms), sampled every ``period_s``."""
    while True:
        t = time.perf_counter()
        await asyncio.sleep(period_s)
        out.append(max(0.0, (time.perf_counter() - t - period_s) * 1000))


def cpu_line(name: str, before: tuple[float, float], after: tuple[float, float], steps: int) -> None:
    main, kids = after[0] - before[0], after[1] - before[1]
    print(f"{'':<24} server CPU ({name}): {main:.1f} s = {main * 1000 / max(steps, 1):.1f} ms per step "
          f"(all steps, PIN included); PIN hash processes {kids:.1f} s")


async def main_async(args, customers, port: int, server_pid: int) -> None:
    cpu0 = cpu_seconds(server_pid)
    base_callers = await run_calls(port, customers, args.baseline_calls, 0, "base", sequential=True)
    base, _ = report("baseline (1 at a time)", base_callers)
    cpu1 = cpu_seconds(server_pid)
    cpu_line("1 at a time", cpu0, cpu1, sum(len(c.steps) for c in base_callers))
    t0 = time.perf_counter()
    lags: list[float] = []
    monitor = asyncio.create_task(loop_lag(lags))
    load_callers = await run_calls(port, customers, args.calls, args.think_ms, "load")
    monitor.cancel()
    elapsed = time.perf_counter() - t0
    load, _ = report(f"{args.calls} concurrent calls", load_callers)
    total_steps = sum(len(c.steps) for c in load_callers)
    windows(load_callers, t0)
    cpu_line("concurrent", cpu1, cpu_seconds(server_pid), total_steps)
    lag = summarize(lags)
    # The simulated PBX is one Python process too: when it is late reading an answer, the step looks slower
    # than the server made it. Its own event-loop delay bounds how much of a tail is the client's.
    print(f"{'':<24} simulated PBX event-loop delay p99={lag['p99']:.1f} ms max={lag['max']:.1f} ms "
          f"({sum(1 for x in lags if x > 20)} times over 20 ms)")
    print(f"throughput: {total_steps / elapsed:.0f} steps/s over {elapsed:.1f}s; "
          f"p99 ratio vs baseline: {load['p99'] / base['p99']:.2f}x; target p99 <= 30 ms: "
          f"{'MET' if load['p99'] <= 30 else 'NOT MET'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--baseline-calls", type=int, default=10)
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--think-ms", type=int, default=3000, help="mean time between keys (callers listen to prompts)")
    parser.add_argument("--workers", type=int, default=None, help="FastAGI database threads (default: server's)")
    parser.add_argument("--processes", type=int, default=1, help="FastAGI server processes (PostgreSQL)")
    parser.add_argument("--core-bank-http", action="store_true",
                        help="serve the sandbox core bank from its own process over HTTP (as deployed: the core "
                             "is another system) instead of inside the FastAGI server")
    parser.add_argument("--keep-db", action="store_true",
                        help="PostgreSQL: reuse the database of an earlier run (default: drop and recreate it, so "
                             "every run starts from the same state)")
    parser.add_argument("--light-pin", action="store_true",
                        help="cheap argon2 parameters, to measure the IVR without the deliberate PIN hash cost")
    args = parser.parse_args()
    setup_django(args)
    from kefu.ivr import prompts

    customers = make_customers(args.customers)
    if prompts.espeak_available():
        rendered = sum(1 for t in prompts.static_texts() if prompts.synthesize(t))
        print(f"prompts rendered with espeak-ng: {rendered}")
    from kefu.ivr.models import IvrCall

    core, core_env = start_core_bank() if args.core_bank_http else (None, {})
    proc, port = start_server(args, core_env)
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    core_cpu = cpu_seconds(core.pid)[0] if core else 0.0
    try:
        asyncio.run(main_async(args, customers, port, proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if core:
            print(f"core bank process (HTTP) CPU over the run: {cpu_seconds(core.pid)[0] - core_cpu:.1f} s")
            core.terminate()
            core.wait(timeout=10)
    print(f"calls recorded: {IvrCall.objects.count()}; load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
