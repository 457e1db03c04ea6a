from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kefu.pii.services import add_new_active_key, reencrypt_all
from kefu.secrets import secrets_file


class Command(BaseCommand):
    help = (
        "Rotate field-encryption keys. With --new-key (file-based key ring under var/) a new active key is "
        "generated first; with keys from KEFU_FIELD_KEYS, put the new key first in that variable and run "
        "without --new-key. Then every value under an older key is re-encrypted with the active key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true")

    def handle(self, *args, **options):
        if options["new_key"]:
            path = secrets_file(settings.VAR_DIR)
            if not path.exists():
                raise CommandError("keys come from the environment: set the new key first in KEFU_FIELD_KEYS")
            new_id = add_new_active_key(path)
            from kefu.secrets import load_secrets

            ring = load_secrets(settings.VAR_DIR, allow_generate=False)
            settings.KEFU_FIELD_KEYS = ring.field_keys
            settings.KEFU_FIELD_ACTIVE_KEY = ring.active_field_key
            self.stdout.write(f"new active key {new_id}")
        counts = reencrypt_all()
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} rows re-encrypted")
        self.stdout.write(f"active key: {settings.KEFU_FIELD_ACTIVE_KEY}")
