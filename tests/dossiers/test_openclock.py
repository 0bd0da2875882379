"""The open dossiers' deadlines (openclock.py) count exactly what rules.derive says at a
period's end, and the monthly rollups always equal the daily ones summed."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.dossiers import openclock, rollups, vectorised
from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.ingest import derive_dossier, ingest_records
from chiso.dossiers.models import DailyRollup, Dossier, MonthlyRollup, OpenDossier, Procedure
from chiso.dossiers.recompute import recompute
from chiso.dossiers.rules import (
    FINANCIAL,
    SUPPLEMENT,
    DossierInput,
    PauseInput,
    RuleSettings,
    derive,
)
from chiso.dossiers.scorecard import open_on_time_by_agency, parse_period, score_card
from chiso.dossiers.workcalendar import WorkCalendar, build_calendar
from tests.dossiers.helpers import make_procedures, record
from tests.dossiers.test_rollup_property import dossier_record

CALENDARS = {
    "plain": build_calendar(),
    "cut-off 15:00": build_calendar(cutoff=datetime.time(15, 0)),
}
FIRST = datetime.datetime(2024, 4, 22)  # a fortnight with the 30/4–1/5 holidays and a làm bù


def moments(days: int = 24) -> st.SearchStrategy[datetime.datetime]:
    return st.builds(
        lambda d, m: FIRST + datetime.timedelta(days=d, minutes=m),
        st.integers(0, days),
        st.integers(0, 24 * 60 - 1),
    )


@st.composite
def open_dossier(draw: Any) -> DossierInput:
    received = draw(moments(10))
    later = st.builds(lambda m: received + (m - FIRST), moments(14))
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        a = draw(later)
        b = draw(st.one_of(st.none(), st.builds(lambda m, a=a: a + (m - FIRST), moments(5))))
        pauses.append(PauseInput(draw(st.sampled_from([SUPPLEMENT, FINANCIAL])), a, b))
    due = draw(st.one_of(st.none(), later))
    apologies = [(draw(later), draw(later)) for _ in range(draw(st.integers(0, 2)))]
    return DossierInput(
        received_at=received,
        status=4,
        due_at=due,
        due_initial=draw(st.one_of(st.none(), later)) if due else None,
        finished_at=draw(st.one_of(st.none(), st.none(), later)),
        time_limit=Decimal(draw(st.sampled_from([1, 3, 15]))),
        time_unit=draw(st.sampled_from(["working_day", "working_hour", "day"])),
        pauses=pauses,
        apologies=apologies,
    )


@settings(max_examples=600, deadline=None)
@given(
    d=open_dossier(),
    ends=st.lists(moments(40), min_size=1, max_size=6),
    calendar=st.sampled_from(sorted(CALENDARS)),
    multiple_late=st.booleans(),
    subtract_financial=st.booleans(),
)
def test_a_dossier_is_on_time_at_any_moment_exactly_up_to_its_deadline_position(
    d: DossierInput,
    ends: list[datetime.datetime],
    calendar: str,
    multiple_late: bool,
    subtract_financial: bool,
) -> None:
    cal = CALENDARS[calendar]
    rules = RuleSettings(
        multiple_supplements_late=multiple_late, subtract_financial_wait=subtract_financial
    )
    found = openclock.limits(cal, d, rules)
    if found is None:  # overlapping subtracted pauses: only possible off the portal's defaults
        assert subtract_financial or not multiple_late
        return
    t, t_ext = found
    for end in ends + [
        datetime.datetime.combine(e.date(), datetime.time(23, 59, 59)) for e in ends
    ]:
        out = derive(cal, d, end, rules)
        assert out.on_time == (cal.position(end) <= t), (end, t)
        assert out.on_time_extended == (cal.position(end) <= t_ext), (end, t_ext)
        assert counted_on_time(cal, t_ext, end) == out.on_time_extended


def counted_on_time(cal: WorkCalendar, t: int, end: datetime.datetime) -> bool:
    """What the score card's SQL decides from ``late_from`` (and, on the day itself, T)."""
    late_from = openclock.late_from(cal, t)
    return late_from > end.date() or (late_from == end.date() and cal.position(end) <= t)


