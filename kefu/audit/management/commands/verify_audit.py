from django.core.management.base import BaseCommand, CommandError

from kefu.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit 1 naming the first broken entry."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain BROKEN at seq {report.broken_seq} (row id {report.broken_id}): {report.problem}; "
                f"{report.checked} entries verified before it"
            )
        self.stdout.write(f"audit chain OK: {report.checked} entries verified")
