"""Ingesting dossiers: idempotent, validated row by row, resumable, fast.

- **Idempotent**: a dossier is keyed by MaHoSo; re-sending it updates it. Its pauses, apology
  letters and processing steps are keyed by (kind, request time), (issue time) and (order):
  a re-sent item replaces the stored one, new ones are added, none is duplicated.
- **Validated**: a bad row is quarantined (:class:`QuarantinedRow`, reason + raw text); the
  good rows are kept.
- **Never half a dossier**: a batch (its dossiers, their items and the rollup changes) is one
  transaction, and the file's checkpoint (:class:`ImportRun.last_line`) is written in it, so
  a crash loses at most the batch in flight and a re-run resumes after the last committed line
  without counting anything twice.
- **Fast**: records become plain tuples, never model instances; one statement per table per
  batch (:mod:`chiso.dossiers.bulk`: executemany on SQLite, COPY on PostgreSQL); derivation of
  the whole batch at once (:mod:`chiso.dossiers.vectorised`); the rollup deltas of the batch in
  one upsert. :func:`import_file` prepares a batch without the database (:func:`prepare_batch`,
  optionally in worker processes while the previous batch is written) and writes it with
  :func:`store_prepared`; :func:`store_batch` is the record-by-record reference path, still
  used for re-sent dossiers, the push API and the demo.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import multiprocessing
import os
import time
from collections import deque, namedtuple
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.scope import require_reform_office
from chiso.audit.actions import record
from chiso.dossiers import delay_rollups, openclock, rollups, vectorised
from chiso.dossiers.bulk import (
    chunks,
    db_moments,
    delete_where_in,
    insert_rows,
    update_by_id,
    upsert_rows,
)
from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.models import (
    Apology,
    Applicant,
    Dossier,
    ImportRun,
    Pause,
    Procedure,
    ProcessStep,
    QuarantinedRow,
    StepEvent,
)
from chiso.dossiers.parsing import ParsedDossier, parse_record
from chiso.dossiers.rules import (
    DossierInput,
    PauseInput,
    RuleSettings,
    StepInput,
    StepOutcome,
    derive,
)
from chiso.dossiers.stored_inputs import keep_copies
from chiso.dossiers.workcalendar import WorkCalendar, local
from chiso.org.models import Agency
from chiso.org.tabular import TableError, read_table

BATCH_SIZE = 2000
RAW_FIELDS = (
    "status",
    "channel",
    "received_at",
    "due_at",
    "due_initial",
    "finished_at",
    "returned_at",
    "fee_total",
    "paid_online",
    "result_channel",
    "e_result",
    "digitised",
    "reused_data",
    "synced",
)
DERIVED_FIELDS = (
    "counted_on",
    "is_counted",
    "settled",
    "on_time",
    "on_time_extended",
    "late_days",
    "late_without_apology",
    "is_eligible",
    "full_online",
    "is_fee_bearing",
    "is_paid_online",
    "is_paper",
    "is_e_result",
    "is_digitised",
    "is_reused",
    "responsible_seq",
)
DOSSIER_COLUMNS = (
    "code",
    "agency_id",
    "procedure_id",
    "field_code",
    *RAW_FIELDS,
    *DERIVED_FIELDS,
    "updated_at",
)
# Positions of the datetimes in a dossier row without its code and update time.
MOMENT_POSITIONS = tuple(
    i
    for i, name in enumerate(DOSSIER_COLUMNS[1:-1])
    if name in ("received_at", "due_at", "due_initial", "finished_at", "returned_at")
)
# What a stored dossier contributes to the rollups (rollups.contribution reads these).
CONTRIBUTION_FIELDS = (
    "agency_id",
    "procedure_id",
    "field_code",
    "channel",
    "synced",
    *DERIVED_FIELDS,
)
STEP_FIELDS = (
    "seq",
    "step_number",
    "name",
    "role",
    "person",
    "unit",
    "started_at",
    "ended_at",
    "allotted_minutes",
)
PAUSE_FIELDS = ("kind", "requested_at", "completed_at")
APOLOGY_FIELDS = ("issued_at", "new_due_at", "reason")
APPLICANT_FIELDS = ("kind", "name", "phone", "email", "address")
PUSH_ROLES = ("focal_officer", "agency_leader")
Progress = Callable[[int, int], Any]  # (lines done, lines in file)


@dataclass
class ImportReport:
    filename: str
    lines: int = 0
    accepted: int = 0
    quarantined: int = 0
    skipped: int = 0  # lines already committed by an earlier run
    already_done: bool = False
    seconds: float = 0.0
    copies_kept: int = 0  # block copies kept at the end (stored_inputs.keep_copies)
    workers: int = 0  # processes that prepared batches besides this one
    run_id: int | None = None  # the file's ImportRun: its QuarantinedRow rows give the reasons
    resumed_after: int = 0  # the last line an earlier run had committed (0: none)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Context:
    """What every batch needs, loaded once per run."""

    def __init__(self, agency: Agency | None = None):
        self.calendar: WorkCalendar = current_calendar()
        self.settings: RuleSettings = rule_settings()
        self.as_of = local(timezone.now())
        agencies = Agency.objects.all() if agency is None else Agency.objects.filter(pk=agency.pk)
        self.agencies: dict[str, int] = {}
        self.last_days: dict[int, datetime.date] = {}
        for a in agencies:
            self.agencies[a.code] = a.pk
            if a.electronic_id:
                self.agencies[a.electronic_id] = a.pk
            if a.valid_to is not None:
                self.last_days[a.pk] = a.valid_to
        # A receipt later than now is a sender's mistake; an hour allows for clocks that differ.
        self.latest = timezone.now() + datetime.timedelta(hours=1)
        self.procedures = {p.code: p for p in Procedure.objects.all()}
        self.allotments: dict[tuple[int, int], tuple[int, str]] = {}
        minutes = self.calendar.day_minutes
        # The latest version of each procedure's template gives allotted times to step events
        # that name their template step but not their time limit.
        for step in ProcessStep.objects.select_related("template").order_by("template__version"):
            per = 60 if step.allotted_unit == "working_hour" else minutes
            self.allotments[(step.template.procedure_id, step.number)] = (
                int(step.allotted * per),
                step.role,
            )

    def parse(self, rec: dict[str, Any]) -> ParsedDossier | list[str]:
        return parse_record(
            rec,
            agencies=self.agencies,
            procedures=self.procedures,
            allotments=self.allotments,
            day_minutes=self.calendar.day_minutes,
            last_days=self.last_days,
            latest=self.latest,
        )


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return None if moment is None else local(moment)


def derive_values(
    calendar: WorkCalendar,
    rules: RuleSettings,
    as_of: datetime.datetime,
    procedure: Procedure,
    raw: dict[str, Any],
    pauses: Iterable[Sequence[Any]],
    apologies: Iterable[Sequence[Any]],
    steps: Iterable[Sequence[Any]],
) -> tuple[dict[str, Any], tuple[StepOutcome, ...]]:
    """The derived fields (:data:`DERIVED_FIELDS`) of a dossier and the outcome of its steps,
    from its raw fields (``raw``, the :data:`RAW_FIELDS`), pauses (kind, requested, completed),
    apologies (issued, new due, …) and steps (seq, started, ended, allotted minutes), all
    with aware or local datetimes (rules.py)."""
    received = local(raw["received_at"])
    d = DossierInput(
        received_at=received,
        status=raw["status"],
        channel=raw["channel"],
        due_initial=_local(raw["due_initial"]),
        due_at=_local(raw["due_at"]),
        finished_at=_local(raw["finished_at"]),
        returned_at=_local(raw["returned_at"]),
        time_limit=procedure.time_limit,
        time_unit=procedure.time_unit,
        pauses=[PauseInput(p[0], local(p[1]), _local(p[2])) for p in pauses],
        apologies=[(local(a[0]), local(a[1])) for a in apologies],
        steps=[
            StepInput(s[0], local(s[1]), _local(s[2]), s[3])
            for s in sorted(steps, key=itemgetter(0))
        ],
        fee_total=raw["fee_total"],
        has_fee=procedure.has_fee,
        paid_online=raw["paid_online"],
        result_channel=raw["result_channel"],
        paper_result=procedure.paper_result,
        e_result=raw["e_result"],
        digitised=raw["digitised"],
        reused_data=raw["reused_data"],
        full_online_eligible=procedure.full_online_eligible,
    )
    out = derive(calendar, d, as_of, rules)
    derived = {
        "counted_on": received.date(),
        "is_counted": out.counted,
        "settled": out.settled,
        "on_time": out.on_time,
        "on_time_extended": out.on_time_extended,
        "late_days": out.late_days,
        "late_without_apology": out.late_without_apology,
        "is_eligible": out.eligible,
        "full_online": out.full_online,
        "is_fee_bearing": out.fee_bearing,
        "is_paid_online": out.paid_online,
        "is_paper": procedure.paper_result,
        "is_e_result": out.e_result,
        "is_digitised": out.digitised,
        "is_reused": out.reused,
        "responsible_seq": out.responsible_seq,
    }
    return derived, out.steps


def derive_dossier(
    ctx_calendar: WorkCalendar,
    rules: RuleSettings,
    as_of: datetime.datetime,
    dossier: Dossier,
    procedure: Procedure,
    pauses: list[Pause],
    apologies: list[Apology],
    steps: list[StepEvent],
) -> None:
    """Write the derived fields of ``dossier`` (and its steps) from its raw fields (rules.py)."""
    derived, outcomes = derive_values(
        ctx_calendar,
        rules,
        as_of,
        procedure,
        {name: getattr(dossier, name) for name in RAW_FIELDS},
        [(p.kind, p.requested_at, p.completed_at) for p in pauses],
        [(a.issued_at, a.new_due_at) for a in apologies],
        [(s.seq, s.started_at, s.ended_at, s.allotted_minutes) for s in steps],
    )
    for name, value in derived.items():
        setattr(dossier, name, value)
    by_seq = {s.seq: s for s in outcomes}
    for s in steps:
        s.used_minutes = by_seq[s.seq].used_minutes
        s.overrun_minutes = by_seq[s.seq].overrun_minutes


def _stored(model: Any, fields: Sequence[str], ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The ``fields`` of the items of the dossiers ``ids``, per dossier."""
    out: dict[int, list[tuple[Any, ...]]] = {}
    for part in chunks(ids):
        for row in model.objects.filter(dossier_id__in=part).values_list("dossier_id", *fields):
            out.setdefault(row[0], []).append(row[1:])
    return out


