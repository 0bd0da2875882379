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
- **Fast**: one statement per table per batch (bulk_create, executemany updates), derivation in Python
  with the precomputed calendar.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.scope import require_reform_office
from chiso.audit.actions import record
from chiso.dossiers import rollups
from chiso.dossiers.bulk import update_rows
from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.models import (
    Apology,
    Dossier,
    ImportRun,
    Pause,
    Procedure,
    ProcessStep,
    QuarantinedRow,
    StepEvent,
)
from chiso.dossiers.parsing import ParsedDossier, parse_record
from chiso.dossiers.rules import DossierInput, PauseInput, RuleSettings, StepInput, derive
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
        for a in agencies:
            self.agencies[a.code] = a.pk
            if a.electronic_id:
                self.agencies[a.electronic_id] = a.pk
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
        )


def _merge(old: Iterable[Any], new: Iterable[Any], key: Callable[[Any], Any]) -> list[Any]:
    merged = {key(x): x for x in old}
    merged.update((key(x), x) for x in new)
    return [merged[k] for k in sorted(merged, key=str)]


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
    d = DossierInput(
        received_at=local(dossier.received_at),
        status=dossier.status,
        channel=dossier.channel,
        due_initial=local(dossier.due_initial) if dossier.due_initial else None,
        due_at=local(dossier.due_at) if dossier.due_at else None,
        finished_at=local(dossier.finished_at) if dossier.finished_at else None,
        returned_at=local(dossier.returned_at) if dossier.returned_at else None,
        time_limit=procedure.time_limit,
        time_unit=procedure.time_unit,
        pauses=[
            PauseInput(
                p.kind, local(p.requested_at), local(p.completed_at) if p.completed_at else None
            )
            for p in pauses
        ],
        apologies=[(local(a.issued_at), local(a.new_due_at)) for a in apologies],
        steps=[
            StepInput(
                s.seq,
                local(s.started_at),
                local(s.ended_at) if s.ended_at else None,
                s.allotted_minutes,
            )
            for s in sorted(steps, key=lambda s: s.seq)
        ],
        fee_total=dossier.fee_total,
        has_fee=procedure.has_fee,
        paid_online=dossier.paid_online,
        result_channel=dossier.result_channel,
        paper_result=procedure.paper_result,
        e_result=dossier.e_result,
        digitised=dossier.digitised,
        reused_data=dossier.reused_data,
        full_online_eligible=procedure.full_online_eligible,
    )
    out = derive(ctx_calendar, d, as_of, rules)
    dossier.counted_on = d.received_at.date()
    dossier.is_counted = out.counted
    dossier.settled = out.settled
    dossier.on_time = out.on_time
    dossier.on_time_extended = out.on_time_extended
    dossier.late_days = out.late_days
    dossier.late_without_apology = out.late_without_apology
    dossier.is_eligible = out.eligible
    dossier.full_online = out.full_online
    dossier.is_fee_bearing = out.fee_bearing
    dossier.is_paid_online = out.paid_online
    dossier.is_paper = procedure.paper_result
    dossier.is_e_result = out.e_result
    dossier.is_digitised = out.digitised
    dossier.is_reused = out.reused
    dossier.responsible_seq = out.responsible_seq
    by_seq = {s.seq: s for s in out.steps}
    for s in steps:
        s.used_minutes = by_seq[s.seq].used_minutes
        s.overrun_minutes = by_seq[s.seq].overrun_minutes


