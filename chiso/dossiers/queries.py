"""Read-only queries behind the dossier screens (rollups first, dossiers only for lists)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, overload

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.delay_rollups import NO_STEP_NUMBER
from chiso.dossiers.models import (
    DailyRollup,
    DelayCauseRollup,
    Dossier,
    MonthlyRollup,
    Procedure,
    ProcessStep,
    Role,
    StepEvent,
)
from chiso.dossiers.scorecard import Period, ScoreCard, rate, score_cards
from chiso.dossiers.workcalendar import aware, local
from chiso.org.models import Agency


def years() -> list[int]:
    return sorted({d.year for d in MonthlyRollup.objects.dates("month", "year")}, reverse=True)


def monthly_trend(agencies: Q, year: int) -> dict[str, list[Any]]:
    """On-time rate (settled dossiers, portal view) and online rate per month of ``year``."""
    rows = (
        MonthlyRollup.objects.filter(
            agencies, month__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 1))
        )
        .annotate(number=ExtractMonth("month"))
        .values("number")
        .annotate(
            received=Sum("received"),
            settled=Sum("settled"),
            late=Sum("late_extended"),
            online=Sum("online"),
        )
        .order_by("number")
    )
    out: dict[str, list[Any]] = {"months": [], "on_time": [], "online": []}
    for r in rows:
        out["months"].append(f"{r['number']:02d}/{year}")
        on_time = rate(r["settled"] - r["late"], r["settled"])
        online = rate(r["online"], r["received"])
        out["on_time"].append(float(on_time) if on_time is not None else None)
        out["online"].append(float(online) if online is not None else None)
    return out


def late_by_field(agencies: Q, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    names = dict(Procedure.objects.values_list("field_code", "field_name"))
    rows = (
        MonthlyRollup.objects.filter(agencies, month__range=(period.first, period.last))
        .values("field_code")
        .annotate(late=Sum("late"), received=Sum("received"))
        .filter(late__gt=0)
        .order_by("-late")[:limit]
    )
    return [
        {
            **r,
            "name": names.get(r["field_code"], r["field_code"]),
            "rate": rate(r["late"], r["received"]),
        }
        for r in rows
    ]


def with_dossiers(agencies: QuerySet[Agency], period: Period) -> list[Agency]:
    """The agencies of ``agencies`` with dossiers in the period."""
    months = MonthlyRollup.objects.filter(month__range=(period.first, period.last))
    return list(agencies.filter(pk__in=months.values("agency_id")))


def ranking(agencies: QuerySet[Agency], period: Period) -> list[dict[str, Any]]:
    """Each agency with dossiers in the period, best 766 score first."""
    ranked = with_dossiers(agencies, period)
    return rank(ranked, score_cards(period, ranked))


def rank(agencies: list[Agency], cards: dict[int | None, ScoreCard]) -> list[dict[str, Any]]:
    """The ranking rows of ``agencies`` from their cards (:func:`score_cards`)."""
    rows = [
        {
            "agency": a,
            "score": cards[a.pk].score,
            "received": cards[a.pk].counters["received"],
            "on_time": cards[a.pk].metrics["dossier.on_time_rate"].value,
            "online": cards[a.pk].metrics["dossier.full_online_rate"].value,
        }
        for a in agencies
    ]
    rows.sort(key=lambda r: (-(r["score"] or Decimal(0)), r["agency"].name))
    return rows


# The two states of a late dossier in the late list. "settled": finished after the original
# due date, what the rollups count as late, hence the dashboard, field and agency pages (and
# the 766 on-time rate, which counts settled outcomes); "open": still being processed and
# already past it (the value stored at ingest or recompute).
LATE_STATES = {"settled": Q(settled=True), "open": Q(settled=False)}


def late_dossiers(
    agencies: Q, period: Period, field_code: str = "", state: str = "", **responsible: Any
) -> QuerySet[Dossier]:
    """Late dossiers (original due date) of the period, most late first; ``state`` (a key of
    :data:`LATE_STATES`, empty: both) keeps the settled or the open ones. ``responsible`` narrows
    them by procedure code and by the step they are attributed to (``step`` number, ``role``,
    ``person``, ``unit``), as the field page's figures count them."""
    qs = Dossier.objects.filter(
        agencies, is_counted=True, on_time=False, counted_on__range=(period.first, period.last)
    )
    if state:
        qs = qs.filter(LATE_STATES[state])
    if field_code:
        qs = qs.filter(field_code=field_code)
    if responsible.get("procedure"):
        qs = qs.filter(procedure__code=responsible["procedure"])
    step = {
        f"steps__{name}": responsible[key]
        for key, name in (
            ("step", "step_number"),
            ("role", "role"),
            ("person", "person"),
            ("unit", "unit"),
        )
        if responsible.get(key) not in (None, "")
    }
    if step:
        # One filter() call: the conditions hold for the same step, the responsible one.
        qs = qs.filter(steps__seq=F("responsible_seq"), **step)
    return qs.select_related("agency", "procedure").order_by("-late_days", "code")