def _merged(old: list[tuple[Any, ...]], new: Iterable[tuple[Any, ...]], width: int) -> list[Any]:
    """Stored and sent items keyed by their first ``width`` values: a sent item replaces the
    stored one of the same key, new ones are added, none is duplicated."""
    merged = {item[:width]: item for item in old}
    merged.update((item[:width], item) for item in new)
    return list(merged.values())


def _latest(parsed: list[ParsedDossier]) -> dict[str, ParsedDossier]:
    """The batch's dossiers by code, in the order of their first record; the same dossier
    twice in a batch: the later record wins, the items of both are kept."""
    latest: dict[str, ParsedDossier] = {}
    for p in parsed:
        if p.code in latest:
            p.pauses = latest[p.code].pauses + p.pauses
            p.apologies = latest[p.code].apologies + p.apologies
            p.steps = latest[p.code].steps + p.steps
            p.applicant = p.applicant or latest[p.code].applicant
        latest[p.code] = p
    return latest


def _step_tuples(p: ParsedDossier) -> list[tuple[Any, ...]]:
    """The dossier's steps as tuples of :data:`STEP_FIELDS`."""
    return [
        (
            s.seq,
            s.step_number,
            s.name,
            s.role,
            s.person,
            s.unit,
            s.started_at,
            s.ended_at,
            s.allotted_minutes,
        )
        for s in p.steps
    ]


