"""``python manage.py fastagi --port 4573``: the FastAGI server Asterisk connects to (AGI(agi://host:4573/ivr)).

``--processes N`` runs N server processes on the same port (SO_REUSEPORT: the kernel spreads the PBX's
connections over them). One Python process uses one core for the steps' Python work (the GIL); sessions
live in the database, so any process can serve any call, including a call that reconnects.
"""

import asyncio
import contextlib
import os
import signal
import sys
import traceback

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kefu.ivr.agi.server import FastAgiServer


class Command(BaseCommand):
    help = "Run the IVR FastAGI server for Asterisk (AGI(agi://host:4573/ivr))."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 (a PBX on the LAN connects)
        parser.add_argument("--port", type=int, default=4573)
        parser.add_argument("--workers", type=int, default=None,
                            help="database threads per process (default: 1 on SQLite, 2 on PostgreSQL; more for a remote core bank)")
        parser.add_argument("--processes", type=int, default=1,
                            help="server processes sharing the port (PostgreSQL; e.g. one per core)")
        parser.add_argument("--actor", default="ivr-gateway", help="service account recorded as the actor")

    def handle(self, *args, host: str, port: int, workers: int, processes: int, actor: str, **options):
        if processes < 1:
            raise CommandError("--processes must be at least 1")
        if processes > 1 and (port == 0 or not hasattr(os, "fork")):
            raise CommandError("--processes needs a fixed --port and a system with fork (Linux)")
        if processes > 1 and connections["default"].vendor == "sqlite":
            raise CommandError("--processes needs PostgreSQL (SQLite has one writer)")
        self.stdout.write(f"FastAGI listening on {host}:{port} (script: ivr, {processes} process(es))")
        self.stdout.flush()
        if processes == 1:
            self._serve(host, port, workers, actor, reuse_port=False)
            return
        connections.close_all()  # never share a database connection with the children
        children = []
        for _ in range(processes):
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    self._serve(host, port, workers, actor, reuse_port=True)
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stdout.flush()
                    os._exit(code)
            children.append(pid)

        def stop(signum, frame):
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for pid in children:
            while True:
                try:
                    os.waitpid(pid, 0)
                    break
                except InterruptedError:
                    continue
                except ChildProcessError:
                    break
        self.stdout.write("FastAGI stopped")

    def _serve(self, host: str, port: int, workers: int | None, actor: str, *, reuse_port: bool) -> None:
        server = FastAgiServer(host=host, port=port, workers=workers, actor_username=actor, reuse_port=reuse_port)
        asyncio.run(self._run_until_signalled(server))
        self.stdout.write("FastAGI stopped")

    @staticmethod
    async def _run_until_signalled(server: FastAgiServer) -> None:
        """Serve until SIGTERM (systemd, the --processes parent) or SIGINT, then close the listener and the
        PIN hash processes instead of leaving them to notice the missing parent."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await server.start()
        try:
            await stop.wait()
        finally:
            await server.close(drain_s=5.0)
