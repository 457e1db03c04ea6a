"""An ASGI live server (HTTP + WebSockets) for browser tests that need Django Channels.

pytest-django's ``live_server`` is WSGI: it cannot serve ``/ws/...``. This fixture runs the real
``kefu.asgi:application`` under uvicorn in a thread of the test process, because:

- the in-memory channel layer only reaches consumers in the same process;
- the test database (a file for SQLite, see ``kefu/settings_test.py``; a real database on PostgreSQL) is
  reached by the server thread's own connections, like a deployed server's.

Tests using it must use ``transactional_db`` (``django_db(transaction=True)``) so that the server
thread sees the rows the test writes. Static files are served as by ``live_server`` (finders).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import pytest


@dataclass
class AsgiLiveServer:
    url: str
    ws_url: str

    def __str__(self) -> str:
        return self.url


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_live_server(transactional_db):
    import uvicorn
    from channels.layers import channel_layers
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from kefu.asgi import application

    # A fresh in-memory layer per server: its queues belong to the server's event loop.
    channel_layers.backends.pop("default", None)
    port = _free_port()
    config = uvicorn.Config(ASGIStaticFilesHandler(application), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", ws="websockets-sansio", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the ASGI live server did not start")
        time.sleep(0.05)
    yield AsgiLiveServer(url=f"http://127.0.0.1:{port}", ws_url=f"ws://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
    channel_layers.backends.pop("default", None)
    _drop_server_connections()


def _drop_server_connections() -> None:
    """The server's worker threads keep PostgreSQL sessions open (persistent connections); end them, or the
    test database cannot be dropped at the end of the run. SQLite needs nothing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
