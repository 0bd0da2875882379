"""The delay-cause rollups (who the late dossiers are attributed to, by month) always equal the
grouped query over the late dossiers and their responsible steps, whatever wrote the rows:
imports by either path, re-sends with other steps or persons, calendar changes with a full or
an open-only recompute, procedures moved to another field. The field page reads them and
shows what the query over the dossiers showed."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.dossiers import delay_rollups, queries
from chiso.dossiers.actions import set_calendar_day
from chiso.dossiers.conf import current_calendar
from chiso.dossiers.ingest import import_file, ingest_records
from chiso.dossiers.models import (
    CalendarDay,
    DailyRollup,
    DelayCauseRollup,
    Dossier,
    ImportRun,
    MonthlyRollup,
    Procedure,
    ProcessStep,
    Role,
)
from chiso.dossiers.recompute import FullRecomputeNeeded, recompute
from chiso.dossiers.scorecard import Period, parse_period
from chiso.org.models import Agency
from tests.dossiers.helpers import make_procedures, record, write_jsonl
from tests.dossiers.test_ingest import STEPS
from tests.dossiers.test_rollup_property import dossier_record

pytestmark = pytest.mark.django_db

COLUMNS = (*delay_rollups.KEY, *DelayCauseRollup.COUNTERS)


def stored() -> list[tuple[Any, ...]]:
    return sorted(DelayCauseRollup.objects.values_list(*COLUMNS))


def from_the_dossiers() -> list[tuple[Any, ...]]:
    """The rows the late dossiers and their responsible steps give, through the ORM (not the
    rollup module's SQL): grouped by day, then folded by month here."""
    rows = (
        Dossier.objects.filter(is_counted=True, on_time=False, steps__seq=F("responsible_seq"))
        .values_list(
            "field_code",
            "counted_on",
            "agency_id",
            "procedure_id",
            "steps__step_number",
            "steps__name",
            "steps__role",
            "steps__person",
            "steps__unit",
        )
        .annotate(n=Count("pk"), overrun=Sum("steps__overrun_minutes"))
        .order_by()
    )
    folded: dict[tuple[Any, ...], list[int]] = {}
    for field, day, agency, procedure, number, name, role, person, unit, n, overrun in rows:
        number = delay_rollups.NO_STEP_NUMBER if number is None else number
        key = (field, day.replace(day=1), agency, procedure, number, name, role, person, unit)
        total = folded.setdefault(key, [0, 0])
        total[0] += n
        total[1] += overrun
    return sorted((*k, n, overrun) for k, (n, overrun) in folded.items())


def delay_causes_from_the_dossiers(where: Q, period: Period, limit: int = 10) -> Any:
    """``queries.delay_causes`` as it was before the rollups: one grouped query over the late
    dossiers' responsible steps (its rows in the order of the grouping columns, NULL step
    numbers first, as SQLite gave them)."""
    rows = (
        Dossier.objects.filter(
            where,
            is_counted=True,
            on_time=False,
            counted_on__range=(period.first, period.last),
            steps__seq=F("responsible_seq"),
        )
        .values(
            "procedure__code",
            "steps__step_number",
            "steps__name",
            "steps__role",
            "steps__person",
            "steps__unit",
        )
        .annotate(count=Count("pk"), overrun=Sum("steps__overrun_minutes"))
        .order_by(
            "procedure__code",
            F("steps__step_number").asc(nulls_first=True),
            "steps__name",
            "steps__role",
            "steps__person",
            "steps__unit",
        )
    )
    day = current_calendar().day_minutes
    labels = dict(Role.choices)
    steps: dict[tuple[Any, ...], dict[str, Any]] = {}
    roles: dict[str, dict[str, Any]] = {}
    persons: dict[tuple[str, str], dict[str, Any]] = {}

    def add(table: dict[Any, dict[str, Any]], key: Any, r: dict[str, Any], **item: Any) -> None:
        entry = table.setdefault(key, {**item, "count": 0, "overrun_minutes": 0})
        entry["count"] += r["count"]
        entry["overrun_minutes"] += r["overrun"] or 0

    for r in rows:
        role = r["steps__role"]
        add(
            steps,
            (r["procedure__code"], r["steps__step_number"], r["steps__name"], role),
            r,
            procedure=r["procedure__code"],
            number=r["steps__step_number"],
            name=r["steps__name"] or labels.get(role, role),
            role=role,
            role_label=labels.get(role, role),
        )
        add(roles, role, r, role=role, role_label=labels.get(role, role))
        if r["steps__person"]:
            add(
                persons,
                (r["steps__person"], r["steps__unit"]),
                r,
                person=r["steps__person"],
                unit=r["steps__unit"],
            )
    planned = {
        (code, number): name
        for code, number, name in ProcessStep.objects.filter(
            template__procedure__code__in={e["procedure"] for e in steps.values()}
        )
        .order_by("template__version")
        .values_list("template__procedure__code", "number", "name")
    }
    for (code, number, name, _role), entry in steps.items():
        if not name and (code, number) in planned:
            entry["name"] = planned[code, number]

    def top(table: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
        items = sorted(table.values(), key=lambda e: (-e["count"], -e["overrun_minutes"]))
        for e in items:
            e["overrun_days"] = (Decimal(e["overrun_minutes"]) / day).quantize(Decimal("0.01"))
        return items[:limit]

    return {"steps": top(steps), "roles": top(roles), "persons": top(persons)}


def assert_the_field_page_reads_what_the_dossiers_say() -> None:
    stp = Agency.objects.get(code="stp").pk
    for where in (Q(), Q(field_code="DDAI"), Q(field_code="LLTP"), Q(agency_id__in=[stp])):
        for text in ("2024", "2024-01", "2024-Q1", "2024-02", "2024-05", "2023"):
            period = parse_period(text)
            for limit in (10, 2):
                assert queries.delay_causes(where, period, limit) == (
                    delay_causes_from_the_dossiers(where, period, limit)
                ), (where, text, limit)


# -- generated data --------------------------------------------------------------------------

PERSONS = ["Hoa", "Bình", "Lê Văn Sáu", ""]
UNITS = ["", "Phòng Đăng ký", "Văn phòng"]


@st.composite
def processing_steps(draw: Any, day: str) -> list[dict[str, Any]]:
    """One to three hand-overs from the receipt day on, each ending one to eight working hours
    or days later or still open (the last only), with or without a template step number,
    name, person, unit or allotment of its own."""
    moment = dt.datetime.strptime(f"{day}090000", "%Y%m%d%H%M%S")
    steps = []
    count = draw(st.integers(1, 3))
    for seq in range(1, count + 1):
        end = moment + draw(
            st.sampled_from([dt.timedelta(hours=1), dt.timedelta(days=1), dt.timedelta(days=4)])
        )
        still_open = seq == count and draw(st.booleans())
        step = {
            "ThuTu": seq,
            "BuocQuyTrinh": draw(st.sampled_from(["1", "2", "3", ""])),
            "VaiTro": draw(st.sampled_from(["mot_cua", "chuyen_vien", "lanh_dao_co_quan"])),
            "NguoiXuLy": draw(st.sampled_from(PERSONS)),
            "PhongBanXuLy": draw(st.sampled_from(UNITS)),
            "NgayBatDau": moment.strftime("%Y%m%d%H%M%S"),
            "NgayKetThuc": None if still_open else end.strftime("%Y%m%d%H%M%S"),
        }
        if draw(st.booleans()):
            step["TenBuoc"] = draw(st.sampled_from(["Thẩm định", "Ký duyệt"]))
        if draw(st.booleans()):
            step["ThoiHanBuocXuLy"] = "1"
        steps.append(step)
        moment = end
    return steps


@st.composite
def dossier_with_steps(draw: Any) -> dict[str, Any]:
    rec = draw(dossier_record())
    rec["QuaTrinhXuLy"] = draw(processing_steps(rec["NgayTiepNhan"][:8]))
    # Due weeks after the receipt more often: a day off before the due date then leaves the
    # dossier as late as it was while a step spanning that day overran less.
    if draw(st.booleans()):
        rec["NgayHenTra"] = "20240220090000" if rec["NgayTiepNhan"] < "2024021" else None
    return rec


batches = st.lists(dossier_with_steps(), min_size=1, max_size=5)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("ingest"), batches),
        st.tuples(st.just("import"), batches),
        st.tuples(
            st.just("day off"),
            st.sampled_from(["2024-01-09", "2024-01-10", "2024-05-07"]),
            st.booleans(),  # open dossiers only
        ),
        st.tuples(st.just("move"), st.sampled_from(["DDAI", "DDAI-2"]), st.booleans()),
    ),
    min_size=1,
    max_size=5,
)


