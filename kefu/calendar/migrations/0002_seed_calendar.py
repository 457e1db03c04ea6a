"""Seed the holiday calendar (chinese-calendar, 2004 onwards) and the default deadline policies.

Done in a migration as well as in ``setup.seed()`` so that any migrated database, including the test
database, computes deadlines on the official calendar. Idempotent: only missing rows are created.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from kefu.calendar import seeddata

    seeddata.ensure_state(apps.get_model("calendar", "CalendarState"))
    seeddata.seed_holidays(apps.get_model("calendar", "CalendarDay"), apps.get_model("calendar", "CalendarYear"))
    seeddata.seed_policies(apps.get_model("calendar", "DeadlinePolicy"))


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
