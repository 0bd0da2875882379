"""The packed copy of the recompute's inputs (``InputBlock``) and the triggers that forget it.

A block is only ever a copy of what the tables say: every insert, update or delete of a
dossier, pause, apology or step deletes the copy of its block, whatever code writes, so the
next recompute reads that block from the tables again (``stored_inputs.read_block``).
``BLOCK`` must stay the size ``chiso.dossiers.stored_inputs.BLOCK`` gives; a test writes rows
and checks that the right block is forgotten.
"""

from django.db import NotSupportedError, migrations, models

BLOCK = 16_384
BLOCKS = "dossiers_inputblock"
# (table, the column holding the dossier id)
TABLES = (
    ("dossiers_dossier", "id"),
    ("dossiers_pause", "dossier_id"),
    ("dossiers_apology", "dossier_id"),
    ("dossiers_stepevent", "dossier_id"),
)
EVENTS = (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD"))


def _sqlite() -> list[str]:
    """Row triggers: SQLite has no statement triggers; each costs one primary-key probe."""
    statements = []
    for table, column in TABLES:
        for event, row in EVENTS:
            rows = [row] if event != "update" else ["OLD", "NEW"]
            deletes = " ".join(
                f"DELETE FROM {BLOCKS} WHERE number = {r}.{column} / {BLOCK};" for r in rows
            )
            statements.append(
                f"CREATE TRIGGER {table}_forget_block_{event} AFTER {event.upper()} ON {table}"
                f" FOR EACH ROW BEGIN {deletes} END"
            )
    return statements


def _postgresql(lz4: bool) -> list[str]:
    """Statement triggers with transition tables: one DELETE per statement, not per row (the
    ingest writes its rows with COPY and one UPDATE … FROM per batch). The packed arrays are
    compressed with lz4 where the server has it: reading a block decompresses it, and pglz,
    the default, took four times as long (2,2 s against 0,5 s at 10⁶ dossiers)."""
    statements = [
        f"ALTER TABLE {BLOCKS} ALTER COLUMN {column} SET COMPRESSION lz4"
        for column in ("dossiers", "pauses", "apologies", "steps")
        if lz4
    ]
    for table, column in TABLES:
        function = f"{table}_forget_blocks"
        statements.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"DELETE FROM {BLOCKS} WHERE number IN (SELECT DISTINCT {column} / {BLOCK} FROM changed); "
            "RETURN NULL; END $$"
        )
        for event, row in EVENTS:
            transition = f"{row} TABLE AS changed"
            statements.append(
                f"CREATE TRIGGER {table}_forget_block_{event} AFTER {event.upper()} ON {table}"
                f" REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    return statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        # chiso runs on SQLite and PostgreSQL only (docs/scale.md): without these triggers the
        # recompute would read stale copies, so the migration refuses any other database.
        raise NotSupportedError(f"chiso supports SQLite and PostgreSQL, not {vendor}")
    if vendor == "sqlite":
        statements = _sqlite()
    else:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            )
            statements = _postgresql(bool(cursor.fetchone()[0]))
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, _column in TABLES:
        for event, _row in EVENTS:
            on = f" ON {table}" if postgresql else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_forget_block_{event}{on}")
        if postgresql:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_forget_blocks()")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_shipped_swap_rows"),
    ]

    operations = [
        migrations.CreateModel(
            name="InputBlock",
            fields=[
                ("number", models.BigIntegerField(primary_key=True, serialize=False)),
                ("fields", models.JSONField()),
                ("dossiers", models.BinaryField()),
                ("pauses", models.BinaryField()),
                ("apologies", models.BinaryField()),
                ("steps", models.BinaryField()),
                ("written_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
