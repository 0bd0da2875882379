"""Petitions (phản ánh, kiến nghị — PAKN) about administrative rules and procedures: import from
the PAKN system's export, and the two rates of group 5 of the 766 index.

Import (CSV, XLSX, JSON or JSON Lines): every row is checked first and every problem reported
with its row and column; nothing is written when there is any problem. A petition is keyed by
its code, so a re-import updates it; each created or changed petition gets an audit row with
old and new values.

Rates (service-index-766.md §2, 5.2 and 5.3):

- ``petition.on_time_rate``: petitions received in the period answered by their due date, or
  still unanswered at the period's end while within it (the portal counts "in progress within
  time", as for dossiers), over petitions received in the period;
- ``petition.satisfaction_rate``: petitions received in the period rated 4 or 5 over those
  rated at all. (The portal subtracts disliked, late and re-raised petitions from all
  petitions; our PAKN export carries a 1–5 rating instead, so satisfied over rated is used.)

The portal counts 100 % when a unit had no petition. chiso applies that only once the register
is in use for the period (some petition of the province was received in it), so that a
province that has not imported its petitions yet shows "data missing" rather than full points.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.dossiers.catalogue import upsert_by_code
from chiso.dossiers.conf import current_calendar
from chiso.dossiers.models import Petition
from chiso.dossiers.parsing import DATE_FORMATS
from chiso.dossiers.workcalendar import aware, local
from chiso.org.columns import Column, ImportCounts, Problem, RowReader, Sheet
from chiso.org.models import Agency
from chiso.org.tabular import Table, TableError, read_table

# Decree 20/2008/NĐ-CP art. 14 as amended by Decree 92/2017/NĐ-CP: 15 working days to answer.
ANSWER_WORKING_DAYS = 15

COLUMNS = (
    Column("code", "Mã PAKN", "Petition code", required=True),
    Column("agency", "Mã cơ quan", "Agency code", required=True),
    Column("received_at", "Ngày tiếp nhận", "Received", required=True),
    Column("due_at", "Hạn trả lời", "Answer due"),
    Column("answered_at", "Ngày trả lời", "Answered"),
    Column("published", "Đã công khai", "Answer published"),
    Column("satisfaction", "Mức hài lòng", "Satisfaction"),
    Column("channel", "Kênh tiếp nhận", "Channel", required=True),
)
YES = {"1", "có", "co", "x", "yes", "true"}
NO = {"", "0", "không", "khong", "no", "false"}
CHANNELS = {
    **{c.value: c.value for c in Petition.Channel},
    "cổng dịch vụ công": "portal",
    "cổng dvc": "portal",
    "thư điện tử": "email",
    "điện thoại": "phone",
    "đường dây nóng": "phone",
    "trực tiếp": "direct",
    "bưu chính": "post",
}


class PetitionReport(ImportCounts):
    """What an import of petitions found and did."""


def _jsonl_table(data: bytes) -> Table:
    """JSON Lines: one object per line; the row number is the line number in the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise TableError(_("The file is not UTF-8 text.")) from e
    items: list[tuple[int, dict[str, Any]]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise TableError(
                _("Line %(line)s is not valid JSON (%(error)s).") % {"line": n, "error": e}
            ) from e
        if not isinstance(item, dict):
            raise TableError(_("Line %(line)s is not a JSON object.") % {"line": n})
        items.append((n, item))
    if not items:
        raise TableError(_("The file is empty or its first row holds no column headers."))
    headers = list(dict.fromkeys(k for _n, item in items for k in item))
    rows = [
        (n, ["" if item.get(h) is None else str(item.get(h)).strip() for h in headers])
        for n, item in items
    ]
    return Table(headers=headers, rows=rows)  # type: ignore[arg-type]


# The first bytes of common files that are no table (programs, images, PDF, archives other
# than the ZIP of an XLSX): named as such instead of being read as a CSV that is "not UTF-8".
BINARY_STARTS = (
    b"MZ",
    b"\x7fELF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\x1f\x8b",
    b"Rar!",
)


def _is_binary(data: bytes) -> bool:
    """Whether ``data`` is sniffed as a binary file that is not an XLSX workbook: a known
    signature, or NUL bytes in its first 4 KB (text files, CSV and JSON, have none)."""
    # An XLSX (ZIP), an old .xls and UTF-16 text each get their own message from read_table.
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xfe", b"\xfe\xff")):
        return False
    return data.startswith(BINARY_STARTS) or b"\x00" in data[:4096]


def read_rows(data: bytes, filename: str) -> Table:
    """XLSX/CSV through chiso.org.tabular; ``.jsonl``/``.ndjson`` and ``.json`` (a list).
    The type is sniffed first: a binary file that is no workbook is refused by name."""
    if _is_binary(data):
        raise TableError(
            _("The file is not an XLSX, CSV, JSON or JSON Lines file: export the petitions again.")
        )
    name = filename.lower()
    if name.endswith((".jsonl", ".ndjson")):
        return _jsonl_table(data)
    if name.endswith(".json"):
        from chiso.dossiers.catalogue import _table

        return _table(data, filename)
    return read_table(data, filename)


def _moment(row: RowReader, key: str, *, required: bool = False) -> datetime.datetime | None:
    """A date and time; a date alone (an XLSX date cell loses its time) is read as 00:00."""
    value = row.raw(key)
    if isinstance(value, datetime.date):
        return aware(datetime.datetime.combine(value, datetime.time()))
    text = str(value).strip()
    if not text:
        if required:
            row.problem(key, _("cannot be empty"))
        return None
    for fmt in DATE_FORMATS:
        try:
            return aware(datetime.datetime.strptime(text, fmt))
        except ValueError:
            continue
    row.problem(key, _("'%(value)s' is not a date and time (dd/mm/yyyy hh:mm)") % {"value": text})
    return None


def _satisfaction(row: RowReader) -> int | None:
    text = str(row.raw("satisfaction")).strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    row.problem("satisfaction", _("'%(value)s' is not a rating from 1 to 5") % {"value": text})
    return None


def _yes_no(row: RowReader, key: str) -> bool:
    text = str(row.raw(key)).strip().casefold()
    if text in YES:
        return True
    if text not in NO:
        row.problem(key, _("write 'có' or 'không'"))
    return False


def default_due(received: datetime.datetime) -> datetime.datetime:
    """15 working days after the clock starts on ``received`` (the working calendar)."""
    cal = current_calendar()
    return aware(cal.add_working_days(cal.clock_start(local(received)), ANSWER_WORKING_DAYS))


def _values(row: RowReader, agencies: dict[str, Agency]) -> dict[str, Any]:
    code = row.text("agency", 40, required=True)
    agency = agencies.get(code.casefold())
    if code and agency is None:
        row.problem("agency", _("no agency with code '%(code)s'") % {"code": code})
    received = _moment(row, "received_at", required=True)
    due = _moment(row, "due_at")
    answered = _moment(row, "answered_at")
    channel_text = str(row.raw("channel")).strip()
    channel = CHANNELS.get(channel_text.casefold())
    if channel is None:
        row.problem(
            "channel",
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": channel_text, "allowed": ", ".join(sorted(CHANNELS))},
        )
    values = {
        "agency_id": agency.pk if agency else None,
        "received_at": received,
        "due_at": due,
        "answered_at": answered,
        "published": _yes_no(row, "published"),
        "satisfaction": _satisfaction(row),
        "channel": channel or "",
    }
    if received is not None:
        if due is None:
            try:
                values["due_at"] = default_due(received)
            except ValueError:
                row.problem("received_at", _("is outside the working calendar"))
        elif due < received:
            row.problem("due_at", _("is before the petition was received"))
        if answered is not None and answered < received:
            row.problem("answered_at", _("is before the petition was received"))
    if answered is None and values["published"]:
        row.problem("published", _("an answer not yet given cannot be published"))
    if answered is None and values["satisfaction"] is not None:
        row.problem("satisfaction", _("a petition not yet answered cannot be rated"))
    return values


@transaction.atomic
def import_petitions(
    data: bytes, *, actor: Any, filename: str = "", lang: str = "vi"
) -> PetitionReport:
    """Create or update petitions from the PAKN system's export; reform office or command line.
    ``Hạn trả lời`` may be left empty: it is then 15 working days after receipt."""
    if actor is not None:
        scope.require_reform_office(actor)
    try:
        table = read_rows(data, filename)
    except TableError as error:
        return PetitionReport(problems=[Problem.make(None, "", str(error))])
    sheet = Sheet(table, COLUMNS, lang)
    if sheet.problems:
        return PetitionReport(problems=sheet.problems)
    agencies = {a.code.casefold(): a for a in Agency.objects.all()}
    rows: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for row in sheet.rows():
        code = row.text("code", 60, required=True)
        if code in seen:
            row.problem("code", _("also on row %(line)s") % {"line": seen[code]})
        seen[code] = row.line
        rows[code] = _values(row, agencies)
    report = PetitionReport(problems=sheet.problems)
    if report.problems:
        return report
    existing = {p.code: p for p in Petition.objects.filter(code__in=rows)}
    for code, values in rows.items():
        upsert_by_code(
            Petition,
            existing.get(code),
            code,
            values,
            report,
            "dossiers.petition",
            actor,
            filename,
            agency_id=values["agency_id"],
        )
    return report


@dataclass(frozen=True)
class PetitionCounts:
    received: int
    on_time: int
    rated: int
    satisfied: int


def bounds(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first and last instants, local time, as aware datetimes."""
    start = aware(datetime.datetime.combine(first, datetime.time()))
    return start, aware(datetime.datetime.combine(last, datetime.time(23, 59, 59, 999999)))


def petition_counts_by_agency(
    agencies: Q, first: datetime.date, last: datetime.date, end: datetime.datetime
) -> dict[int, PetitionCounts]:
    """Per agency id, counts of the petitions received between ``first`` and ``last`` (local
    dates) by the agencies ``agencies`` (a filter on ``agency_id``), measured at ``end`` (naive
    local): one grouped query; agencies without a petition are left out."""
    start, stop = bounds(first, last)
    at = aware(end)
    answered_on_time = Q(answered_at__isnull=False, answered_at__lte=F("due_at"))
    open_within_time = (Q(answered_at__isnull=True) | Q(answered_at__gt=at)) & Q(due_at__gte=at)
    rows = (
        Petition.objects.filter(agencies, received_at__range=(start, stop))
        .values("agency_id")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=answered_on_time | open_within_time),
            rated=Count("pk", filter=Q(satisfaction__isnull=False)),
            satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        )
        .order_by()
    )
    return {r.pop("agency_id"): PetitionCounts(**r) for r in rows}


NO_PETITIONS = PetitionCounts(0, 0, 0, 0)


def add_petitions(parts: Iterable[PetitionCounts]) -> PetitionCounts:
    """The counts of several agencies together."""
    total = NO_PETITIONS
    for p in parts:
        total = PetitionCounts(
            total.received + p.received,
            total.on_time + p.on_time,
            total.rated + p.rated,
            total.satisfied + p.satisfied,
        )
    return total


def register_in_use(first: datetime.date, last: datetime.date) -> bool:
    """Whether any petition of the province was received in the period."""
    return Petition.objects.filter(received_at__range=bounds(first, last)).exists()


def petition_rates(
    c: PetitionCounts, register_in_use: bool
) -> dict[str, tuple[int, int, Decimal | None]]:
    """``{metric: (numerator, denominator, rate)}`` of the two petition metrics from the
    counts; the rate is 100 for a unit without petitions while the register is in use (some
    petition of the province was received in the period), None when it is not."""
    from chiso.dossiers.scorecard import rate  # the score card imports this module

    if not c.received:
        full = Decimal("100.00") if register_in_use else None
        return {"petition.on_time_rate": (0, 0, full), "petition.satisfaction_rate": (0, 0, full)}
    return {
        "petition.on_time_rate": (c.on_time, c.received, rate(c.on_time, c.received)),
        "petition.satisfaction_rate": (c.satisfied, c.rated, rate(c.satisfied, c.rated)),
    }