def _with_outcomes(
    steps: list[tuple[Any, ...]], outcomes: Sequence[StepOutcome]
) -> list[tuple[Any, ...]]:
    """Step tuples extended by their used and overrun minutes."""
    by_seq = {o.seq: o for o in outcomes}
    return [(*s, by_seq[s[0]].used_minutes, by_seq[s[0]].overrun_minutes) for s in steps]


def _values(p: ParsedDossier, derived: dict[str, Any]) -> dict[str, Any]:
    """Every stored field of the dossier but its code and update time, by name."""
    return {
        "agency_id": p.agency_id,
        "procedure_id": p.procedure.pk,
        "field_code": p.procedure.field_code,
        **p.values,
        **derived,
    }


def _dossier_row(values: dict[str, Any], moment: Callable[[Any], Any]) -> list[Any]:
    """The dossier row of :data:`DOSSIER_COLUMNS` without its code and update time, its
    datetimes as the backend stores them."""
    row = [values[c] for c in DOSSIER_COLUMNS[1:-1]]
    for i in MOMENT_POSITIONS:
        row[i] = moment(row[i])
    return row


def stored_contributions(key: str, values: Sequence[Any]) -> list[SimpleNamespace]:
    """The stored dossiers whose ``key`` (``"code"`` or ``"pk"``) is among ``values``, as
    ``pk``, ``code`` and the :data:`CONTRIBUTION_FIELDS` (what rollups.contribution reads)."""
    out = []
    for part in chunks(values):
        rows = Dossier.objects.filter(**{f"{key}__in": part}).values_list(
            "pk", "code", *CONTRIBUTION_FIELDS
        )
        out += [
            SimpleNamespace(
                pk=r[0], code=r[1], **dict(zip(CONTRIBUTION_FIELDS, r[2:], strict=True))
            )
            for r in rows
        ]
    return out