def store_batch(ctx: Context, parsed: list[ParsedDossier]) -> None:
    """Upsert a batch of parsed dossiers with their items and rollup changes. The caller holds
    the transaction."""
    latest: dict[str, ParsedDossier] = {}
    for p in parsed:  # the same dossier twice in a batch: the later record wins
        if p.code in latest:
            p.pauses = latest[p.code].pauses + p.pauses
            p.apologies = latest[p.code].apologies + p.apologies
            p.steps = latest[p.code].steps + p.steps
        latest[p.code] = p
    existing = {d.code: d for d in Dossier.objects.filter(code__in=list(latest))}
    old_ids = [d.pk for d in existing.values()]
    old_pauses: dict[int, list[Pause]] = {}
    old_apologies: dict[int, list[Apology]] = {}
    old_steps: dict[int, list[StepEvent]] = {}
    if old_ids:
        for pause in Pause.objects.filter(dossier_id__in=old_ids):
            old_pauses.setdefault(pause.dossier_id, []).append(pause)
        for apology in Apology.objects.filter(dossier_id__in=old_ids):
            old_apologies.setdefault(apology.dossier_id, []).append(apology)
        for step in StepEvent.objects.filter(dossier_id__in=old_ids):
            old_steps.setdefault(step.dossier_id, []).append(step)
    deltas = rollups.Deltas()
    new_dossiers, changed = [], []
    children: list[tuple[Dossier, list[Pause], list[Apology], list[StepEvent]]] = []
    for code, p in latest.items():
        dossier = existing.get(code)
        if dossier is None:
            dossier = Dossier(code=code)
            new_dossiers.append(dossier)
            olds: tuple[list[Pause], list[Apology], list[StepEvent]] = ([], [], [])
        else:
            deltas.add(dossier, -1)
            changed.append(dossier)
            olds = (
                old_pauses.get(dossier.pk, []),
                old_apologies.get(dossier.pk, []),
                old_steps.get(dossier.pk, []),
            )
        dossier.agency_id = p.agency_id
        dossier.procedure = p.procedure
        dossier.field_code = p.procedure.field_code
        for name, value in p.values.items():
            setattr(dossier, name, value)
        pauses = _merge(
            olds[0],
            [Pause(kind=k, requested_at=a, completed_at=b) for k, a, b in p.pauses],
            key=lambda x: (x.kind, x.requested_at),
        )
        apologies = _merge(
            olds[1],
            [Apology(issued_at=i, new_due_at=n, reason=r) for i, n, r in p.apologies],
            key=lambda x: x.issued_at,
        )
        steps = _merge(
            olds[2],
            [
                StepEvent(
                    seq=s.seq,
                    step_number=s.step_number,
                    name=s.name,
                    role=s.role,
                    person=s.person,
                    unit=s.unit,
                    started_at=s.started_at,
                    ended_at=s.ended_at,
                    allotted_minutes=s.allotted_minutes,
                )
                for s in p.steps
            ],
            key=lambda x: x.seq,
        )
        derive_dossier(
            ctx.calendar, ctx.settings, ctx.as_of, dossier, p.procedure, pauses, apologies, steps
        )
        deltas.add(dossier, +1)
        children.append((dossier, pauses, apologies, steps))
    Dossier.objects.bulk_create(new_dossiers, batch_size=1000)
    if changed:
        update_rows(changed, ["agency", "procedure", "field_code", *RAW_FIELDS, *DERIVED_FIELDS])
    # Items are rewritten whole for the dossiers of the batch: their merged sets already hold
    # the stored items, so nothing is lost and no key is duplicated.
    if old_ids:
        Pause.objects.filter(dossier_id__in=old_ids).delete()
        Apology.objects.filter(dossier_id__in=old_ids).delete()
        StepEvent.objects.filter(dossier_id__in=old_ids).delete()
    all_pauses, all_apologies, all_steps = [], [], []
    for dossier, pauses, apologies, steps in children:
        items: list[Any] = [*pauses, *apologies, *steps]
        for item in items:
            item.pk = None
            item.dossier_id = dossier.pk
        all_pauses += pauses
        all_apologies += apologies
        all_steps += steps
    Pause.objects.bulk_create(all_pauses, batch_size=2000)
    Apology.objects.bulk_create(all_apologies, batch_size=2000)
    StepEvent.objects.bulk_create(all_steps, batch_size=2000)
    rollups.apply(deltas)


# -- files ---------------------------------------------------------------------------------


def _records(path: Path, data: bytes) -> tuple[int, Iterator[tuple[int, dict[str, Any] | str]]]:
    """The file's last line number (for the progress bar) and its (line number, record) pairs;
    a line that is no record gives its error text instead of the record."""
    name = path.name.lower()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return lines, _json_lines(data)
    if name.endswith(".csv"):
        return lines, _csv_rows(data)
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
    return (table.rows[-1][0] if table.rows else 1), rows


