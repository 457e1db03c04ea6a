"""``python manage.py fastagi --port 4573``: the FastAGI server Asterisk connects to (AGI(agi://host:4573/ivr))."""

import asyncio

from django.core.management.base import BaseCommand

from kefu.ivr.agi.server import FastAgiServer


class Command(BaseCommand):
    help = "Run the IVR FastAGI server for Asterisk (AGI(agi://host:4573/ivr))."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 (a PBX on the LAN connects)
        parser.add_argument("--port", type=int, default=4573)
        parser.add_argument("--workers", type=int, default=None, help="database threads (default: 1 on SQLite, 16 on PostgreSQL)")
        parser.add_argument("--actor", default="ivr-gateway", help="service account recorded as the actor")

    def handle(self, *args, host: str, port: int, workers: int, actor: str, **options):
        server = FastAgiServer(host=host, port=port, workers=workers, actor_username=actor)
        self.stdout.write(f"FastAGI listening on {host}:{port} (script: ivr)")
        try:
            asyncio.run(server.serve_forever())
        except KeyboardInterrupt:
            self.stdout.write("FastAGI stopped")
