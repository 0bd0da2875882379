"""Every rule of rules.py on a dossier worked by hand (office hours 07:30–11:30, 13:00–17:00).

January 2024: Fri 05, Mon 08, Tue 09, Wed 10, Thu 11, Fri 12. One working day = 480 minutes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chiso.dossiers.rules import (
    DossierInput,
    PauseInput,
    RuleSettings,
    StepInput,
    derive,
)
from chiso.dossiers.workcalendar import build_calendar

CAL = build_calendar()
LATE_PERIOD_END = dt.datetime(2024, 1, 31, 17, 0)


def at(day: str, hm: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}")


def dossier(**kw: object) -> DossierInput:
    base: dict[str, object] = {
        "received_at": at("2024-01-08"),
        "status": 10,
        "due_at": at("2024-01-10"),  # two working days
        "time_limit": Decimal(2),
    }
    base.update(kw)
    return DossierInput(**base)  # type: ignore[arg-type]


def test_finished_before_the_due_date_is_on_time() -> None:
    out = derive(CAL, dossier(finished_at=at("2024-01-10", "08:30")), LATE_PERIOD_END)
    assert out.settled and out.on_time and out.late_days == 0


def test_finished_a_day_after_the_due_date_is_one_working_day_late() -> None:
    out = derive(CAL, dossier(finished_at=at("2024-01-11")), LATE_PERIOD_END)
    assert out.on_time is False and out.late_days == Decimal("1.00")


def test_the_citizens_supplement_time_is_not_counted() -> None:
    # Paused Mon 13:00 → Tue 13:00 (one working day): 3 days elapsed − 1 = 2 ≤ 2.
    pause = PauseInput("bo_sung", at("2024-01-08", "13:00"), at("2024-01-09", "13:00"))
    out = derive(CAL, dossier(finished_at=at("2024-01-11"), pauses=[pause]), LATE_PERIOD_END)
    assert out.on_time is True


def test_two_supplement_requests_make_the_dossier_late_unless_configured_otherwise() -> None:
    pauses = [
        PauseInput("bo_sung", at("2024-01-08", "10:00"), at("2024-01-08", "10:30")),
        PauseInput("bo_sung", at("2024-01-08", "14:00"), at("2024-01-08", "14:30")),
    ]
    d = dossier(finished_at=at("2024-01-09"), pauses=pauses)
    assert derive(CAL, d, LATE_PERIOD_END).on_time is False
    lenient = RuleSettings(multiple_supplements_late=False)
    assert derive(CAL, d, LATE_PERIOD_END, lenient).on_time is True


def test_a_pending_supplement_request_ends_the_clock_at_the_request() -> None:
    pause = PauseInput("bo_sung", at("2024-01-09"), None)
    out = derive(CAL, dossier(status=5, pauses=[pause]), LATE_PERIOD_END)
    assert out.settled and out.on_time is True


def test_an_unfinished_dossier_is_measured_at_the_end_of_the_period() -> None:
    open_dossier = dossier(status=4)
    late = derive(CAL, open_dossier, at("2024-01-12", "17:00"))
    # Wed 09:00 → Fri 17:00 = 6.5 (lunch excluded) + 8 + 8 hours = 2.8125 working days.
    assert not late.settled and late.on_time is False and late.late_days == Decimal("2.81")
    in_time = derive(CAL, open_dossier, at("2024-01-09", "17:00"))
    assert not in_time.settled and in_time.on_time is True


def test_without_a_due_date_the_legal_limit_applies_from_the_clock_start() -> None:
    # Received Fri 05/01 16:00, 3 working days: due Wed 10/01 16:00.
    d = dossier(received_at=at("2024-01-05", "16:00"), due_at=None, time_limit=Decimal(3))
    on_time = derive(
        CAL,
        d.__class__(**{**d.__dict__, "finished_at": at("2024-01-10", "16:00")}),
        LATE_PERIOD_END,
    )
    late = derive(
        CAL,
        d.__class__(**{**d.__dict__, "finished_at": at("2024-01-10", "16:30")}),
        LATE_PERIOD_END,
    )
    assert on_time.on_time is True and late.on_time is False


def test_tet_is_not_counted_in_the_legal_limit() -> None:
    d = dossier(
        received_at=at("2024-02-07"),
        due_at=None,
        time_limit=Decimal(3),
        finished_at=at("2024-02-19"),
    )
    assert derive(CAL, d, LATE_PERIOD_END.replace(month=3)).on_time is True


def test_a_limit_in_working_hours() -> None:
    d = dossier(
        received_at=at("2024-01-08", "16:00"),
        due_at=None,
        time_limit=Decimal(4),
        time_unit="working_hour",
        finished_at=at("2024-01-09", "10:30"),
    )
    # 1 hour on Monday + 3 hours Tuesday morning ends at 10:30.
    assert derive(CAL, d, LATE_PERIOD_END).on_time is True


def test_a_dossier_received_after_hours_counts_from_the_next_morning() -> None:
    d = dossier(
        received_at=at("2024-01-05", "18:00"),
        due_at=None,
        time_limit=Decimal(1),
        finished_at=at("2024-01-08", "16:00"),
    )
    assert derive(CAL, d, LATE_PERIOD_END).on_time is True


def test_a_withdrawn_dossier_is_judged_at_the_withdrawal() -> None:
    out = derive(CAL, dossier(status=7, finished_at=at("2024-01-09")), LATE_PERIOD_END)
    assert out.counted and out.settled and out.on_time is True


def test_a_refused_dossier_is_not_counted() -> None:
    out = derive(CAL, dossier(status=3, finished_at=at("2024-01-08", "10:00")), LATE_PERIOD_END)
    assert out.counted is False


def test_an_extension_keeps_both_views_and_the_apology_must_precede_the_missed_date() -> None:
    apology = (at("2024-01-09"), at("2024-01-12"))
    d = dossier(
        due_initial=at("2024-01-10"),
        due_at=at("2024-01-12"),
        finished_at=at("2024-01-11"),
        apologies=[apology],
    )
    out = derive(CAL, d, LATE_PERIOD_END)
    assert out.on_time is False and out.on_time_extended is True
    assert out.late_without_apology is False
    too_late = (at("2024-01-11", "08:00"), at("2024-01-12"))
    tardy = derive(CAL, d.__class__(**{**d.__dict__, "apologies": [too_late]}), LATE_PERIOD_END)
    assert tardy.late_without_apology is True


def test_channel_end_to_end_online_payment_and_results() -> None:
    online = dossier(
        channel=2,
        result_channel=2,
        has_fee=True,
        fee_total=Decimal(50000),
        paid_online=2,
        full_online_eligible=True,
        e_result=True,
        digitised=True,
        reused_data=True,
        finished_at=at("2024-01-09"),
    )
    out = derive(CAL, online, LATE_PERIOD_END)
    assert (out.online, out.full_online, out.fee_bearing, out.paid_online) == (True,) * 4
    assert out.e_result and out.digitised and out.reused
    unpaid = derive(CAL, online.__class__(**{**online.__dict__, "paid_online": 0}), LATE_PERIOD_END)
    assert unpaid.full_online is False and unpaid.paid_online is False
    free = derive(
        CAL,
        online.__class__(**{**online.__dict__, "fee_total": Decimal(0), "paid_online": 0}),
        LATE_PERIOD_END,
    )
    assert free.fee_bearing is False and free.full_online is True
    at_desk = derive(CAL, dossier(channel=1, finished_at=at("2024-01-09")), LATE_PERIOD_END)
    assert not at_desk.online and not at_desk.full_online
    # Digitised requires the e-result when a paper result is due.
    no_e = derive(CAL, dossier(digitised=True, finished_at=at("2024-01-09")), LATE_PERIOD_END)
    assert no_e.digitised is False


STEPS = [
    StepInput(1, at("2024-01-08", "07:30"), at("2024-01-08", "09:30"), 240),  # one-stop
    StepInput(2, at("2024-01-08", "09:30"), at("2024-01-10", "09:30"), 480),  # specialist
    StepInput(3, at("2024-01-10", "09:30"), at("2024-01-10", "11:30"), 240),  # leader
]


def test_the_late_dossier_is_attributed_to_the_step_that_overran() -> None:
    d = dossier(
        received_at=at("2024-01-08", "07:30"),
        due_at=at("2024-01-09", "17:00"),
        finished_at=at("2024-01-10", "11:30"),
        steps=STEPS,
    )
    out = derive(CAL, d, LATE_PERIOD_END)
    used = {s.seq: (s.used_minutes, s.overrun_minutes) for s in out.steps}
    assert used == {1: (120, 0), 2: (960, 480), 3: (120, 0)}
    assert out.on_time is False and out.responsible_seq == 2


def test_a_pause_inside_a_step_is_not_the_step_owners_time() -> None:
    pause = PauseInput("bo_sung", at("2024-01-08", "10:30"), at("2024-01-09", "10:30"))
    d = dossier(
        received_at=at("2024-01-08", "07:30"),
        due_at=at("2024-01-09", "17:00"),
        finished_at=at("2024-01-10", "11:30"),
        steps=STEPS,
        pauses=[pause],
    )
    out = derive(CAL, d, LATE_PERIOD_END)
    assert out.steps[1].used_minutes == 480 and out.steps[1].overrun_minutes == 0
    assert out.on_time is True and out.responsible_seq is None
