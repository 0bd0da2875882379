"""The vectorised deriver (vectorised.py) gives exactly what derive_values (rules.py) gives.

January 2024: Fri 05, Mon 08 … Fri 12; Tết 2024 is off from Thu 08/02 to Wed 14/02. One working
day = 480 minutes (07:30–11:30, 13:00–17:00) unless a calendar says otherwise.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.dossiers.ingest import derive_values
from chiso.dossiers.models import Procedure
from chiso.dossiers.rules import FINANCIAL, SUPPLEMENT, RuleSettings, StepOutcome
from chiso.dossiers.vectorised import derive_batch
from chiso.dossiers.workcalendar import build_calendar, parse_sessions

UTC = dt.UTC
CALENDARS = (
    build_calendar(),
    # A Saturday worked, a Wednesday off, a cut-off with seconds.
    build_calendar(
        [(dt.date(2024, 1, 13), True), (dt.date(2024, 1, 10), False)],
        cutoff=dt.time(15, 0, 30),
    ),
    build_calendar(sessions=parse_sessions("08:00-12:00,13:30-17:30"), cutoff=dt.time(16, 0)),
)
PROCEDURES = [
    Procedure(
        code=f"P{i}",
        time_limit=Decimal(limit),
        time_unit=unit,
        has_fee=i % 2 == 0,
        paper_result=i % 3 != 0,
        full_online_eligible=i % 4 < 2,
    )
    for i, (limit, unit) in enumerate(
        [
            ("2", "working_day"),
            ("0.5", "working_day"),
            ("4", "working_hour"),
            ("0", "working_hour"),
            ("3", "day"),
            ("1.5", "day"),
            ("0", "working_day"),
            ("10", "working_day"),
        ]
    )
]
FIRST = dt.datetime(2024, 1, 1)


@st.composite
def moments(draw: Any) -> dt.datetime:
    """A moment of January–March 2024 (weekends, Tết, nights, seconds), naive local or aware."""
    minute = draw(
        st.one_of(
            st.integers(0, 90 * 1440),
            # Around the opening, the cut-offs and the closing of office hours.
            st.builds(
                lambda d, m: d * 1440 + m,
                st.integers(0, 90),
                st.sampled_from([449, 450, 451, 480, 690, 720, 780, 899, 900, 960, 1019, 1020]),
            ),
        )
    )
    second = draw(st.sampled_from([0, 0, 0, 30, 59]))
    micro = draw(st.sampled_from([0, 0, 0, 1, 999_999]))
    moment = FIRST + dt.timedelta(minutes=minute, seconds=second, microseconds=micro)
    if draw(st.booleans()):
        return moment
    return (moment - dt.timedelta(hours=7)).replace(tzinfo=UTC)  # as the database gives it


optional_moments = st.one_of(st.none(), moments())


@st.composite
def items(draw: Any) -> tuple[Any, ...]:
    raw = {
        "status": draw(st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9, 10])),
        "channel": draw(st.sampled_from([1, 2, 3])),
        "received_at": draw(moments()),
        "due_at": draw(optional_moments),
        "due_initial": draw(st.one_of(st.none(), st.none(), moments())),
        "finished_at": draw(optional_moments),
        "returned_at": draw(st.one_of(st.none(), st.none(), moments())),
        "fee_total": draw(st.sampled_from([Decimal(0), Decimal(50000)])),
        "paid_online": draw(st.sampled_from([0, 1, 2])),
        "result_channel": draw(st.sampled_from([1, 2, 3])),
        "e_result": draw(st.booleans()),
        "digitised": draw(st.booleans()),
        "reused_data": draw(st.booleans()),
        "synced": True,
    }
    pauses = draw(
        st.lists(
            st.tuples(st.sampled_from([SUPPLEMENT, FINANCIAL]), moments(), optional_moments),
            max_size=3,
        )
    )
    apologies = draw(st.lists(st.tuples(moments(), moments(), st.just("")), max_size=2))
    seqs = draw(st.lists(st.integers(1, 9), unique=True, max_size=4))
    steps = [
        (seq, draw(moments()), draw(optional_moments), draw(st.sampled_from([0, 60, 240, 480])))
        for seq in seqs
    ]
    return (draw(st.sampled_from(PROCEDURES)), raw, pauses, apologies, steps)


def exact(results: list[tuple[dict[str, Any], tuple[StepOutcome, ...]]]) -> list[Any]:
    """The results with each value's type and repr: Decimal('1.0') != Decimal('1.00') here, nor
    1 != True, nor None != False."""
    return [
        ({k: (type(v).__name__, repr(v)) for k, v in derived.items()}, steps)
        for derived, steps in results
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    calendar=st.sampled_from(CALENDARS),
    rules=st.builds(
        RuleSettings,
        multiple_supplements_late=st.booleans(),
        subtract_financial_wait=st.booleans(),
        portal_view=st.sampled_from(["extended", "original"]),
    ),
    as_of=moments(),
    batch=st.lists(items(), min_size=2, max_size=12),
)
def test_the_vectorised_deriver_gives_exactly_what_the_rules_give(
    calendar: Any, rules: RuleSettings, as_of: dt.datetime, batch: list[Any]
) -> None:
    as_of = as_of.astimezone(dt.timezone(dt.timedelta(hours=7))).replace(tzinfo=None)
    expected = [derive_values(calendar, rules, as_of, *item) for item in batch]
    assert exact(derive_batch(calendar, rules, as_of, batch)) == exact(expected)


def at(day: str, hm: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}")


def raw(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "status": 10,
        "channel": 2,
        "received_at": at("2024-01-08"),
        "due_at": at("2024-01-10"),
        "due_initial": None,
        "finished_at": None,
        "returned_at": None,
        "fee_total": Decimal(0),
        "paid_online": 0,
        "result_channel": 2,
        "e_result": True,
        "digitised": True,
        "reused_data": False,
        "synced": True,
    }
    base.update(kw)
    return base


def test_a_dossier_finished_a_day_late_is_one_working_day_late_and_blames_the_slow_step() -> None:
    steps = [
        (2, at("2024-01-09", "07:30"), at("2024-01-11", "09:00"), 480),  # 1.5 days for 1
        (1, at("2024-01-08", "09:00"), at("2024-01-09", "07:30"), 480),
    ]
    [(derived, outcomes)] = derive_batch(
        CALENDARS[0],
        RuleSettings(),
        at("2024-01-31", "17:00"),
        [(PROCEDURES[0], raw(finished_at=at("2024-01-11")), [], [], steps)],
    )
    assert derived["settled"] and derived["on_time"] is False
    assert str(derived["late_days"]) == "1.00" and derived["late_without_apology"]
    assert derived["responsible_seq"] == 2
    assert outcomes == (StepOutcome(1, 390, 0), StepOutcome(2, 1050, 570))


def test_a_dossier_received_on_friday_after_the_cut_off_counts_from_monday() -> None:
    # Cut-off 15:00:30 on the second calendar; due Monday 17:00: one working day from Monday.
    late_friday = raw(
        received_at=at("2024-01-05", "15:01"),
        due_at=at("2024-01-08", "17:00"),
        finished_at=at("2024-01-08", "16:59"),
    )
    [(derived, _steps)] = derive_batch(
        CALENDARS[1], RuleSettings(), at("2024-01-31"), [(PROCEDURES[0], late_friday, [], [], [])]
    )
    assert derived["on_time"] is True and derived["counted_on"] == dt.date(2024, 1, 5)


def test_a_moment_outside_the_calendar_raises_like_the_rules() -> None:
    item = (PROCEDURES[0], raw(finished_at=dt.datetime(2040, 1, 1)), [], [], [])
    with pytest.raises(ValueError, match="outside the calendar"):
        derive_values(CALENDARS[0], RuleSettings(), at("2041-01-01"), *item)
    with pytest.raises(ValueError, match="outside the calendar"):
        derive_batch(CALENDARS[0], RuleSettings(), at("2041-01-01"), [item])
