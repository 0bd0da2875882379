"""The dossiers still open, counted on time at a period's end in SQL (issue 4).

R2 measures a dossier not finished by the period's end E at E. :func:`rules.derive` at E says a
dossier is on time iff ``elapsed(E) <= allowed`` and it is not forced late (R4), with

    elapsed(E) = max(0, p(E) - s) - Σ_i max(0, min(p(E), c_i) - r_i)        (R5, R6)
    allowed    = max(0, p(due) - s)

where p is ``WorkCalendar.position`` (working minutes since the calendar's start, never
decreasing with time), s = p(clock start), due the due date of the view (R7; apologies only
move the extended one, whatever their issue date), and (r_i, c_i) = (max(p(requested), s),
p(completed)) for each completed pause whose wait is subtracted (pauses still pending count
nothing). Only p(E) depends on E.

**Claim.** If no two of those pauses overlap (r_{i+1} >= c_i once sorted), the dossier is on
time at E iff p(E) <= T, where T is computed by :func:`limit` (with no pause,
T = max(s, p(due))).

*Proof.* Call f(p) the elapsed time as a function of p = p(E). For p <= s every term is 0, so
f = 0 <= allowed. Past s, f grows by one per minute outside the pauses and stays flat inside
one (its term grows by one, and with disjoint pauses only one grows at a time), so f is
non-decreasing and unbounded (slope 1 after the last pause): {p : f(p) <= allowed} is
{p <= T} for the largest such T. :func:`limit` walks the working runs between pauses, spending
``allowed`` on them: a run from ``at`` to the next pause's r costs r - at; when the budget left
is smaller, T = at + budget (f reaches ``allowed`` inside the run); otherwise the pause is
passed for free (at = c). After the last pause T = at + budget. With no pause T = s + allowed
= max(s, p(due)). ∎

A dossier with an end time X in the future of its ingest (R1/R3: a pending supplement request
or a finishing date later than the import) is measured at min(X, E): f non-decreasing, it is on
time iff p(E) <= T or p(X) <= T, so T becomes "always" when p(X) <= T. Forced late (R4) is
T = :data:`NEVER`. Overlapping pauses (only when financial waits are subtracted, or several
supplements are allowed) make f decrease; those rows keep ``exact`` and are derived again with
``rules.derive`` at E (:func:`on_time_by_agency`).

**Period ends are day boundaries.** For a day D and its last instant D⁺, ``late_from`` L is the
first day with p(L⁺) > T. If L > D then p(E) <= p(D⁺) <= T: on time. If L < D then
p(E) >= p(L⁺) > T: late. Only when L = D and E is before D⁺ (the period in progress, E = now)
is T compared with p(E) itself. So a card reads ``late_from > D`` on an index
(month, late_from, agency), plus the few rows of the current day.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from chiso.dossiers.bulk import chunks, delete_where_in, insert_rows
from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.models import Apology, Dossier, OpenDossier, Pause, Procedure
from chiso.dossiers.rules import (
    FINANCIAL,
    SUPPLEMENT,
    DossierInput,
    PauseInput,
    RuleSettings,
    end_time,
    legal_due,
)
from chiso.dossiers.workcalendar import WorkCalendar, local

NEVER = -1  # forced late (R4): no position is within the deadline
ALWAYS = 2**31 - 1  # within the deadline whatever the period's end (fits a 4-byte integer)
COLUMNS = (
    "dossier_id",
    "agency_id",
    "field_code",
    "month",
    "deadline",
    "deadline_extended",
    "late_from",
    "late_from_extended",
    "exact",
)
_DOSSIER_FIELDS = (
    "pk",
    "agency_id",
    "field_code",
    "counted_on",
    "procedure_id",
    "received_at",
    "due_at",
    "due_initial",
    "finished_at",
    "returned_at",
)


def limit(start: int, due: int, pauses: Sequence[tuple[int, int]]) -> int:
    """T of the module's claim: the last position within the deadline, from the clock start,
    the due date's position and the disjoint subtracted pauses (r, c) sorted by r."""
    budget, at = max(0, due - start), start
    for r, c in pauses:
        if at + budget < r:
            break
        budget -= r - at
        at = c
    return at + budget


def limits(cal: WorkCalendar, d: DossierInput, rules: RuleSettings) -> tuple[int, int] | None:
    """T in the original and the extended view (R7), or None when the dossier's subtracted
    pauses overlap (no single threshold; derive it at the period's end instead)."""
    supplements = sum(1 for p in d.pauses if p.kind == SUPPLEMENT)
    if rules.multiple_supplements_late and supplements > 1:
        return NEVER, NEVER
    start = cal.clock_start(d.received_at)
    s = cal.position(start)
    kinds = {SUPPLEMENT} | ({FINANCIAL} if rules.subtract_financial_wait else set())
    spans = sorted(
        (max(cal.position(p.requested_at), s), cal.position(p.completed_at))
        for p in d.pauses
        if p.kind in kinds and p.completed_at is not None
    )
    spans = [(r, c) for r, c in spans if c > r]
    if any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False)):
        return None
    # The two due dates exactly as rules.derive takes them (R6, R7).
    original = d.due_initial or d.due_at or legal_due(cal, start, d.time_limit, d.time_unit)
    extended = max([d.due_at or original, original, *(new for _i, new in d.apologies)])
    end = end_time(d)
    stop = cal.position(end) if end is not None else None
    out = []
    for due in (original, extended):
        t = limit(s, cal.position(due), spans)
        out.append(ALWAYS if stop is not None and stop <= t else t)
    return out[0], out[1]


