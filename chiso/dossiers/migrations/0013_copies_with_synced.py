"""Forget every block copy: their flags now carry the synced bit (stored_inputs.RAW_FLAGS), so
copies kept before would be read wrongly. The next recompute reads the tables and keeps new
ones."""

from django.db import migrations


def forget_copies(apps, schema_editor):
    apps.get_model("dossiers", "InputBlock").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0012_field_day_index")]

    operations = [migrations.RunPython(forget_copies, migrations.RunPython.noop)]
