"""Test settings: fast hashing, immediate tasks, in-memory layers; the database comes from DATABASE_URL."""

import os

os.environ.setdefault("KEFU_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from kefu.settings import *  # noqa: E402,F403
from kefu.settings import DATABASES, LOGGING, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 (tests only)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "recordings": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": str(MEDIA_ROOT / "recordings")}},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # As in production (WAL, BEGIN IMMEDIATE, busy timeout), only synchronous=OFF because the file is thrown
    # away. Without IMMEDIATE a transaction that read first and then writes fails at once with "database is
    # locked" when another connection holds the write lock: SQLite cannot wait there without deadlocking.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE",
                                       "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"}
    # A file, not Django's shared-cache in-memory database: the browser tests' live servers write from
    # several threads, and in shared-cache mode a read that meets another connection's write lock fails at
    # once ("database table is locked") instead of waiting for the busy timeout. pytest-xdist workers get
    # their own file (suffix _gw0, _gw1, ...); the process id keeps two test runs in one checkout apart.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_kefu_{os.getpid()}.sqlite3")}
LOGGING["root"]["level"] = "WARNING"
KEFU_GC_FREEZE = False  # see kefu/asgi.py; tests/ops checks it in a process of its own
AXES_ENABLED = True