def _narrowed_by_step(responsible: dict[str, Any]) -> bool:
    """Whether ``responsible`` (of :func:`late_dossiers`) narrows the list beyond the rollups'
    keys: a procedure or the responsible step."""
    return any(value not in (None, "") for value in responsible.values())


def late_state_counts(
    agencies: Q, period: Period, field_code: str = "", **responsible: Any
) -> dict[str, int]:
    """How many of the dossiers :func:`late_dossiers` lists with the same arguments are settled
    and open. ``agencies`` is a Q on ``agency_id`` (as the views build it).

    Settled late dossiers are, by definition, the rollups' ``late`` counter (rollups.CONDITIONS:
    counted, settled, not on time, kept per agency, field and month of ``counted_on``; periods
    are whole months), so unless a procedure or a responsible step narrows the list they are
    summed from the monthly rollups: a cost that does not grow with the number of late
    dossiers. The open overdue ones are counted on their own index (``dossier_open_late``):
    only dossiers still open, a few months' flow at most."""
    late = late_dossiers(agencies, period, field_code, **responsible).order_by()
    if _narrowed_by_step(responsible):
        # Aliases apart from the field names ("settled" is one).
        counts = late.aggregate(
            **{f"n_{key}": Count("pk", filter=where) for key, where in LATE_STATES.items()}
        )
        return {key: counts[f"n_{key}"] for key in LATE_STATES}
    where = (agencies & Q(field_code=field_code)) if field_code else agencies
    settled = MonthlyRollup.objects.filter(
        where, month__range=(period.first, period.last)
    ).aggregate(n=Sum("late"))["n"]
    return {"settled": settled or 0, "open": _count_open(late.filter(LATE_STATES["open"]))}


def _count_open(late: QuerySet[Dossier]) -> int:
    """How many dossiers ``late`` (open overdue ones) holds, read on ``dossier_open_late``.
    SQLite without statistics prefers the index of an agency, which holds all its dossiers."""
    if connection.vendor != "sqlite":
        return late.count()
    sql, params = _on_sqlite_index(late.values("pk"), "dossier_open_late")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql})", params)
        return int(cursor.fetchone()[0])


def _on_sqlite_index(rows: QuerySet[Dossier, Any], index: str) -> tuple[str, Any]:
    """The SQL and parameters of ``rows`` read on SQLite through ``index`` (``INDEXED BY``: the
    rows are the same, only the way to them is named)."""
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    table = connection.ops.quote_name(Dossier._meta.db_table)
    named = f"FROM {table} INDEXED BY {connection.ops.quote_name(index)}"
    return sql.replace(f"FROM {table}", named, 1), params


def late_everywhere() -> int:
    """Every late dossier the index ``dossier_late_order`` holds (all periods and agencies)."""
    settled = MonthlyRollup.objects.aggregate(n=Sum("late"))["n"] or 0
    return settled + _count_open(
        Dossier.objects.filter(is_counted=True, on_time=False, settled=False)
    )


# How many entries of the late list's order a page may walk for each row the list has before
# sorting the list's rows is cheaper (both read about one index entry or row per step; the
# sort also builds a temporary tree). An estimate: either way the rows are the same.
WALK_PER_ROW = 4


class LateRows:
    """The late dossiers of :func:`late_dossiers` as :class:`~django.core.paginator.Paginator`
    reads them: ``count`` is known beforehand (:func:`late_state_counts`) and a page selects
    the ids of its rows first, then reads those rows.

    A page walks the index ``dossier_late_order``, whose order is the list's (-late_days, code),
    and stops after its last row, when the rows of the list are dense enough in it: about
    ``end * everywhere / count`` index entries for a page ending at row ``end``, whatever the
    number of late dossiers. A narrow list (one agency, one month of several years, a person)
    is sorted instead, reading only its own rows through the index of its filter. SQLite has
    no statistics to weigh the two, so the walk is named (``INDEXED BY``); PostgreSQL weighs
    them itself with its statistics."""

    def __init__(self, late: QuerySet[Dossier], count: int, everywhere: int) -> None:
        self.late = late
        self._count = count
        self.everywhere = everywhere
        self.ordered = True

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def walks(self, end: int) -> bool:
        """Whether a page ending at row ``end`` walks the list's order (see the class)."""
        return end * self.everywhere <= WALK_PER_ROW * self._count * self._count

    def ids(self, start: int, end: int) -> list[int]:
        wanted = self.late.values_list("pk", flat=True)[start:end]
        if connection.vendor != "sqlite" or not self.walks(end):
            return list(wanted)
        sql, params = _on_sqlite_index(wanted, "dossier_late_order")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    @overload
    def __getitem__(self, index: int) -> Dossier: ...
    @overload
    def __getitem__(self, index: slice) -> list[Dossier]: ...
    def __getitem__(self, index: int | slice) -> Dossier | list[Dossier]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start = index.start or 0
        end = self._count if index.stop is None else min(index.stop, self._count)
        if start >= end:
            return []
        ids = self.ids(start, end)
        found = Dossier.objects.select_related("agency", "procedure").in_bulk(ids)
        return [found[pk] for pk in ids]

    def __iter__(self) -> Iterator[Dossier]:
        return iter(self[0 : self._count])