def run(operation: tuple[Any, ...], folder: Path) -> None:
    kind = operation[0]
    if kind == "ingest":
        ingest_records(operation[1])
    elif kind == "import":
        import_file(write_jsonl(folder / "d.jsonl", operation[1]))
    elif kind == "day off":
        day = dt.date.fromisoformat(operation[1])
        set_calendar_day(day, is_working=False, note="test", actor=None)
        try:
            recompute(open_only=operation[2])
        except FullRecomputeNeeded:
            pass  # a procedure moved and no full recompute ran since: nothing is written
    else:
        Procedure.objects.filter(code="1.000001").update(field_code=operation[1])
        if operation[2]:
            recompute()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_the_delay_causes_always_equal_the_grouped_query_over_the_dossiers(
    world: Any, tmp_path: Path, operations: list[tuple[Any, ...]]
) -> None:
    if not Procedure.objects.exists():
        make_procedures()
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI")
    Dossier.objects.all().delete()
    ImportRun.objects.all().delete()
    CalendarDay.objects.filter(note="test").delete()
    for model in (DailyRollup, MonthlyRollup, DelayCauseRollup):
        model.objects.all().delete()
    for operation in operations:
        run(operation, tmp_path)
        assert stored() == from_the_dossiers(), operation
    assert_the_field_page_reads_what_the_dossiers_say()
    moved = stored()
    delay_rollups.rebuild()
    assert stored() == moved


