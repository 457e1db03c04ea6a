from django.core.management.base import BaseCommand

from kefu.audit.services import record
from kefu.org.models import User


class Command(BaseCommand):
    help = "Deactivate every demo user (required before production mode starts)."

    def handle(self, *args, **options):
        n = 0
        for user in User.objects.filter(is_demo=True, is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            record(actor=None, action="org.demo_user_deactivated", obj=user)
            n += 1
        self.stdout.write(f"deactivated {n} demo users")