def late_page(
    agencies: Q,
    period: Period,
    field_code: str = "",
    state: str = "",
    number: Any = None,
    **responsible: Any,
) -> tuple[Page[Dossier], dict[str, int]]:
    """Page ``number`` (as typed; Paginator.get_page reads it) of 50 rows of
    :func:`late_dossiers` with the same arguments, and the counts by state of the whole list
    whatever ``state`` keeps (:func:`late_state_counts`)."""
    counts = late_state_counts(agencies, period, field_code, **responsible)
    count = counts[state] if state else sum(counts.values())
    late = late_dossiers(agencies, period, field_code, state, **responsible)
    rows = LateRows(late, count, late_everywhere())
    return Paginator(rows, 50).get_page(number), counts


def responsible_steps(dossiers: list[Dossier]) -> dict[int, StepEvent]:
    """The step each late dossier is attributed to, by dossier id."""
    wanted = Q()
    for d in dossiers:
        if d.responsible_seq is not None:
            wanted |= Q(dossier_id=d.pk, seq=d.responsible_seq)
    if not wanted:
        return {}
    return {s.dossier_id: s for s in StepEvent.objects.filter(wanted)}


def due_soon(agencies: Q, days: int = 3) -> QuerySet[Dossier]:
    """Open dossiers whose due date falls within ``days`` working days from now (or passed)."""
    cal = current_calendar()
    now = local(timezone.now())
    horizon = aware(cal.add_working_days(now, days))
    return (
        Dossier.objects.filter(
            agencies, is_counted=True, finished_at=None, returned_at=None, due_at__lte=horizon
        )
        .exclude(status__in=[3, 7, 8, 9, 10])
        .select_related("agency", "procedure")
        .order_by("due_at")
    )


