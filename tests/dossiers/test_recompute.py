"""``recompute`` measures every stored dossier again and writes back only what changed.

January 2024: Mon 08 … Fri 12. The land procedure allows 3 working days; office hours
07:30–11:30 and 13:00–17:00 (480 minutes a day).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.audit.models import AuditEvent
from chiso.dossiers import rollups
from chiso.dossiers.actions import set_calendar_day
from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.ingest import DERIVED_FIELDS, derive_dossier, ingest_records
from chiso.dossiers.models import (
    CalendarDay,
    DailyRollup,
    Dossier,
    MonthlyRollup,
    Procedure,
    StepEvent,
)
from chiso.dossiers.recompute import recompute
from chiso.dossiers.workcalendar import local
from tests.dossiers.helpers import make_procedures, record
from tests.dossiers.test_ingest import STEPS, reference_rows, rollup_rows
from tests.dossiers.test_rollup_property import dossier_record

pytestmark = pytest.mark.django_db

# Received Mon 08/01 09:00, due Wed 10/01 17:00, finished Fri 12/01 09:00: late by Thursday and
# Friday 07:30–09:00 = 570 minutes = 1.19 days.
LATE = record("LATE", NgayHenTra="20240110170000", NgayKetThucXuLy="20240112090000")
FEBRUARY = record(
    "FEB",
    NgayTiepNhan="20240220090000",
    NgayHenTra="20240223090000",
    NgayKetThucXuLy="20240222090000",
    QuaTrinhXuLy=[],
)


@pytest.fixture
def dossiers(world: Any) -> Any:
    make_procedures()
    ingest_records([{**LATE, "QuaTrinhXuLy": STEPS}, FEBRUARY])
    return world


def stored() -> dict[str, Any]:
    return {
        d.code: (
            d.field_code,
            {f: getattr(d, f) for f in DERIVED_FIELDS},
            [(s.seq, s.used_minutes, s.overrun_minutes) for s in d.steps.order_by("seq")],
        )
        for d in Dossier.objects.all()
    }


def by_the_rules() -> dict[str, Any]:
    """Each dossier derived one by one by rules.py (ingest.derive_dossier), not stored."""
    out = {}
    for d in Dossier.objects.select_related("procedure"):
        steps = list(d.steps.order_by("seq"))
        derive_dossier(
            current_calendar(),
            rule_settings(),
            local(timezone.now()),
            d,
            d.procedure,
            list(d.pauses.all()),
            list(d.apologies.all()),
            steps,
        )
        out[d.code] = (
            d.procedure.field_code,
            {f: getattr(d, f) for f in DERIVED_FIELDS},
            [(s.seq, s.used_minutes, s.overrun_minutes) for s in steps],
        )
    return out


def last_audit() -> dict[str, Any]:
    event = AuditEvent.objects.filter(action="dossiers.recompute").latest("id")
    return dict(event.data)


def test_nothing_changes_when_nothing_changed_and_the_audit_row_says_so(dossiers: Any) -> None:
    before = stored()
    assert recompute().dossiers == 2
    assert stored() == before
    assert last_audit()["changed"] == 0 and last_audit()["dossiers"] == 2


def test_a_day_off_moves_only_the_dossiers_it_falls_in(dossiers: Any) -> None:
    assert Dossier.objects.get(code="LATE").late_days == Decimal("1.19")
    set_calendar_day(dt.date(2024, 1, 11), is_working=False, note="nghỉ bù", actor=None)
    recompute()
    late = Dossier.objects.get(code="LATE")
    assert late.late_days == Decimal("0.19") and late.on_time is False  # Friday 07:30–09:00
    assert stored() == by_the_rules()
    assert last_audit()["changed"] == 1
    assert rollup_rows() == reference_rows()


def test_a_procedure_moved_to_another_field_moves_its_dossiers(dossiers: Any) -> None:
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI-2")
    recompute()
    assert set(Dossier.objects.values_list("field_code", flat=True)) == {"DDAI-2"}
    assert last_audit()["changed"] == 2
    assert stored() == by_the_rules()
    assert set(MonthlyRollup.objects.values_list("field_code", flat=True)) == {"DDAI-2"}
    assert_rollups_equal_a_rebuild()


def tables() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    daily = ("agency_id", "procedure_id", "day", "field_code", *DailyRollup.COUNTERS)
    monthly = ("agency_id", "field_code", "month", *MonthlyRollup.COUNTERS)
    return (
        sorted(DailyRollup.objects.values_list(*daily)),
        sorted(MonthlyRollup.objects.values_list(*monthly)),
    )


def assert_rollups_equal_a_rebuild() -> None:
    moved = tables()
    rollups.rebuild()
    assert moved == tables()


def test_the_rollups_move_by_the_changes_unless_a_rebuild_is_asked(dossiers: Any) -> None:
    # A day off makes the late dossier less late: its rollup rows move with it, as a rebuild
    # would make them, without a rebuild.
    set_calendar_day(dt.date(2024, 1, 11), is_working=False, note="nghỉ bù", actor=None)
    recompute()
    assert "rollups" not in last_audit()
    assert_rollups_equal_a_rebuild()
    # A row changed by hand is left alone by a recompute that changes nothing, and put right
    # by `chiso dossiers recompute --rebuild-rollups`.
    DailyRollup.objects.update(received=99)
    recompute()
    assert set(DailyRollup.objects.values_list("received", flat=True)) == {99}
    call_command("dossiers", "recompute", "--rebuild-rollups", stdout=io.StringIO())
    assert 99 not in set(DailyRollup.objects.values_list("received", flat=True))
    assert rollup_rows() == reference_rows()
    assert last_audit()["rollups"] == DailyRollup.objects.count()


def test_a_dossier_received_before_the_calendar_is_derived_by_the_rules(dossiers: Any) -> None:
    # The clock of a receipt in 1970 starts on the calendar's first working day (02/01/2015)
    # and the due date is a day after the finish: on time. Such rows go to rules.py one by one.
    Dossier.objects.filter(code="FEB").update(
        received_at=dt.datetime(1970, 1, 1, 1, tzinfo=dt.UTC), on_time=None
    )
    recompute()
    assert stored() == by_the_rules()
    assert Dossier.objects.get(code="FEB").on_time is True  # stored as unknown before


def test_a_dossier_finished_after_the_calendar_stops_the_recompute(dossiers: Any) -> None:
    Dossier.objects.filter(code="FEB").update(
        finished_at=dt.datetime(2036, 1, 2, tzinfo=dt.UTC), status=10
    )
    with pytest.raises(ValueError, match="outside the calendar"):
        recompute()


def test_only_the_reform_office_recomputes(dossiers: Any) -> None:
    for name, user in dossiers.users.items():
        if name == "tuan":
            recompute(actor=user)
            assert AuditEvent.objects.filter(action="dossiers.recompute", actor=user).exists()
        else:
            with pytest.raises(PermissionDenied):
                recompute(actor=user)
    assert AuditEvent.objects.filter(action="dossiers.recompute").count() == 1


@st.composite
def settled_records(draw: Any) -> list[dict[str, Any]]:
    """Dossiers of the rollup property test, finished (an open one is measured at "now", which
    moves between the recompute and the check), with or without the two processing steps."""
    records = draw(
        st.lists(dossier_record(), min_size=1, max_size=6, unique_by=lambda r: r["MaHoSo"])
    )
    for r in records:
        if not r["NgayKetThucXuLy"]:
            r["NgayKetThucXuLy"], r["TrangThaiHoSo"] = "20240601090000", 10
        if draw(st.booleans()):
            r["QuaTrinhXuLy"] = STEPS
    return records


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=settled_records(), day_off=st.sampled_from(["2024-01-09", "2024-02-09", "2024-05-06"])
)
def test_recompute_writes_what_the_rules_give_and_nothing_else(
    world: Any, records: list[dict[str, Any]], day_off: str
) -> None:
    if not Procedure.objects.exists():
        make_procedures()
    Dossier.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    CalendarDay.objects.filter(note="test").delete()
    ingest_records(records)
    assert recompute().changed == 0
    set_calendar_day(dt.date.fromisoformat(day_off), is_working=False, note="test", actor=None)
    before = stored()
    report = recompute()
    after = stored()
    assert after == by_the_rules()
    assert report.changed == sum(after[code] != before[code] for code in after)
    assert rollup_rows() == reference_rows()
    assert_rollups_equal_a_rebuild()


def test_the_daily_refresh_measures_the_open_dossiers_again_and_leaves_the_rest(
    dossiers: Any,
) -> None:
    # Still being processed (status 4, its second step still open), due Wed 10/01/2024:
    # overdue today. Its stored values are put back to what an import on Tuesday 09/01 gave
    # (within its deadline); the settled LATE dossier's late days are changed by hand.
    steps = [STEPS[0], {**STEPS[1], "NgayKetThuc": None}]
    ingest_records(
        [
            record(
                "OPEN",
                TrangThaiHoSo=4,
                NgayKetThucXuLy=None,
                NgayHenTra="20240110170000",
                QuaTrinhXuLy=steps,
            )
        ]
    )
    assert Dossier.objects.get(code="OPEN").on_time is False
    Dossier.objects.filter(code="OPEN").update(on_time=True, on_time_extended=True, late_days=0)
    StepEvent.objects.filter(dossier__code="OPEN").update(used_minutes=0, overrun_minutes=0)
    Dossier.objects.filter(code="LATE").update(late_days=Decimal("9.99"))
    out = io.StringIO()
    call_command("dossiers", "recompute", "--open", stdout=out)
    assert "Đã tính lại 1 hồ sơ đang giải quyết (1 thay đổi)" in out.getvalue()
    opened = Dossier.objects.get(code="OPEN")
    assert opened.on_time is False and opened.late_days > 500  # working days since 10/01/2024
    assert stored()["OPEN"] == by_the_rules()["OPEN"]
    assert stored()["OPEN"][2][1][1] > 500 * 480  # the open step's working minutes, again
    assert Dossier.objects.get(code="LATE").late_days == Decimal("9.99")
    assert last_audit() == {"dossiers": 1, "changed": 1, "open_only": True}


def test_the_daily_refresh_refuses_when_a_procedure_changed_field(dossiers: Any) -> None:
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI-2")
    with pytest.raises(CommandError, match="chiso dossiers recompute"):
        call_command("dossiers", "recompute", "--open", stdout=io.StringIO())
    assert not AuditEvent.objects.filter(action="dossiers.recompute").exists()
