from django.core.management.base import BaseCommand, CommandError

from kefu.org.models import User
from kefu.org.services import issue_token


class Command(BaseCommand):
    help = "Issue an API bearer token for USERNAME and print it (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--days", type=int, default=None, help="validity in days (0 = no expiry)")

    def handle(self, *args, username, name, days, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 (no expiry) or more")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        _, raw = issue_token(user=user, actor=None, name=name, days=days)
        self.stdout.write(raw)
