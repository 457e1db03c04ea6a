from django.core.management.base import BaseCommand

from kefu.org.demo import logins_text


class Command(BaseCommand):
    help = "Print the demo logins for each role."

    def handle(self, *args, **options):
        self.stdout.write(logins_text())