def store_batch(ctx: Context, parsed: list[ParsedDossier]) -> None:
    """Upsert a batch of parsed dossiers with their items, applicants and rollup changes. The
    caller holds the transaction."""
    latest = _latest(parsed)
    existing = {d.code: d for d in stored_contributions("code", list(latest))}
    old_ids = [d.pk for d in existing.values()]
    old_pauses = _stored(Pause, PAUSE_FIELDS, old_ids) if old_ids else {}
    old_apologies = _stored(Apology, APOLOGY_FIELDS, old_ids) if old_ids else {}
    old_steps = _stored(StepEvent, STEP_FIELDS, old_ids) if old_ids else {}
    old_causes = delay_rollups.grouped(old_ids)
    deltas = rollups.Deltas()
    moment = db_moments()
    now = moment(timezone.now())
    new_rows, changed_rows = [], []
    # Per dossier code: its pauses, apologies, steps (with their outcome) and applicant.
    items: dict[str, tuple[list[Any], list[Any], list[Any], Any]] = {}
    for code, p in latest.items():
        old = existing.get(code)
        pauses = p.pauses
        apologies = p.apologies
        steps = _step_tuples(p)
        if old is not None:
            deltas.add(old, -1)
            pauses = _merged(old_pauses.get(old.pk, []), pauses, 2)
            apologies = _merged(old_apologies.get(old.pk, []), apologies, 1)
            steps = _merged(old_steps.get(old.pk, []), steps, 1)
        else:
            # Within one record too, an item key sent twice is stored once (the later wins).
            pauses = _merged([], pauses, 2)
            apologies = _merged([], apologies, 1)
            steps = _merged([], steps, 1)
        derived, outcomes = derive_values(
            ctx.calendar,
            ctx.settings,
            ctx.as_of,
            p.procedure,
            p.values,
            pauses,
            apologies,
            [(s[0], s[6], s[7], s[8]) for s in steps],
        )
        steps = _with_outcomes(steps, outcomes)
        values = _values(p, derived)
        deltas.add(SimpleNamespace(**values), +1)
        row = _dossier_row(values, moment)
        if old is None:
            new_rows.append((code, *row, now))
        else:
            changed_rows.append((old.pk, *row, now))
        items[code] = (pauses, apologies, steps, p.applicant)
    table = Dossier._meta.db_table
    insert_rows(table, DOSSIER_COLUMNS, new_rows)
    update_by_id(table, DOSSIER_COLUMNS[1:], changed_rows)
    ids = {code: d.pk for code, d in existing.items()}
    ids.update(_ids_by_code([r[0] for r in new_rows]))
    # Items are rewritten whole for the re-sent dossiers: their merged sets already hold the
    # stored items, so nothing is lost and no key is duplicated.
    if old_ids:
        for model in (Pause, Apology, StepEvent):
            delete_where_in(model._meta.db_table, "dossier_id", old_ids)
    pause_rows: list[tuple[Any, ...]] = []
    apology_rows: list[tuple[Any, ...]] = []
    step_rows: list[tuple[Any, ...]] = []
    new_applicants: list[tuple[Any, ...]] = []
    changed_applicants: list[tuple[Any, ...]] = []
    for code, (pauses, apologies, steps, applicant) in items.items():
        pk = ids[code]
        pause_rows += [(pk, kind, moment(a), moment(b)) for kind, a, b in pauses]
        apology_rows += [(pk, moment(a), moment(b), reason) for a, b, reason in apologies]
        step_rows += [(pk, *x[:6], moment(x[6]), moment(x[7]), *x[8:]) for x in steps]
        if applicant is not None:
            (changed_applicants if code in existing else new_applicants).append((pk, *applicant))
    _write_items(
        pause_rows, apology_rows, step_rows, new_applicants, changed_applicants, deltas, ids
    )
    delay_rollups.apply(delay_rollups.grouped(ids.values()), old_causes)


def _write_items(
    pause_rows: list[tuple[Any, ...]],
    apology_rows: list[tuple[Any, ...]],
    step_rows: list[tuple[Any, ...]],
    new_applicants: list[tuple[Any, ...]],
    changed_applicants: list[tuple[Any, ...]],
    deltas: rollups.Deltas,
    ids: dict[str, int],
) -> None:
    """What goes with a batch's dossier rows (``ids``: their ids by code): their pauses,
    apologies, steps and applicants, the rollup changes and the open dossiers' deadlines."""
    insert_rows(Pause._meta.db_table, ("dossier_id", *PAUSE_FIELDS), pause_rows)
    insert_rows(Apology._meta.db_table, ("dossier_id", *APOLOGY_FIELDS), apology_rows)
    insert_rows(
        StepEvent._meta.db_table,
        ("dossier_id", *STEP_FIELDS, "used_minutes", "overrun_minutes"),
        step_rows,
    )
    _store_applicants(new_applicants, changed_applicants)
    rollups.apply(deltas)
    openclock.refresh(ids.values())


