"""Shared set-up for the PostgreSQL benchmarks: create the benchmark database and migrate it."""

from __future__ import annotations

import os


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the benchmark database if it is missing; ``fresh`` drops it first (runs then start from the
    same state and compare: rows left by earlier runs change the timings)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
