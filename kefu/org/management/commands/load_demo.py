"""Load the demo bank: organisation, staff for every role, then each app's ``demo.load`` in app order."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load demo data (idempotent). Refuses to run in production mode."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("load_demo refuses to run in production mode (KEFU_ENV=production)")
        for app in settings.KEFU_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