def _store_applicants(new: list[tuple[Any, ...]], changed: list[tuple[Any, ...]]) -> None:
    """One applicant row per dossier: inserted for new dossiers, upserted for re-sent ones (a
    re-sent dossier may name its applicant for the first time)."""
    table = Applicant._meta.db_table
    columns = ("dossier_id", *APPLICANT_FIELDS)
    insert_rows(table, columns, new)
    upsert_rows(
        table,
        columns,
        changed,
        ["dossier_id"],
        ", ".join(f"{c} = excluded.{c}" for c in APPLICANT_FIELDS),
    )


# -- the fast path -------------------------------------------------------------------------


@dataclass
class PreparedBatch:
    """A batch read, checked and derived without the database, as if none of its dossiers
    were stored yet (:func:`prepare_batch`), ready for :func:`store_prepared`. Per dossier, in
    the order :func:`store_batch` stores them: its code, its row and its items as the backend
    stores them (without the dossier id), its applicant. Plain data: it crosses processes."""

    accepted: int = 0  # good records (a dossier sent twice counts twice, as in store_batch)
    bad: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw text)
    codes: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # DOSSIER_COLUMNS[1:-1]
    pauses: list[list[tuple[Any, ...]]] = field(default_factory=list)
    apologies: list[list[tuple[Any, ...]]] = field(default_factory=list)
    steps: list[list[tuple[Any, ...]]] = field(default_factory=list)
    applicants: list[tuple[Any, ...] | None] = field(default_factory=list)
    records: dict[str, list[int]] = field(default_factory=dict)  # code → positions in batch


# A prepared dossier row by field name, as rollups.contribution reads it.
_Row = namedtuple("_Row", DOSSIER_COLUMNS[1:-1])  # type: ignore[misc]
# (line number, record): the record's dict, its error text, or its JSON line still undecoded.
Batch = list[tuple[int, Any]]
Decode = Callable[[str], "dict[str, Any] | BadLine"]


def derive_all(ctx: Context, items: Sequence[Any]) -> list[tuple[dict[str, Any], Any]]:
    """:func:`derive_values` of each (procedure, raw, pauses, apologies, steps) item, computed
    for the whole batch at once (:mod:`chiso.dossiers.vectorised`, tested equal to it)."""
    return vectorised.derive_batch(ctx.calendar, ctx.settings, ctx.as_of, items)


def prepare_batch(
    ctx: Context, moment: Callable[[Any], Any], decode: Decode | None, batch: Batch
) -> PreparedBatch:
    """Parse, check and derive ``batch`` with no database access (it may run in a worker
    process): bad records become (line, reason, raw) exactly as the reference path
    quarantines them; good ones are merged per dossier and derived as new dossiers.
    ``decode`` turns an undecoded record (a JSON line) into its dict or error text."""
    out = PreparedBatch()
    parsed: list[ParsedDossier] = []
    for i, (line, rec) in enumerate(batch):
        if decode is not None:
            rec = decode(rec)
        if isinstance(rec, BadLine):
            out.bad.append((line, rec.reason, rec.text))
            continue
        result = ctx.parse(rec)
        if isinstance(result, list):
            out.bad.append((line, "; ".join(result), json.dumps(rec, ensure_ascii=False)))
        else:
            parsed.append(result)
            out.records.setdefault(result.code, []).append(i)
    out.accepted = len(parsed)
    merged = []
    for p in _latest(parsed).values():
        # Within one record too, an item key sent twice is stored once (the later wins).
        steps = _merged([], _step_tuples(p), 1)
        merged.append((p, _merged([], p.pauses, 2), _merged([], p.apologies, 1), steps))
    derived = derive_all(
        ctx,
        [
            (p.procedure, p.values, pauses, apologies, [(s[0], s[6], s[7], s[8]) for s in steps])
            for p, pauses, apologies, steps in merged
        ],
    )
    for (p, pauses, apologies, steps), (fields, outcomes) in zip(merged, derived, strict=True):
        values = _values(p, fields)
        out.codes.append(p.code)
        out.rows.append(_dossier_row(values, moment))
        out.pauses.append([(kind, moment(a), moment(b)) for kind, a, b in pauses])
        out.apologies.append([(moment(a), moment(b), reason) for a, b, reason in apologies])
        out.steps.append(
            [(*x[:6], moment(x[6]), moment(x[7]), *x[8:]) for x in _with_outcomes(steps, outcomes)]
        )
        out.applicants.append(p.applicant)
    return out