def timeline(dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's steps against the latest template of its procedure, step by step."""
    cal = current_calendar()
    template = dossier.procedure.templates.order_by("-version").first()
    planned = {s.number: s for s in template.steps.all()} if template else {}
    rows = []
    for s in dossier.steps.order_by("seq"):
        plan = planned.get(s.step_number) if s.step_number else None
        rows.append(
            {
                "event": s,
                "plan": plan,
                "used_days": Decimal(s.used_minutes) / cal.day_minutes,
                "allotted_days": Decimal(s.allotted_minutes) / cal.day_minutes,
                "overrun_days": Decimal(s.overrun_minutes) / cal.day_minutes,
                "responsible": s.seq == dossier.responsible_seq,
            }
        )
    missing = sorted(set(planned) - {s.step_number for s in dossier.steps.all()})
    for number in missing:
        rows.append({"event": None, "plan": planned[number], "responsible": False})
    return rows


def default_year() -> int:
    """The latest year with a finished dossier (a year whose dossiers are all still open, as in
    its first days, has no rates yet), else the latest year with any, else this year."""
    latest = MonthlyRollup.objects.filter(settled__gt=0).aggregate(day=Max("month"))["day"]
    if latest is not None:
        return int(latest.year)
    found = years()
    return found[0] if found else datetime.date.today().year


def field_name(field_code: str) -> str | None:
    """The field's name in the catalogue, or None when no procedure belongs to it."""
    return (
        Procedure.objects.filter(field_code=field_code)
        .order_by("code")
        .values_list("field_name", flat=True)
        .first()
    )


# The rates of a slice of dossiers other than on time: column → (numerator, denominator).
SLICE_RATIOS = {
    "online": ("online", "received"),
    "full_online": ("full_online", "eligible"),
    "paid_online": ("paid_online", "fee_bearing"),
    "e_result": ("e_result", "paper_result"),
    "digitised": ("digitised", "received"),
}
SLICE_COUNTERS = (
    "received",
    "settled",
    "late",
    "late_extended",
    *sorted({c for pair in SLICE_RATIOS.values() for c in pair} - {"received"}),
)


def _slice_rates(totals: dict[str, Any]) -> dict[str, Any]:
    """Rates of summed rollup counters. On time is over the *finished* dossiers (the portal's
    view of the due date, as the score card), since rollups hold settled outcomes only."""
    view_late = (
        totals["late_extended"] if rule_settings().portal_view == "extended" else totals["late"]
    )
    out = {
        "received": totals["received"],
        "settled": totals["settled"],
        "late": totals["late"],
        "on_time": rate(totals["settled"] - view_late, totals["settled"]),
    }
    for name, (num, den) in SLICE_RATIOS.items():
        out[name] = rate(totals[num], totals[den])
    return out


def rates_by_agency(where: Q, period: Period) -> dict[str, Any]:
    """Per agency the rates of the dossiers matching ``where`` (a Q on agency_id and
    field_code), worst on-time rate first, and the same rates for all of them together."""
    sums = {c: Sum(c) for c in SLICE_COUNTERS}
    grouped = (
        MonthlyRollup.objects.filter(where, month__range=(period.first, period.last))
        .values("agency_id", "agency__code", "agency__name")
        .annotate(**sums)
        .order_by()
    )
    rows, totals = [], dict.fromkeys(SLICE_COUNTERS, 0)
    for r in grouped:
        for c in SLICE_COUNTERS:
            totals[c] += r[c] or 0
        rows.append(
            {
                "code": r["agency__code"],
                "name": r["agency__name"],
                **_slice_rates({c: r[c] or 0 for c in SLICE_COUNTERS}),
            }
        )
    # Worst first; agencies with nothing finished yet (no rate) after those with one.
    rows.sort(
        key=lambda r: (r["on_time"] is None, r["on_time"] or Decimal(0), -r["late"], r["name"])
    )
    return {"rows": rows, "total": _slice_rates(totals)}


def late_by_procedure(where: Q, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    """The procedures with the most dossiers finished late in the period (rollups)."""
    rows = (
        DailyRollup.objects.filter(where, day__range=(period.first, period.last))
        .values("procedure__code", "procedure__name")
        .annotate(late=Sum("late"), received=Sum("received"), late_days=Sum("late_days"))
        .filter(late__gt=0)
        .order_by("-late", "procedure__code")[:limit]
    )
    return [
        {
            "code": r["procedure__code"],
            "name": r["procedure__name"],
            "late": r["late"],
            "rate": rate(r["late"], r["received"]),
            "mean_days": (Decimal(r["late_days"]) / r["late"]).quantize(Decimal("0.01")),
        }
        for r in rows
    ]


def delay_causes(where: Q, period: Period, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Who the late dossiers of the period are attributed to (rules.py S2: the step that
    overran first, with its role and person), by step of a procedure, by role and by person:
    how many late dossiers and the working days their steps overran. ``where`` is a Q on
    agency_id and field_code. Read from the delay-cause rollups (:mod:`delay_rollups`: the
    late dossiers' responsible steps grouped by month, equal to their grouped query), in the
    order of the grouping columns, which settles ties between equal counts."""
    columns = ("procedure__code", "step_number", "name", "role", "person", "unit")
    rows = (
        DelayCauseRollup.objects.filter(where, month__range=(period.first, period.last))
        .values(*columns)
        .annotate(dossiers=Sum("count"), overrun=Sum("overrun_minutes"))
        .order_by(*columns)
    )
    day = current_calendar().day_minutes
    labels = dict(Role.choices)
    steps: dict[tuple[Any, ...], dict[str, Any]] = {}
    roles: dict[str, dict[str, Any]] = {}
    persons: dict[tuple[str, str], dict[str, Any]] = {}

    def add(table: dict[Any, dict[str, Any]], key: Any, r: dict[str, Any], **item: Any) -> None:
        entry = table.setdefault(key, {**item, "count": 0, "overrun_minutes": 0})
        entry["count"] += r["dossiers"]
        entry["overrun_minutes"] += r["overrun"]

    for r in rows:
        role = r["role"]
        number = None if r["step_number"] == NO_STEP_NUMBER else r["step_number"]
        add(
            steps,
            (r["procedure__code"], number, r["name"], role),
            r,
            procedure=r["procedure__code"],
            number=number,
            name=r["name"] or labels.get(role, role),
            role=role,
            role_label=labels.get(role, role),
        )
        add(roles, role, r, role=role, role_label=labels.get(role, role))
        if r["person"]:
            add(persons, (r["person"], r["unit"]), r, person=r["person"], unit=r["unit"])

    # Steps sent without a name take it from their procedure's latest internal procedure.
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
