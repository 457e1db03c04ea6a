"""One setup step for `make run` and `make test`: build offline artefacts, migrate, seed, load the demo.

Apps take part through an optional ``setup`` module with ``build(stdout)`` (offline artefacts such as
compiled messages, trained models, prompt audio; no database needed) and ``seed(stdout)`` (reference data
in the database, e.g. the holiday calendar). Every step is idempotent.
"""

from __future__ import annotations

import importlib
import shutil

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _setup_modules() -> list:
    modules = []
    for app in settings.KEFU_APPS:
        try:
            modules.append(importlib.import_module(f"{app}.setup"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.setup":
                raise
    return modules


class Command(BaseCommand):
    help = "Build offline artefacts, migrate, seed reference data and (with --demo) load the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load the demo data")
        parser.add_argument("--build-only", action="store_true", help="only build artefacts (no database)")

    def handle(self, *args, demo: bool, build_only: bool, **options):
        if shutil.which("msgfmt"):
            call_command("compilemessages", ignore=[".venv/*", "var/*"], verbosity=0)
        else:
            self.stdout.write("msgfmt not found: UI stays in Simplified Chinese (install gettext for English)")
        modules = _setup_modules()
        for module in modules:
            if hasattr(module, "build"):
                module.build(stdout=self.stdout)
        if build_only:
            return
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        for module in modules:
            if hasattr(module, "seed"):
                module.seed(stdout=self.stdout)
        if demo:
            call_command("load_demo", stdout=self.stdout)