def store_prepared(
    ctx: Context, prepared: PreparedBatch, batch: Batch, decode: Decode | None
) -> None:
    """Write a prepared batch; the caller holds the transaction. The new dossiers are written
    from their prepared rows; the ones already stored (re-sent) need their stored items merged
    and are derived again: they go through :func:`store_batch` from their records, after the
    new ones, so the stored rows are the reference path's."""
    codes = prepared.codes
    existing = set(_ids_by_code(codes))
    fresh = [i for i, code in enumerate(codes) if code not in existing]
    deltas = rollups.Deltas()
    for i in fresh:
        deltas.add(_Row(*prepared.rows[i]), +1)
    moment = db_moments()
    now = moment(timezone.now())
    insert_rows(
        Dossier._meta.db_table, DOSSIER_COLUMNS, [(codes[i], *prepared.rows[i], now) for i in fresh]
    )
    ids = _ids_by_code([codes[i] for i in fresh])
    pause_rows: list[tuple[Any, ...]] = []
    apology_rows: list[tuple[Any, ...]] = []
    step_rows: list[tuple[Any, ...]] = []
    applicants: list[tuple[Any, ...]] = []
    for i in fresh:
        pk = ids[codes[i]]
        pause_rows += [(pk, *x) for x in prepared.pauses[i]]
        apology_rows += [(pk, *x) for x in prepared.apologies[i]]
        step_rows += [(pk, *x) for x in prepared.steps[i]]
        applicant = prepared.applicants[i]
        if applicant is not None:
            applicants.append((pk, *applicant))
    _write_items(pause_rows, apology_rows, step_rows, applicants, [], deltas, ids)
    delay_rollups.apply(delay_rollups.grouped(ids.values()), {})
    if existing:
        again = []
        for i in sorted(i for code in existing for i in prepared.records[code]):
            rec = decode(batch[i][1]) if decode is not None else batch[i][1]
            assert isinstance(rec, dict)  # it was a good record in prepare_batch
            parsed = ctx.parse(rec)
            assert isinstance(parsed, ParsedDossier)
            again.append(parsed)
        store_batch(ctx, again)


def _ids_by_code(codes: Sequence[str]) -> dict[str, int]:
    """The ids of the stored dossiers among ``codes``, by code (plain SQL: building the ORM's
    ``IN`` lookup of 2,000 codes cost more than running it)."""
    table = connection.ops.quote_name(Dossier._meta.db_table)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for part in chunks(codes):
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"SELECT code, id FROM {table} WHERE code IN ({marks})", list(part))
            found.update(cursor.fetchall())
    return found


# What the worker processes of an import share with it (set before they are forked).
_worker_state: tuple[Context, Callable[[Any], Any], Decode | None] | None = None


def _prepare_in_worker(batch: Batch) -> PreparedBatch:
    assert _worker_state is not None
    return prepare_batch(*_worker_state, batch)


def _prepared(
    ctx: Context, decode: Decode | None, batches: Iterator[Batch], workers: int
) -> Generator[tuple[Batch, PreparedBatch], None, None]:
    """The batches with their preparation, in order: here, or in ``workers`` forked processes
    that work ahead (at most two batches each) while this one writes. The workers inherit the
    context (calendar, catalogue) and never touch the database."""
    global _worker_state
    moment = db_moments()
    if workers <= 0:
        for batch in batches:
            yield batch, prepare_batch(ctx, moment, decode, batch)
        return
    _worker_state = (ctx, moment, decode)
    pool = multiprocessing.get_context("fork").Pool(workers)
    pending: deque[tuple[Batch, Any]] = deque()
    try:
        for batch in batches:
            pending.append((batch, pool.apply_async(_prepare_in_worker, (batch,))))
            if len(pending) > 2 * workers:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()
    finally:
        pool.terminate()
        pool.join()
        _worker_state = None


# -- files ---------------------------------------------------------------------------------