def test_with_the_portal_defaults_every_dossier_reduces_to_a_threshold() -> None:
    cal = CALENDARS["plain"]
    received = datetime.datetime(2024, 5, 6, 9, 0)
    d = DossierInput(
        received_at=received,
        status=4,
        due_at=received + datetime.timedelta(days=3),
        pauses=[
            PauseInput(SUPPLEMENT, received, received + datetime.timedelta(days=1)),
            PauseInput(FINANCIAL, received, received + datetime.timedelta(days=2)),
        ],
    )
    assert openclock.limits(cal, d, RuleSettings()) is not None
    both = RuleSettings(subtract_financial_wait=True)
    assert openclock.limits(cal, d, both) is None  # overlapping: derived at the period's end


# --- in the database ---------------------------------------------------------------------


def random_records(seed: int, n: int) -> list[dict[str, Any]]:
    """Dossiers of spring 2024, a third still open, with pauses, apologies, missing due
    dates, receipts after office hours and on holidays."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        received = datetime.datetime(2024, 3, 25, 6, 0) + datetime.timedelta(
            days=rng.randrange(60), minutes=rng.randrange(14 * 60)
        )

        def later(days: int, base: datetime.datetime = received) -> str:
            moment = base + datetime.timedelta(days=rng.randrange(days), hours=rng.randrange(10))
            return moment.strftime("%Y%m%d%H%M%S")

        open_ = rng.random() < 0.35
        due = None if rng.random() < 0.15 else later(20)
        rec = record(
            f"R{seed}-{i}",
            MaTTHC=rng.choice(["1.000001", "2.000002"]),
            DonViXuLy=rng.choice(["stp", "sxd"]),
            TrangThaiHoSo=4 if open_ else 10,
            NgayTiepNhan=received.strftime("%Y%m%d%H%M%S"),
            NgayHenTra=due,
            NgayKetThucXuLy=None if open_ else later(25),
        )
        if due and rng.random() < 0.3:
            rec["NgayHenTraBanDau"] = later(10)
        pauses = []
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            asked = received + datetime.timedelta(days=rng.randrange(8), hours=rng.randrange(9))
            done = None if rng.random() < 0.2 else later(6, asked)
            pauses.append(
                {"NgayYeuCauBoSung": asked.strftime("%Y%m%d%H%M%S"), "NgayCongDanBoSung": done}
            )
        if pauses:
            rec["DanhSachHoSoBoSung"] = pauses
        if rng.random() < 0.2:
            rec["DanhSachXinLoi"] = [{"NgayXinLoi": later(10), "NgayHenTraMoi": later(30)}]
        out.append(rec)
    return out


def exact_counts(first: datetime.date, last: datetime.date, end: datetime.datetime) -> dict:
    """Per agency, the open dossiers of the months derived one by one at ``end`` (rules.py)."""
    cal, rules = current_calendar(), rule_settings()
    counts: dict[int, int] = {}
    for d in Dossier.objects.filter(
        is_counted=True, settled=False, counted_on__range=(first, last)
    ).select_related("procedure"):
        derive_dossier(
            cal,
            rules,
            end,
            d,
            d.procedure,
            list(d.pauses.all()),
            list(d.apologies.all()),
            list(d.steps.all()),
        )
        on_time = d.on_time_extended if rules.portal_view == "extended" else d.on_time
        if on_time:
            counts[d.agency_id] = counts.get(d.agency_id, 0) + 1
    return counts


def open_rows() -> list[tuple[Any, ...]]:
    return sorted(OpenDossier.objects.values_list(*(c for c in openclock.COLUMNS)))


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["extended", "original"])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_sql_count_equals_the_dossiers_derived_one_by_one(
    world: Any, settings: Any, view: str, seed: int
) -> None:
    settings.DOSSIERS_PORTAL_VIEW = view
    make_procedures()
    records = random_records(seed, 120)
    ingest_records(records[:80])
    ingest_records(records[60:])  # 20 re-sent: their rows are replaced, not duplicated
    assert OpenDossier.objects.count() == Dossier.objects.filter(settled=False).count() > 20
    rng = random.Random(seed)
    ends = [
        datetime.datetime(2024, 4, 30, 23, 59, 59),
        datetime.datetime(2024, 5, 3, 23, 59, 59),  # the Friday after the holidays
        datetime.datetime(2024, 5, 4, 23, 59, 59),  # the Saturday worked in exchange
    ] + [
        datetime.datetime(2024, 4, 1) + datetime.timedelta(minutes=rng.randrange(60 * 24 * 60))
        for _ in range(8)  # the period in progress: any moment of a day
    ]
    for end in ends:
        for first in (datetime.date(2024, 3, 1), datetime.date(2024, 4, 1)):
            got = openclock.on_time_by_agency(Q(), first, datetime.date(2024, 5, 31), end)
            assert got == exact_counts(first, datetime.date(2024, 5, 31), end), end
    for label in ("2024", "2024-Q2", "2024-04", "2024-05"):
        period = parse_period(label)
        assert open_on_time_by_agency(Q(), period) == exact_counts(
            period.first, period.last, period.end
        )
    before = open_rows()
    recompute()
    assert open_rows() == before


@pytest.mark.django_db
def test_overlapping_pauses_are_derived_at_the_period_end(world: Any, settings: Any) -> None:
    settings.DOSSIERS_SUBTRACT_FINANCIAL_WAIT = True
    make_procedures()
    ingest_records(
        [
            record(
                "OVERLAP",
                TrangThaiHoSo=4,
                NgayKetThucXuLy=None,
                NgayHenTra="20240115090000",
                DanhSachHoSoBoSung=[
                    {"NgayYeuCauBoSung": "20240108100000", "NgayCongDanBoSung": "20240110100000"}
                ],
                DanhSachNghiaVuTaiChinh=[
                    {"NgayYeuCau": "20240109100000", "NgayHoanThanh": "20240112100000"}
                ],
            )
        ]
    )
    row = OpenDossier.objects.get()
    assert row.exact
    for label, expected in (("2024-01", 0), ("2024", 0)):
        period = parse_period(label)
        assert open_on_time_by_agency(Q(), period) == exact_counts(
            period.first, period.last, period.end
        )
        assert score_card(period).metrics["dossier.on_time_rate"].numerator == expected


@pytest.mark.django_db
def test_an_open_dossier_counts_on_time_until_its_due_date_then_late(world: Any) -> None:
    make_procedures()
    ingest_records(
        [
            record(
                "OPEN",
                TrangThaiHoSo=4,
                NgayKetThucXuLy=None,
                NgayTiepNhan="20240129090000",
                NgayHenTra="20240201090000",  # due Thursday 01/02
            )
        ]
    )
    stp = world.stp.pk
    jan, feb = parse_period("2024-01"), parse_period("2024-02")
    assert open_on_time_by_agency(Q(), jan) == {stp: 1}
    assert open_on_time_by_agency(Q(), feb) == {}  # counted in January only
    end = datetime.datetime(2024, 1, 31, 23, 59, 59)
    assert openclock.on_time_by_agency(Q(), jan.first, jan.last, end) == {stp: 1}
    for moment, on_time in (
        (datetime.datetime(2024, 2, 1, 9, 0), True),
        (datetime.datetime(2024, 2, 1, 9, 1), False),
        (datetime.datetime(2024, 2, 1, 23, 59, 59), False),
    ):
        got = openclock.on_time_by_agency(Q(), jan.first, jan.last, moment)
        assert got == ({stp: 1} if on_time else {}), moment


# --- monthly rollups -----------------------------------------------------------------------


def monthly_table() -> list[tuple[Any, ...]]:
    columns = ("agency_id", "field_code", "month", *MonthlyRollup.COUNTERS)
    return sorted(MonthlyRollup.objects.values_list(*columns))


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(dossier_record(), min_size=1, max_size=6), min_size=1, max_size=4))
def test_monthly_rollups_and_open_rows_always_equal_their_rebuild(
    world: Any, batches: list[list[dict[str, Any]]]
) -> None:
    if not Procedure.objects.exists():
        make_procedures()
    Dossier.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    for batch in batches:
        ingest_records(batch)
        assert monthly_table() == sorted(rollups.monthly_rows())
        kept = open_rows()
        openclock.rebuild()
        assert open_rows() == kept
    assert sum(r[3] for r in monthly_table()) == Dossier.objects.filter(is_counted=True).count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "subtract_financial, multiple_late", [(False, True), (True, True), (True, False)]
)
def test_recompute_writes_the_same_deadlines_as_the_ingest(
    world: Any, settings: Any, subtract_financial: bool, multiple_late: bool
) -> None:
    # The ingest writes each open dossier's deadlines with openclock (rules.py's calendar
    # arithmetic); recompute computes them for whole chunks with vectorised.open_limits.
    # Both, under every rule setting (overlapping pauses, several supplement requests).
    settings.DOSSIERS_SUBTRACT_FINANCIAL_WAIT = subtract_financial
    settings.DOSSIERS_MULTIPLE_SUPPLEMENTS_LATE = multiple_late
    make_procedures()
    records = random_records(3, 150)
    for r in records[::3]:  # a financial wait as well, overlapping the supplements at times
        r["DanhSachNghiaVuTaiChinh"] = [
            {"NgayYeuCau": p["NgayYeuCauBoSung"], "NgayHoanThanh": p["NgayCongDanBoSung"]}
            for p in r.get("DanhSachHoSoBoSung", [])
        ] + [{"NgayYeuCau": r["NgayTiepNhan"], "NgayHoanThanh": r["NgayHenTra"]}]
    ingest_records(records)
    by_ingest = open_rows()
    assert len(by_ingest) > 30 and any(row[-1] for row in by_ingest) == subtract_financial
    recompute(chunk=40)
    assert open_rows() == by_ingest
    recompute(chunk=25, open_only=True)
    assert open_rows() == by_ingest


def _item(d: DossierInput) -> tuple[Any, ...]:
    """``d`` as one item of vectorised.derive_batch (procedure, raw, pauses, apologies, steps)."""
    procedure = SimpleNamespace(
        time_limit=d.time_limit,
        time_unit=d.time_unit,
        has_fee=False,
        paper_result=False,
        full_online_eligible=False,
    )
    raw = {
        "status": d.status,
        "channel": 1,
        "received_at": d.received_at,
        "due_initial": d.due_initial,
        "due_at": d.due_at,
        "finished_at": d.finished_at,
        "returned_at": d.returned_at,
        "fee_total": 0,
        "paid_online": 0,
        "result_channel": 1,
        "e_result": False,
        "digitised": False,
        "reused_data": False,
    }
    pauses = [(p.kind, p.requested_at, p.completed_at) for p in d.pauses]
    return procedure, raw, pauses, list(d.apologies), []


def _date(days: int) -> datetime.date:
    if days < 0:
        return datetime.date.min
    if days > 10**6:
        return datetime.date.max
    return datetime.date(1970, 1, 1) + datetime.timedelta(days=days)


@settings(max_examples=150, deadline=None)
@given(
    dossiers=st.lists(open_dossier(), min_size=1, max_size=8),
    calendar=st.sampled_from(sorted(CALENDARS)),
    multiple_late=st.booleans(),
    subtract_financial=st.booleans(),
)
def test_the_vectorised_deadlines_are_openclocks(
    dossiers: list[DossierInput], calendar: str, multiple_late: bool, subtract_financial: bool
) -> None:
    # recompute writes the open dossiers' deadlines with vectorised.open_limits; the ingest
    # with openclock.limits and late_from. The same numbers for every dossier of a batch.
    cal = CALENDARS[calendar]
    rules = RuleSettings(
        multiple_supplements_late=multiple_late, subtract_financial_wait=subtract_financial
    )
    batch, procedures = vectorised._batch([_item(d) for d in dossiers], cal.day_minutes)
    got = vectorised.open_limits(cal, rules, batch, procedures)
    assert not got.fallback.any()
    for i, d in enumerate(dossiers):
        found = openclock.limits(cal, d, rules)
        t, t_ext = found if found is not None else (openclock.NEVER, openclock.NEVER)
        assert (got.deadline[i], got.deadline_extended[i]) == (t, t_ext)
        assert got.exact[i] == (found is None)
        assert _date(int(got.late_from[i])) == openclock.late_from(cal, t)
        assert _date(int(got.late_from_extended[i])) == openclock.late_from(cal, t_ext)