def late_from(cal: WorkCalendar, t: int) -> datetime.date:
    """The first day at whose end a dossier of threshold ``t`` is late: the day of the moment
    ``t + 1`` working minutes have elapsed (``moment_at`` gives the earliest such moment)."""
    if t < 0:
        return datetime.date.min
    if t == ALWAYS:
        return datetime.date.max
    try:
        return cal.moment_at(t + 1).date()
    except ValueError:  # beyond the calendar's last year
        return datetime.date.max


def _rows(cal: WorkCalendar, rules: RuleSettings, dossiers: list[tuple[Any, ...]]) -> list[Any]:
    """The OpenDossier rows (in :data:`COLUMNS` order) of open dossiers read as
    :data:`_DOSSIER_FIELDS`, with their pauses and apologies read here."""
    ids = [d[0] for d in dossiers]
    pauses: dict[int, list[PauseInput]] = {}
    apologies: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {}
    for part in chunks(ids):
        for pk, kind, requested, completed in Pause.objects.filter(dossier_id__in=part).values_list(
            "dossier_id", "kind", "requested_at", "completed_at"
        ):
            done = None if completed is None else local(completed)
            pauses.setdefault(pk, []).append(PauseInput(kind, local(requested), done))
        for pk, issued, new_due in Apology.objects.filter(dossier_id__in=part).values_list(
            "dossier_id", "issued_at", "new_due_at"
        ):
            apologies.setdefault(pk, []).append((local(issued), local(new_due)))
    procedures = {p.pk: p for p in Procedure.objects.filter(pk__in={d[4] for d in dossiers})}
    rows = []
    for pk, agency, field, counted_on, procedure_id, received_at, *moments in dossiers:
        due_at, due_initial, finished, returned = (None if m is None else local(m) for m in moments)
        procedure = procedures[procedure_id]
        d = DossierInput(
            received_at=local(received_at),
            status=0,  # not read: only counted dossiers are stored
            due_initial=due_initial,
            due_at=due_at,
            finished_at=finished,
            returned_at=returned,
            time_limit=procedure.time_limit,
            time_unit=procedure.time_unit,
            pauses=pauses.get(pk, ()),
            apologies=apologies.get(pk, ()),
        )
        found = limits(cal, d, rules)
        t, t_ext = found if found is not None else (NEVER, NEVER)
        month = counted_on.replace(day=1)
        rows.append(
            (
                pk,
                agency,
                field,
                month,
                t,
                t_ext,
                late_from(cal, t),
                late_from(cal, t_ext),
                found is None,
            )
        )
    return rows


def _open(ids: Sequence[int] | None = None) -> Any:
    found = Dossier.objects.filter(is_counted=True, settled=False)
    return found if ids is None else found.filter(pk__in=ids)


def refresh(dossier_ids: Iterable[int]) -> None:
    """Replace the rows of ``dossier_ids`` by their stored state: the ingest's hook, inside its
    transaction, after the batch's dossiers and items are written."""
    ids = list(dossier_ids)
    if not ids:
        return
    cal, rules = current_calendar(), rule_settings()
    delete_where_in(OpenDossier._meta.db_table, "dossier_id", ids)
    for part in chunks(ids):
        found = list(_open(part).values_list(*_DOSSIER_FIELDS))
        if found:
            insert_rows(OpenDossier._meta.db_table, COLUMNS, _rows(cal, rules, found))


@transaction.atomic
def rebuild(chunk: int = 5000) -> int:
    """Recompute every row from the dossiers (recompute's hook); return the row count."""
    cal, rules = current_calendar(), rule_settings()
    OpenDossier.objects.all().delete()
    last, count = 0, 0
    while True:
        found = list(
            _open().filter(pk__gt=last).order_by("pk").values_list(*_DOSSIER_FIELDS)[:chunk]
        )
        if not found:
            return count
        last = found[-1][0]
        insert_rows(OpenDossier._meta.db_table, COLUMNS, _rows(cal, rules, found))
        count += len(found)


def on_time_by_agency(
    agencies: Q, first: datetime.date, last: datetime.date, end: datetime.datetime
) -> dict[int, int]:
    """Per agency id, the open dossiers counted between the months of ``first`` and ``last``
    that are within their deadline at ``end`` (naive local), in the portal's view; agencies
    without one are left out. ``agencies`` filters on ``agency_id`` (and ``field_code``)."""
    from chiso.dossiers.ingest import derive_dossier  # avoids an import cycle

    cal, rules = current_calendar(), rule_settings()
    extended = rules.portal_view == "extended"
    late_from_field = "late_from_extended" if extended else "late_from"
    limit_field = "deadline_extended" if extended else "deadline"
    months = _months(first, last)
    rows = OpenDossier.objects.filter(agencies, month__in=months)
    day = end.date()
    counts: Counter[int] = Counter()

    def add(found: Any) -> None:
        for agency_id, n in found.values_list("agency_id").annotate(n=Count("*")).order_by():
            counts[agency_id] += n

    add(rows.filter(**{f"{late_from_field}__gt": day}))
    if cal.position(end) < cal.position(datetime.datetime.combine(day, datetime.time.max)):
        add(rows.filter(**{late_from_field: day, f"{limit_field}__gte": cal.position(end)}))
    exact = list(rows.filter(exact=True).values_list("dossier_id", flat=True))
    if exact:
        for d in (
            Dossier.objects.filter(pk__in=exact)
            .select_related("procedure")
            .prefetch_related("pauses", "apologies", "steps")
        ):
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
            counts[d.agency_id] += bool(d.on_time_extended if extended else d.on_time)
    return {agency_id: n for agency_id, n in counts.items() if n}


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s (an IN list: with it both
    databases seek (month, late_from) once per month instead of scanning the range)."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return out