def _records(
    path: Path, data: bytes, *, undecoded: bool = False
) -> tuple[int, Decode | None, Iterator[tuple[int, Any]]]:
    """The file's last line number (for the progress bar), the decoder of its records and its
    (line number, record) pairs; a line that is no record gives its error text instead of the
    record. With ``undecoded``, JSON lines are given as text and decoded by the decoder (in
    the process that prepares the batch); otherwise the decoder is None."""
    name = path.name.lower()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        if undecoded:
            return lines, _json_record, _json_text(data)
        return lines, None, _json_lines(data)
    if name.endswith(".csv"):
        return lines, None, _csv_rows(data)
    try:
        table = read_table(data, path.name)
    except TableError as e:
        raise ValueError(str(e)) from e
    rows = (
        (
            n,
            {
                h: (c.isoformat() if isinstance(c, datetime.date) else c)
                for h, c in zip(table.headers, cells, strict=False)
                if h
            },
        )
        for n, cells in table.rows
    )
    return (table.rows[-1][0] if table.rows else 1), None, rows


def _json_text(data: bytes) -> Iterator[tuple[int, str]]:
    # Lines end at "\n" only, as io.StringIO reads them; json.loads ignores the end of line.
    for n, line in enumerate(data.decode("utf-8-sig").split("\n"), start=1):
        if line.strip():
            yield n, line


class BadLine(NamedTuple):
    """A line that is no record: what is wrong with it, and its text as sent, which the
    quarantine keeps so that whoever corrects it has the line."""

    reason: str
    text: str


