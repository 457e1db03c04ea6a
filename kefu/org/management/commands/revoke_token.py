from django.core.management.base import BaseCommand, CommandError

from kefu.org.models import ApiToken, hash_token
from kefu.org.services import revoke_token


class Command(BaseCommand):
    help = "Revoke an API token given its raw value or its prefix."

    def add_arguments(self, parser):
        parser.add_argument("token")

    def handle(self, *args, token, **options):
        row = ApiToken.objects.filter(token_hash=hash_token(token)).first() or \
            ApiToken.objects.filter(prefix=token[:12]).first()
        if row is None:
            raise CommandError("no such token")
        revoke_token(token_id=row.pk, actor=None)
        self.stdout.write(f"revoked {row.prefix}…")