def _json_lines(data: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for n, line in enumerate(io.StringIO(data.decode("utf-8-sig")), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            yield n, _("not valid JSON (%(error)s)") % {"error": e.msg}
            continue
        yield n, value if isinstance(value, dict) else _("not a JSON object")


def _csv_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
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
) -> ImportReport:
    """Import one JSON Lines, CSV or XLSX file, resuming after the last committed line of an
    earlier run of the same content. ``agency`` restricts the rows to that agency (others are
    quarantined). The command line (``actor=None``) or the reform office only."""
    if actor is not None:
        require_reform_office(actor)
    started = time.monotonic()
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    run, _created = ImportRun.objects.get_or_create(
        file_hash=digest, defaults={"filename": str(path)}
    )
    report = ImportReport(filename=str(path))
    if run.done:
        report.already_done = True
        return report
    ctx = Context(agency)
    total, records = _records(path, data)
    batch: list[tuple[int, dict[str, Any] | str]] = []

    def flush() -> None:
        if not batch:
            return
        last = batch[-1][0]
        with transaction.atomic():
            good: list[ParsedDossier] = []
            bad: list[QuarantinedRow] = []
            for line, rec in batch:
                parsed = ctx.parse(rec) if isinstance(rec, dict) else [rec]
                if isinstance(parsed, list):
                    raw = json.dumps(rec, ensure_ascii=False) if isinstance(rec, dict) else ""
                    bad.append(
                        QuarantinedRow(run=run, line=line, reason="; ".join(parsed), raw=raw)
                    )
                else:
                    good.append(parsed)
            store_batch(ctx, good)
            QuarantinedRow.objects.bulk_create(bad)
            run.last_line = last
            run.accepted += len(good)
            run.quarantined += len(bad)
            run.save(update_fields=["last_line", "accepted", "quarantined", "updated_at"])
        report.accepted += len(good)
        report.quarantined += len(bad)
        batch.clear()
        if progress is not None:
            progress(last, total)

    for line, rec in records:
        report.lines += 1
        if line <= run.last_line:
            report.skipped += 1
            continue
        batch.append((line, rec))
        if len(batch) >= batch_size:
            flush()
    flush()
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
    report.seconds = round(time.monotonic() - started, 3)
    return report


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


def recompute(*, actor: Any = None, progress: Progress | None = None, chunk: int = 5000) -> int:
    """Derive every dossier again (after a rule, calendar or catalogue change) and rebuild the
    rollups; return the number of dossiers. The command line or the reform office only."""
    if actor is not None:
        require_reform_office(actor)
    ctx = Context()
    procedures = {p.pk: p for p in ctx.procedures.values()}
    ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic():
            dossiers = list(Dossier.objects.filter(pk__in=part))
            items: dict[int, tuple[list[Pause], list[Apology], list[StepEvent]]] = {
                d.pk: ([], [], []) for d in dossiers
            }
            for pause in Pause.objects.filter(dossier_id__in=part):
                items[pause.dossier_id][0].append(pause)
            for apology in Apology.objects.filter(dossier_id__in=part):
                items[apology.dossier_id][1].append(apology)
            steps = list(StepEvent.objects.filter(dossier_id__in=part))
            for step in steps:
                items[step.dossier_id][2].append(step)
            for d in dossiers:
                derive_dossier(
                    ctx.calendar,
                    ctx.settings,
                    ctx.as_of,
                    d,
                    procedures[d.procedure_id],
                    *items[d.pk],
                )
                d.field_code = procedures[d.procedure_id].field_code
            update_rows(dossiers, ["field_code", *DERIVED_FIELDS])
            update_rows(steps, ["used_minutes", "overrun_minutes"])
        if progress is not None:
            progress(min(start + chunk, len(ids)), len(ids))
    with transaction.atomic():
        rows = rollups.rebuild()
        record("dossiers.recompute", actor=actor, data={"dossiers": len(ids), "rollups": rows})
    return len(ids)


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
