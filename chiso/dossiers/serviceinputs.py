"""Manual period inputs of the 766 index: the figures no dossier feed carries, read by the
reform office from the national portal's reports (quantri.dichvucong.gov.vn) and entered per
agency and period as numerator and denominator.

Which entry a score card uses: the entry of the exact period, else the nearest enclosing one
(a month falls back to its quarter, then its year; a quarter to its year). Rates such as "the
procedures published with all components" are stated "as of now" by the portal
(service-index-766.md §2, 1.3) and do not add up over months, so a year never sums its
quarters: it uses the year's own entry. The province's value is the sum of its agencies'
numerators over the sum of their denominators.

Every write goes through :func:`save_input` or :func:`import_inputs`: reform office (or the
command line) only, numerator ≤ denominator, one audit row with old → new values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.audit.actions import actor_label, record
from chiso.dossiers.models import ServiceInput
from chiso.org.columns import Column, ImportCounts, Problem, RowReader, Sheet
from chiso.org.models import Agency
from chiso.org.tabular import TableError, read_table

# metric (fact name of chiso/frameworks/facts.py) → item of service-index-766-2024.yaml
METRICS: dict[str, str] = {
    "procedure.published_on_time_rate": "1.1",
    "procedure.public_update_on_time_rate": "1.2",
    "procedure.public_content_full_rate": "1.3",
    "procedure.online_payment_integrated_rate": "4.1",
    "procedure.online_payment_transaction_rate": "4.2",
    # The portal's own figure, used only while no closed survey gives the SIPAS index (scorecard).
    "dossier.satisfaction_rate": "5.3",
    "procedure.e_certified_copy_rate": "6.3",
    "dossier.personal_store_rate": "6.5",
    "dossier.population_data_rate": "6.6",
    "procedure.population_data_rate": "6.7",
}
BY_ITEM = {item: name for name, item in METRICS.items()}
MAX_COUNT = 10**9

COLUMNS = (
    Column("agency", "Mã cơ quan", "Agency code", required=True),
    Column("period", "Kỳ", "Period", required=True),
    Column("metric", "Chỉ số", "Indicator", required=True),
    Column("numerator", "Tử số", "Numerator", required=True),
    Column("denominator", "Mẫu số", "Denominator", required=True),
    Column("source", "Nguồn", "Source", required=True),
    Column("evidence", "Ghi chú minh chứng", "Evidence note"),
)
FIELDS = ("numerator", "denominator", "source", "evidence")


class InputError(ValueError):
    """A refused input; the message is translated and shown to the user."""


def canonical_period(text: str) -> str:
    """``2024``, ``2024-Q4`` or ``2024-11`` (a month written with two digits); raises
    :class:`InputError` for anything else."""
    from chiso.dossiers.scorecard import PeriodError, parse_period

    try:
        period = parse_period(text)
    except PeriodError as e:
        raise InputError(
            _("'%(value)s' is not a period (2024, 2024-Q4 or 2024-11)") % {"value": text}
        ) from e
    label = period.label.upper()
    if "-" in label and "Q" not in label:
        return f"{period.year}-{period.first.month:02d}"
    return label


def enclosing(period: str) -> list[str]:
    """The period and those enclosing it, nearest first: 2024-11 → 2024-11, 2024-Q4, 2024."""
    year, _sep, part = period.partition("-")
    if not part:
        return [year]
    if part.startswith("Q"):
        return [period, year]
    return [period, f"{year}-Q{(int(part) - 1) // 3 + 1}", year]


def check_counts(numerator: int | None, denominator: int | None) -> str | None:
    """Why these counts are refused, or None."""
    if numerator is None or denominator is None:
        return _("write both the numerator and the denominator as whole numbers")
    if not 0 < denominator < MAX_COUNT or not 0 <= numerator < MAX_COUNT:
        return _("the denominator must be at least 1 and the numerator at least 0")
    if numerator > denominator:
        return _("the numerator (%(num)s) is larger than the denominator (%(den)s)") % {
            "num": numerator,
            "den": denominator,
        }
    return None


def _state(entry: ServiceInput | None) -> dict[str, Any] | None:
    return None if entry is None else {k: getattr(entry, k) for k in FIELDS}


@transaction.atomic
def save_input(
    agency: Agency,
    period: str,
    metric: str,
    *,
    numerator: int | None,
    denominator: int | None,
    source: str,
    evidence: str = "",
    expected_version: int,
    actor: Any,
) -> ServiceInput | None:
    """Enter, change or (both counts None) remove the figure of ``metric`` for ``agency`` and
    ``period``. ``expected_version`` is the version the user saw (0: no entry yet); when
    someone saved in between the input is refused rather than overwriting their figure."""
    if actor is not None:
        scope.require_reform_office(actor)
    period = canonical_period(period)
    if metric not in METRICS:
        raise InputError(_("'%(value)s' is not an indicator entered by hand") % {"value": metric})
    entry = (
        ServiceInput.objects.select_for_update()
        .filter(agency=agency, period=period, metric=metric)
        .first()
    )
    current = entry.version if entry is not None else 0
    if current != expected_version:
        by = entry.entered_by if entry is not None else "?"
        raise InputError(
            _("%(by)s changed this figure while you were editing; reload the page to see it.")
            % {"by": by}
        )
    old = _state(entry)
    if numerator is None and denominator is None:
        if entry is not None:
            entry.delete()
            record(
                "dossiers.input.removed",
                actor=actor,
                agency_id=agency.pk,
                data={"period": period, "metric": metric, "old": old, "new": None},
            )
        return None
    problem = check_counts(numerator, denominator)
    if problem is None and not source.strip():
        problem = _("name the source of the figure")
    if problem is not None:
        raise InputError(problem)
    new = {
        "numerator": numerator,
        "denominator": denominator,
        "source": source.strip()[:255],
        "evidence": evidence.strip()[:500],
    }
    if old == new:
        return entry
    if entry is None:
        entry = ServiceInput(agency=agency, period=period, metric=metric, version=0)
    for k, v in new.items():
        setattr(entry, k, v)
    entry.entered_by = actor_label(actor)
    entry.version += 1
    entry.save()
    record(
        "dossiers.input.saved",
        actor=actor,
        obj=entry,
        agency_id=agency.pk,
        data={"period": period, "metric": metric, "old": old, "new": new},
    )
    return entry


class InputReport(ImportCounts):
    """What an import of manual inputs found and did."""


def _count(row: RowReader, key: str) -> int | None:
    text = str(row.raw(key)).strip().replace(".", "").replace(" ", "")
    if text.isdigit():
        return int(text)
    row.problem(key, _("'%(value)s' is not a whole number") % {"value": row.raw(key)})
    return None


def _metric(row: RowReader) -> str:
    from chiso.frameworks.facts import describe_fact

    text = str(row.raw("metric")).strip()
    labels = {describe_fact(m, "vi").casefold(): m for m in METRICS}
    found = text if text in METRICS else BY_ITEM.get(text) or labels.get(text.casefold())
    if not found:
        row.problem(
            "metric",
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": text, "allowed": ", ".join(f"{i} {m}" for m, i in METRICS.items())},
        )
        return ""
    return found


@transaction.atomic
def import_inputs(data: bytes, *, actor: Any, filename: str = "", lang: str = "vi") -> InputReport:
    """Create or update entries from an XLSX/CSV table (the columns of ``COLUMNS``); reform
    office or command line. A figure in the file replaces the one entered (audited)."""
    if actor is not None:
        scope.require_reform_office(actor)
    try:
        table = read_table(data, filename)
    except TableError as error:
        return InputReport(problems=[Problem.make(None, "", str(error))])
    sheet = Sheet(table, COLUMNS, lang)
    if sheet.problems:
        return InputReport(problems=sheet.problems)
    agencies = {a.code.casefold(): a for a in Agency.objects.all()}
    rows: dict[tuple[int, str, str], dict[str, Any]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for row in sheet.rows():
        code = row.text("agency", 40, required=True)
        agency = agencies.get(code.casefold())
        if code and agency is None:
            row.problem("agency", _("no agency with code '%(code)s'") % {"code": code})
        period = ""
        try:
            period = canonical_period(str(row.raw("period")))
        except InputError as e:
            row.problem("period", str(e))
        metric = _metric(row)
        numerator, denominator = _count(row, "numerator"), _count(row, "denominator")
        if numerator is not None and denominator is not None:
            problem = check_counts(numerator, denominator)
            if problem:
                row.problem("numerator", problem)
        source = row.text("source", 255, required=True)
        evidence = row.text("evidence", 500)
        key = (code.casefold(), period, metric)
        if key in seen:
            row.problem("", _("the same figure is also on row %(line)s") % {"line": seen[key]})
        seen[key] = row.line
        if agency is not None:
            rows[(agency.pk, period, metric)] = {
                "numerator": numerator,
                "denominator": denominator,
                "source": source,
                "evidence": evidence,
            }
    report = InputReport(problems=sheet.problems)
    if report.problems:
        return report
    existing = {
        (e.agency_id, e.period, e.metric): e
        for e in ServiceInput.objects.filter(agency_id__in={k[0] for k in rows})
    }
    label = actor_label(actor)
    for (agency_id, period, metric), new in rows.items():
        entry = existing.get((agency_id, period, metric))
        old = _state(entry)
        if old == new:
            report.unchanged += 1
            continue
        if entry is None:
            entry = ServiceInput(agency_id=agency_id, period=period, metric=metric, version=0)
            report.created += 1
        else:
            report.updated += 1
        for k, v in new.items():
            setattr(entry, k, v)
        entry.entered_by, entry.version = label, entry.version + 1
        entry.save()
        record(
            "dossiers.input.saved",
            actor=actor,
            obj=entry,
            agency_id=agency_id,
            data={"period": period, "metric": metric, "old": old, "new": new, "file": filename},
        )
    return report


@dataclass(frozen=True)
class Entered:
    """The figure a score card uses for one metric: summed over the entries chosen."""

    metric: str
    numerator: int
    denominator: int
    entries: tuple[ServiceInput, ...]

    @property
    def value(self) -> Decimal:
        from chiso.dossiers.scorecard import rate

        value = rate(self.numerator, self.denominator)
        assert value is not None  # denominators are at least 1
        return value


def chosen_entries(agencies: Q, period: str) -> dict[tuple[int, str], ServiceInput]:
    """Per (agency, metric), the entry of ``period`` or of its nearest enclosing period."""
    candidates = enclosing(period)
    rank = {p: i for i, p in enumerate(candidates)}
    chosen: dict[tuple[int, str], ServiceInput] = {}
    for entry in ServiceInput.objects.filter(agencies, period__in=candidates):
        key = (entry.agency_id, entry.metric)
        if key not in chosen or rank[entry.period] < rank[chosen[key].period]:
            chosen[key] = entry
    return chosen


def entered(agencies: Q, period: str) -> dict[str, Entered]:
    """The manual figures of ``period`` for the agencies ``agencies`` (filter on
    ``agency_id``), each metric summed over the agencies that have one."""
    return entered_of(chosen_entries(agencies, period).values())


def entered_of(entries: Iterable[ServiceInput]) -> dict[str, Entered]:
    """The figures of chosen entries (:func:`chosen_entries`), each metric summed over them."""
    by_metric: dict[str, list[ServiceInput]] = {}
    for entry in entries:
        by_metric.setdefault(entry.metric, []).append(entry)
    return {
        metric: Entered(
            metric,
            sum(e.numerator for e in entries),
            sum(e.denominator for e in entries),
            tuple(sorted(entries, key=lambda e: e.agency_id)),
        )
        for metric, entries in by_metric.items()
    }
