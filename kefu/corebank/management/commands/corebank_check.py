"""Check the sandbox ledger's invariants with set-based SQL (sum of balances, balanced journals, balances
equal to postings, orphans). Exit status 1 when anything is off; prints counts, never numbers of accounts."""

from django.core.management.base import BaseCommand, CommandError

from kefu.corebank.bulk import verify_ledger


class Command(BaseCommand):
    help = "校验沙箱核心账务一致性（借贷平衡、余额与明细一致）"

    def handle(self, *args, **options):
        problems = verify_ledger()
        if problems:
            raise CommandError("账务不一致: " + ", ".join(f"{name}={count}" for name, count in problems.items()))
        self.stdout.write(self.style.SUCCESS("corebank ledger consistent"))
