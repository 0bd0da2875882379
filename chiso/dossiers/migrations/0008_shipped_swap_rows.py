"""Remove the local rows of the 2024 and 2025 swaps that 0002 wrote, now that the shipped list
(``workcalendar.ANNOUNCED_SWAPS``, read from the ``holidays`` package) has them.

Those rows made two shipped swaps look like the province's entries, with a "remove" button that
changed nothing but asked for a full recompute (review s5-2, L1). A row is removed only when it
is still exactly what 0002 wrote (same date, working, same note), the shipped list has the same
day as worked, and no ``dossiers.calendar.set`` audit row names it: a row the province wrote or
changed itself is always audited (``set_calendar_day``), so it stays. Removing such a row
changes no day's counting, so no recompute is needed.
"""

import datetime
import importlib

from django.db import migrations

SWAPS = importlib.import_module("chiso.dossiers.migrations.0002_announced_swaps").SWAPS
# The worked Saturdays of 0002's rows that workcalendar.ANNOUNCED_SWAPS shipped when this
# migration was written (both), frozen here: a migration must not change with later code.
SHIPPED = {datetime.date(2024, 5, 4), datetime.date(2025, 4, 26)}


def remove_shipped(apps, schema_editor):
    CalendarDay = apps.get_model("dossiers", "CalendarDay")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for day, note in SWAPS:
        row = CalendarDay.objects.filter(date=day, is_working=True, note=note).first()
        if row is None or day not in SHIPPED:
            continue
        audited = AuditEvent.objects.filter(
            action="dossiers.calendar.set",
            object_type="dossiers.calendarday",
            object_id=str(row.pk),
        ).exists()
        if not audited:
            row.delete()


def restore(apps, schema_editor):
    CalendarDay = apps.get_model("dossiers", "CalendarDay")
    for day, note in SWAPS:
        CalendarDay.objects.get_or_create(date=day, defaults={"is_working": True, "note": note})


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0007_late_index"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(remove_shipped, restore)]
