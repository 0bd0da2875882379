"""The Saturdays worked in exchange for a bridge day off (làm bù). ``holidays.VN`` lists the day
off of each swap ("Day off (substituted from …)") but not the Saturday worked."""

import datetime

from django.db import migrations

SWAPS = [
    (datetime.date(2024, 5, 4), "Làm bù cho ngày nghỉ bù thứ Hai 29/4/2024 (lịch nghỉ lễ 30/4–1/5 năm 2024)"),
    (datetime.date(2025, 4, 26), "Làm bù cho ngày nghỉ bù thứ Sáu 02/5/2025 (lịch nghỉ lễ 30/4–1/5 năm 2025)"),
]


def add(apps, schema_editor):
    CalendarDay = apps.get_model("dossiers", "CalendarDay")
    for day, note in SWAPS:
        CalendarDay.objects.get_or_create(date=day, defaults={"is_working": True, "note": note})


def remove(apps, schema_editor):
    apps.get_model("dossiers", "CalendarDay").objects.filter(
        date__in=[d for d, _n in SWAPS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