# -- cases a user would notice --------------------------------------------------------------

# Received Mon 08/01/2024 09:00, due Wed 10/01 17:00, finished Fri 12/01 09:00: late by 570
# minutes. Bình's step (Thẩm định, 8 working hours allotted) ran Mon 10:00 to Thu 10:00: 1,440
# working minutes, 960 over its allotment, the first step to overrun.
LATE = record(
    "LATE",
    NgayHenTra="20240110170000",
    NgayKetThucXuLy="20240112090000",
    QuaTrinhXuLy=STEPS,
)


@pytest.fixture
def late(world: Any) -> Any:
    make_procedures()
    ingest_records([LATE])
    return world


def causes(field: str = "DDAI") -> dict[str, list[dict[str, Any]]]:
    return queries.delay_causes(Q(field_code=field), parse_period("2024"))


def test_the_field_page_attributes_a_late_dossier_to_the_step_that_overran(late: Any) -> None:
    found = causes()
    assert [(s["number"], s["name"], s["count"], s["overrun_days"]) for s in found["steps"]] == [
        (2, "Thẩm định", 1, Decimal("2.00"))
    ]
    assert [(p["person"], p["unit"]) for p in found["persons"]] == [("Bình", "Phòng Đăng ký")]
    assert found == delay_causes_from_the_dossiers(Q(field_code="DDAI"), parse_period("2024"))


def test_a_day_off_within_the_step_moves_its_overrun_though_the_dossier_stays_as_late(
    late: Any,
) -> None:
    # Tuesday 09/01 off: the due date (Wednesday) and the late days (Thursday, Friday) stay,
    # only Bình's step used a working day less.
    set_calendar_day(dt.date(2024, 1, 9), is_working=False, note="nghỉ bù", actor=None)
    report = recompute()
    assert Dossier.objects.get(code="LATE").late_days == Decimal("1.19")
    assert report.changed == 1
    assert causes()["steps"][0]["overrun_days"] == Decimal("1.00")
    assert stored() == from_the_dossiers()


def test_a_re_sent_dossier_handed_to_someone_else_moves_its_cause(late: Any) -> None:
    steps = [STEPS[0], {**STEPS[1], "NguoiXuLy": "Sáu", "PhongBanXuLy": "Văn phòng"}]
    ingest_records([{**LATE, "QuaTrinhXuLy": steps}])
    assert [(p["person"], p["count"]) for p in causes()["persons"]] == [("Sáu", 1)]
    assert stored() == from_the_dossiers()
    # Finished on time after all (the due date corrected): no cause left, no row left.
    ingest_records([{**LATE, "QuaTrinhXuLy": steps, "NgayHenTra": "20240115170000"}])
    assert causes() == {"steps": [], "roles": [], "persons": []}
    assert not DelayCauseRollup.objects.exists()


def test_a_procedure_moved_to_another_field_takes_its_causes_along(late: Any) -> None:
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI-2")
    assert causes()["steps"]  # the dossiers keep their field until recomputed
    recompute()
    assert causes() == {"steps": [], "roles": [], "persons": []}
    assert [s["person"] for s in causes("DDAI-2")["persons"]] == ["Bình"]
    assert set(DelayCauseRollup.objects.values_list("field_code", flat=True)) == {"DDAI-2"}
    assert stored() == from_the_dossiers()


def test_an_import_file_counts_its_late_dossiers_causes(late: Any, tmp_path: Path) -> None:
    again = {**LATE, "QuaTrinhXuLy": [STEPS[0], {**STEPS[1], "NguoiXuLy": "Sáu"}]}
    other = {**LATE, "MaHoSo": "LATE-2", "DonViXuLy": "sxd"}
    import_file(write_jsonl(tmp_path / "d.jsonl", [again, other]))
    assert {(p["person"], p["count"]) for p in causes()["persons"]} == {("Sáu", 1), ("Bình", 1)}
    assert stored() == from_the_dossiers()


def test_a_rebuild_of_the_rollups_puts_a_hand_changed_row_right(late: Any) -> None:
    DelayCauseRollup.objects.update(count=99)
    call_command("dossiers", "recompute", "--rebuild-rollups", stdout=io.StringIO())
    assert stored() == from_the_dossiers()
    assert causes()["steps"][0]["count"] == 1


def test_the_migration_fills_the_table_from_the_stored_dossiers(late: Any) -> None:
    other = {
        **LATE,
        "MaHoSo": "LATE-2",
        "QuaTrinhXuLy": [STEPS[0], {**STEPS[1], "BuocQuyTrinh": ""}],
    }
    ingest_records([other])
    kept = stored()
    DelayCauseRollup.objects.all().delete()
    migration = importlib.import_module("chiso.dossiers.migrations.0011_delay_causes")
    migration.fill(None, SimpleNamespace(connection=connection))
    assert stored() == kept == from_the_dossiers()
    assert [s["number"] for s in causes()["steps"]] == [None, 2]