def _json_record(line: str) -> dict[str, Any] | BadLine:
    """The record of a JSON line, or what is wrong with it."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as e:
        # The json module's message is English ("Unterminated string…"): the column is what
        # helps whoever fixes the line.
        reason = _("not valid JSON (error at column %(column)s)") % {"column": e.colno}
        return BadLine(reason, line)
    return value if isinstance(value, dict) else BadLine(_("not a JSON object"), line)


def _json_lines(data: bytes) -> Iterator[tuple[int, dict[str, Any] | BadLine]]:
    for n, line in _json_text(data):
        yield n, _json_record(line)


def _csv_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    for n, row in enumerate(reader, start=2):
        yield n, {k: v for k, v in row.items() if k}


def import_file(
    path: Path,
    *,
    actor: Any = None,
    agency: Agency | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    fast: bool = True,
    workers: int | None = 0,
) -> ImportReport:
    """Import one JSON Lines, CSV or XLSX file, resuming after the last committed line of an
    earlier run of the same content. ``agency`` restricts the rows to that agency (others are
    quarantined). The command line (``actor=None``) or the reform office only.

    ``fast`` prepares each batch without the database (:func:`prepare_batch`), in ``workers``
    forked processes when more than 0, while this process writes the batches in file order
    (``None``: :func:`automatic_workers`); ``fast=False`` is the record-by-record reference path (:func:`store_batch`). Both store
    the same rows (tests/dossiers/test_ingest_fast.py)."""
    if actor is not None:
        require_reform_office(actor)
    started = time.monotonic()
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    run, _created = ImportRun.objects.get_or_create(
        file_hash=digest, defaults={"filename": str(path)}
    )
    report = ImportReport(filename=str(path), run_id=run.pk, resumed_after=run.last_line)
    if run.done:
        report.already_done = True
        return report
    ctx = Context(agency)
    total, decode, records = _records(path, data, undecoded=fast)
    resume_after = run.last_line
    if workers is None:
        workers = automatic_workers(total - resume_after, batch_size)
    report.workers = workers if fast else 0

    def batches() -> Iterator[Batch]:
        batch: Batch = []
        for line, rec in records:
            report.lines += 1
            if line <= resume_after:
                report.skipped += 1
                continue
            batch.append((line, rec))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    prepared = (
        _prepared(ctx, decode, batches(), workers) if fast else ((b, None) for b in batches())
    )
    try:
        for batch, ready in prepared:
            last = batch[-1][0]
            with transaction.atomic():
                if ready is None:
                    good, bad = _store_records(ctx, run, batch)
                else:
                    store_prepared(ctx, ready, batch, decode)
                    QuarantinedRow.objects.bulk_create(
                        QuarantinedRow(run=run, line=line, reason=reason, raw=raw)
                        for line, reason, raw in ready.bad
                    )
                    good, bad = ready.accepted, len(ready.bad)
                run.last_line = last
                run.accepted += good
                run.quarantined += bad
                run.save(update_fields=["last_line", "accepted", "quarantined", "updated_at"])
            report.accepted += good
            report.quarantined += bad
            if progress is not None:
                progress(last, total)
    finally:
        prepared.close()
    if progress is not None:
        progress(total, total)
    with transaction.atomic():
        run.done = True
        run.save(update_fields=["done", "updated_at"])
        record(
            "dossiers.import",
            actor=actor,
            obj=run,
            data={"file": str(path), "accepted": run.accepted, "quarantined": run.quarantined},
        )
    report.copies_kept = keep_copies()
    report.seconds = round(time.monotonic() - started, 3)
    return report


def automatic_workers(lines: int, batch_size: int) -> int:
    """One worker process when the file has more than one batch to import and this process may
    run on more than one core of Linux (macOS and Windows: none): preparing the next batch there while this one writes took an
    import from 3,958 to 6,120 dossiers/s on 2 cores, and a second worker was slower
    (docs/performance.md, "A quiet machine: 10⁵ on SQLite")."""
    if not hasattr(os, "sched_getaffinity"):  # not Linux: forking a process there is unsafe
        return 0
    return 1 if lines > batch_size and len(os.sched_getaffinity(0)) > 1 else 0


def _store_records(ctx: Context, run: ImportRun, batch: Batch) -> tuple[int, int]:
    """The reference path: parse each record, store the good ones, quarantine the bad ones;
    return how many of each. The caller holds the transaction."""
    good: list[ParsedDossier] = []
    bad: list[QuarantinedRow] = []
    for line, rec in batch:
        if isinstance(rec, BadLine):
            bad.append(QuarantinedRow(run=run, line=line, reason=rec.reason, raw=rec.text))
            continue
        parsed = ctx.parse(rec)
        if isinstance(parsed, list):
            raw = json.dumps(rec, ensure_ascii=False)
            bad.append(QuarantinedRow(run=run, line=line, reason="; ".join(parsed), raw=raw))
        else:
            good.append(parsed)
    store_batch(ctx, good)
    QuarantinedRow.objects.bulk_create(bad)
    return len(good), len(bad)


def ingest_records(records: Iterable[dict[str, Any]], *, batch_size: int = BATCH_SIZE) -> int:
    """Store already-read records (the demo, the push API) in batches; return how many were
    accepted. Bad records raise ``ValueError`` with their problems: callers send clean data."""
    ctx = Context()
    batch: list[ParsedDossier] = []
    count = 0

    def flush() -> None:
        nonlocal count
        with transaction.atomic():
            store_batch(ctx, batch)
        count += len(batch)
        batch.clear()

    for rec in records:
        parsed = ctx.parse(rec)
        if isinstance(parsed, list):
            raise ValueError(f"{rec.get('MaHoSo')}: {'; '.join(parsed)}")
        batch.append(parsed)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return count


@dataclass
class PushReport:
    accepted: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)  # {"index", "code", "problems"}


def push_batch(records: list[dict[str, Any]], *, actor: Any) -> PushReport:
    """Store a batch pushed by a one-stop system (the REST endpoint). The reform office may
    send any agency's dossiers; focal officers and agency leaders only their own agencies'
    (another agency's dossier is refused like an unknown one). Good records are stored in one
    transaction, bad ones quarantined and reported by their position in the batch."""
    from chiso.accounts import scope

    if not (scope.is_reform_office(actor) or scope.has_role(actor, *PUSH_ROLES)):
        raise PermissionDenied
    ctx = Context()
    if not scope.is_reform_office(actor):
        own = scope.own_agency_ids(actor)
        ctx.agencies = {k: v for k, v in ctx.agencies.items() if v in own}
    body = json.dumps(records, sort_keys=True, ensure_ascii=False, default=str)
    report = PushReport()
    with transaction.atomic():
        run, _created = ImportRun.objects.get_or_create(
            file_hash=hashlib.sha256(body.encode()).hexdigest(),
            defaults={"filename": "api:/api/dossiers/batch"},
        )
        run.quarantined_rows.all().delete()  # the same batch sent again: report it afresh
        good: list[ParsedDossier] = []
        bad: list[QuarantinedRow] = []
        for index, rec in enumerate(records):
            parsed = ctx.parse(rec)
            if isinstance(parsed, list):
                report.problems.append(
                    {"index": index, "code": str(rec.get("MaHoSo", "")), "problems": parsed}
                )
                bad.append(
                    QuarantinedRow(
                        run=run,
                        line=index + 1,
                        reason="; ".join(parsed),
                        raw=json.dumps(rec, ensure_ascii=False, default=str),
                    )
                )
            else:
                good.append(parsed)
        store_batch(ctx, good)
        QuarantinedRow.objects.bulk_create(bad)
        run.accepted, run.quarantined, run.done = len(good), len(bad), True
        run.last_line = len(records)
        run.save()
        record(
            "dossiers.push",
            actor=actor,
            obj=run,
            data={"accepted": len(good), "quarantined": len(bad)},
        )
    report.accepted = len(good)
    return report
