from django.core.management.base import BaseCommand

from kefu.audit.services import prune_expired


class Command(BaseCommand):
    help = "Prune audit entries older than KEFU_AUDIT_RETENTION_DAYS behind a verifiable checkpoint."

    def handle(self, *args, **options):
        self.stdout.write(f"pruned {prune_expired()} entries")
