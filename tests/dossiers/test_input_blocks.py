"""The recompute keeps a packed copy of its inputs per block of ids (``InputBlock``) and reads it
next time; any write to a block's rows makes the database forget that copy (migration 0009).

The figures a user sees must not depend on whether a recompute read the copy or the tables:
each test compares them with rules.py's derivation of every dossier (``by_the_rules``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.dossiers import rollups
from chiso.dossiers.actions import set_calendar_day
from chiso.dossiers.ingest import import_file, ingest_records
from chiso.dossiers.models import (
    Apology,
    DailyRollup,
    Dossier,
    InputBlock,
    Pause,
    Procedure,
    StepEvent,
)
from chiso.dossiers.recompute import recompute
from chiso.dossiers.stored_inputs import (
    BLOCK,
    DERIVED_FLAGS,
    SHIFT,
    SYNCED_BIT,
    counters,
    keep_copies,
    read_block,
    read_tables,
)
from tests.dossiers.helpers import make_procedures, record, write_jsonl
from tests.dossiers.test_ingest import STEPS, reference_rows, rollup_rows
from tests.dossiers.test_recompute import by_the_rules, last_audit, stored

pytestmark = pytest.mark.django_db

LATE = record("LATE", NgayHenTra="20240110170000", NgayKetThucXuLy="20240112090000")
PAUSED = record(
    "PAUSED",
    NgayHenTra="20240110170000",
    NgayKetThucXuLy="20240115090000",
    DanhSachHoSoBoSung=[
        {"NgayYeuCauBoSung": "20240109100000", "NgayCongDanBoSung": "20240110100000"}
    ],
    DanhSachXinLoi=[{"NgayXinLoi": "20240110160000", "NgayHenTraMoi": "20240116090000"}],
)
OPEN = record("OPEN", TrangThaiHoSo=4, NgayKetThucXuLy=None, NgayHenTra="20240110170000")


def next_dossier_id(value: int) -> None:
    """Make the next stored dossier get id ``value`` (the ingest cannot choose ids)."""
    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, value - 1]
            )
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value - 1]
            )


@pytest.fixture
def two_blocks(world: Any) -> dict[str, int]:
    """LATE and PAUSED (with a pause and an apology) in block 2; OPEN and a second late dossier
    with its steps in block 3. Returns each dossier's block. (Ids are set: PostgreSQL's
    sequences do not roll back with a test's transaction.)"""
    make_procedures()
    next_dossier_id(2 * BLOCK + 1)
    ingest_records([{**LATE, "QuaTrinhXuLy": STEPS}, PAUSED])
    next_dossier_id(3 * BLOCK + 3)
    ingest_records([OPEN, {**LATE, "MaHoSo": "LATE2", "QuaTrinhXuLy": STEPS}])
    return {d.code: d.pk // BLOCK for d in Dossier.objects.all()}


def fields() -> dict[int, str]:
    return dict(Procedure.objects.values_list("pk", "field_code"))


def assert_copies_are_the_tables() -> None:
    kept = list(InputBlock.objects.values_list("number", flat=True))
    assert kept, "the recompute kept no copy"
    for number in kept:
        copy = read_block(number, fields())
        tables = read_tables(number * BLOCK, (number + 1) * BLOCK - 1, open_only=False)
        assert copy is not None
        for name in ("dossiers", "pauses", "apologies", "steps"):
            assert np.array_equal(getattr(copy, name), getattr(tables, name)), (number, name)


def test_a_recompute_keeps_an_exact_copy_of_each_block(two_blocks: dict[str, int]) -> None:
    assert two_blocks == {"LATE": 2, "PAUSED": 2, "OPEN": 3, "LATE2": 3}
    assert not InputBlock.objects.exists()  # the ingest wrote rows: nothing kept yet
    recompute()
    assert sorted(InputBlock.objects.values_list("number", flat=True)) == [2, 3]
    assert_copies_are_the_tables()


def test_a_calendar_change_read_from_the_copies_gives_the_rules_figures(
    two_blocks: dict[str, int],
) -> None:
    recompute()
    late_before = Dossier.objects.get(code="LATE").late_days
    set_calendar_day(dt.date(2024, 1, 11), is_working=False, note="nghỉ bù", actor=None)
    report = recompute()  # reads both blocks from their copies
    assert Dossier.objects.get(code="LATE").late_days < late_before
    assert report.changed == last_audit()["changed"] > 0
    assert stored() == by_the_rules()
    assert rollup_rows() == reference_rows()
    assert_copies_are_the_tables()  # kept again with the values just written
    assert recompute().changed == 0


WRITES: dict[str, Callable[[int], Any]] = {
    "dossier updated": lambda pk: Dossier.objects.filter(pk=pk).update(status=7),
    "dossier deleted": lambda pk: Dossier.objects.filter(pk=pk).delete(),
    "pause added": lambda pk: Pause.objects.create(
        dossier_id=pk,
        kind=Pause.Kind.SUPPLEMENT,
        requested_at=dt.datetime(2024, 1, 9, 3, tzinfo=dt.UTC),
    ),
    "apology changed": lambda pk: Apology.objects.create(
        dossier_id=pk,
        issued_at=dt.datetime(2024, 1, 9, 3, tzinfo=dt.UTC),
        new_due_at=dt.datetime(2024, 1, 19, 3, tzinfo=dt.UTC),
    ),
    "step changed": lambda pk: StepEvent.objects.filter(dossier_id=pk).update(allotted_minutes=1),
    "step deleted": lambda pk: StepEvent.objects.filter(dossier_id=pk, seq=2).delete(),
    "dossier sent again": lambda pk: ingest_records(
        [{**LATE, "MaHoSo": "LATE2", "NgayKetThucXuLy": "20240111090000"}]
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_any_write_forgets_the_copy_of_its_block_only(
    two_blocks: dict[str, int], write: str
) -> None:
    recompute()
    WRITES[write](Dossier.objects.get(code="LATE2").pk)
    assert list(InputBlock.objects.values_list("number", flat=True)) == [2]
    # Block 3 from the tables again. No action deletes a dossier; whoever does it in SQL
    # rebuilds the rollups (the recompute moves them by the dossiers it finds changed).
    recompute(rebuild_rollups=write == "dossier deleted")
    assert stored() == by_the_rules()
    assert rollup_rows() == reference_rows()
    assert_copies_are_the_tables()


def test_a_procedure_moved_to_another_field_is_seen_through_the_copies(
    two_blocks: dict[str, int],
) -> None:
    recompute()
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI-2")  # no trigger
    assert InputBlock.objects.count() == 2
    recompute()
    assert set(Dossier.objects.values_list("field_code", flat=True)) == {"DDAI-2"}
    assert rollup_rows() == reference_rows()
    assert_copies_are_the_tables()


def test_the_daily_refresh_forgets_the_copies_of_the_open_dossiers_it_moves(
    two_blocks: dict[str, int],
) -> None:
    recompute()
    late_days = Dossier.objects.get(code="OPEN").late_days
    set_calendar_day(dt.date(2024, 1, 11), is_working=False, note="nghỉ", actor=None)
    recompute(open_only=True)  # OPEN measured again, from the tables
    assert Dossier.objects.get(code="OPEN").late_days == late_days - 1
    assert stored()["OPEN"] == by_the_rules()["OPEN"]
    assert list(InputBlock.objects.values_list("number", flat=True)) == [2]
    recompute()
    assert stored() == by_the_rules()
    assert_copies_are_the_tables()


def test_a_block_with_a_dossier_before_1976_is_not_kept(two_blocks: dict[str, int]) -> None:
    ingest_records([record("OLD", NgayTiepNhan="19750105090000", NgayHenTra=None)])
    recompute()
    old_block = Dossier.objects.get(code="OLD").pk // BLOCK
    assert old_block not in InputBlock.objects.values_list("number", flat=True)
    assert stored() == by_the_rules()


def test_an_import_keeps_copies_of_the_blocks_it_wrote(world: Any, tmp_path: Any) -> None:
    make_procedures()
    path = write_jsonl(tmp_path / "d.jsonl", [{**LATE, "QuaTrinhXuLy": STEPS}, PAUSED, OPEN])
    report = import_file(path)
    assert report.accepted == 3 and report.copies_kept == 1
    assert_copies_are_the_tables()
    before = stored()
    assert recompute().changed == 0  # the copies say what the ingest derived
    assert stored() == before == by_the_rules()


def test_no_copy_is_kept_of_a_block_with_a_procedure_moved_since(
    two_blocks: dict[str, int],
) -> None:
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI-2")
    assert keep_copies() == 0  # every block has a land dossier still in DDAI
    recompute()
    assert keep_copies() == 0  # the recompute kept them
    assert_copies_are_the_tables()


def test_stale_derived_values_move_the_rollups_of_a_dossier_not_synced(world: Any) -> None:
    """Dossiers derived by an older version (here: not counted, on another day, judged neither
    on time nor late) are derived again, every stale column written; their counters, the
    count of dossiers synced to the national portal included, move from the stale day's
    rollup row to the right one."""
    make_procedures()
    ingest_records([{**LATE, "DongBoDVCQG": "0"}, {**LATE, "MaHoSo": "LATE2"}])
    right = Dossier.objects.get(code="LATE").counted_on
    Dossier.objects.update(is_counted=False, counted_on=dt.date(2024, 1, 2), on_time=None)
    Dossier.objects.filter(code="LATE").update(is_counted=True)
    rollups.rebuild()  # the rollups of the stale rows
    assert recompute().changed == 2
    assert stored() == by_the_rules()
    assert rollup_rows() == reference_rows()
    day = DailyRollup.objects.get()
    assert (day.day, day.received, day.late, day.synced) == (right, 2, 2, 1)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.fixed_dictionaries(
        {
            **{name: st.booleans() for name in DERIVED_FLAGS},
            "on_time": st.sampled_from([None, False, True]),
            "on_time_extended": st.sampled_from([None, False, True]),
            "late_days": st.decimals(0, 400, places=2),
            "channel": st.sampled_from([1, 2, 3]),
            "synced": st.booleans(),
        }
    )
)
def test_the_counters_read_from_the_packed_rows_are_those_of_the_rollups(
    world: Any, values: dict[str, Any]
) -> None:
    """What the recompute adds to the rollups from its arrays is what rollups.contribution
    gives for the stored dossier, whatever its values."""
    if not Procedure.objects.exists():
        make_procedures()
        ingest_records([LATE])
    Dossier.objects.update(**values)
    dossier = Dossier.objects.get()
    rows = read_tables(dossier.pk, dossier.pk, open_only=False).dossiers
    flags, codes = rows[:, 3], rows[:, 2]
    got = counters(flags >> SHIFT, rows[:, 5], (codes >> 32) & 0xFFFF, (flags >> SYNCED_BIT) & 1)
    contribution = rollups.contribution(dossier)
    expected = [
        contribution.get(c, 0) * (100 if c == "late_days" else 1) for c in DailyRollup.COUNTERS
    ]
    assert got.tolist() == [expected]
