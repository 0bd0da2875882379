"""The Decision 766 score card of an agency or of the province for a year, quarter or month.

Dossier metrics come from the monthly rollups (settled outcomes) plus the dossiers still open
that are within their deadline at the end of the period (rules.py R2), counted in SQL from their
stored deadlines (:mod:`chiso.dossiers.openclock`). The petition rates come from the petition
register (petitions.py); ``dossier.satisfaction_rate`` from the SIPAS index of a closed survey
campaign of the year; what no feed carries (publication of procedures, 4.1/4.2, 6.3, 6.5–6.7)
from the reform office's manual period inputs (serviceinputs.py). Where one metric has several
sources the first of dossiers, petitions, survey, manual input, imported fact wins; each
metric's source is on the card (``sources``). The shipped framework ``service-index-766-2024``
is scored by the engine unchanged.

:func:`score_cards` reads the cards of any number of agencies (and the province's) in a constant
number of grouped queries, then scores each in memory; :func:`score_card` is its one-card case.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.dossiers.conf import rule_settings
from chiso.dossiers.models import DailyRollup, MonthlyRollup, ServiceInput
from chiso.dossiers.openclock import on_time_by_agency
from chiso.dossiers.petitions import (
    NO_PETITIONS,
    PetitionCounts,
    add_petitions,
    petition_counts_by_agency,
    petition_rates,
    register_in_use,
)
from chiso.dossiers.serviceinputs import Entered, canonical_period, chosen_entries, entered_of
from chiso.dossiers.workcalendar import local
from chiso.engine import score_agency
from chiso.engine.model import AgencyInput, MetricRule, iter_nodes
from chiso.engine.model import Framework as EngineFramework
from chiso.facts.models import Fact
from chiso.frameworks.loading import load_engine_framework
from chiso.org.models import Agency

FRAMEWORK_FILE = "service-index-766-2024.yaml"
PERIOD_RE = re.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{1,2}))?$")
# metric name → (numerator counter, denominator counter); on_time is computed separately.
RATIOS = {
    "dossier.online_rate": ("online", "received"),
    "dossier.full_online_rate": ("full_online", "eligible"),
    "dossier.online_payment_rate": ("paid_online", "fee_bearing"),
    "dossier.e_result_rate": ("e_result", "paper_result"),
    "dossier.digitised_rate": ("digitised", "received"),
    "dossier.reused_data_rate": ("reused", "received"),
    "dossier.sync_rate": ("synced", "received"),
}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    year: int
    first: datetime.date
    last: datetime.date

    @property
    def end(self) -> datetime.datetime:
        """The moment open dossiers are measured at: the period's last instant, or now."""
        last = datetime.datetime.combine(self.last, datetime.time(23, 59, 59))
        return min(last, local(timezone.now()))


def parse_period(text: str) -> Period:
    """``2023``, ``2023-Q4`` or ``2023-11``."""
    m = PERIOD_RE.match(text.strip())
    if not m or (m.group(3) and not 1 <= int(m.group(3)) <= 12):
        raise PeriodError(text)
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2))
        first = datetime.date(year, 3 * q - 2, 1)
        end_month = 3 * q
    elif m.group(3):
        first = datetime.date(year, int(m.group(3)), 1)
        end_month = first.month
    else:
        first, end_month = datetime.date(year, 1, 1), 12
    last = datetime.date(year, end_month, month_calendar.monthrange(year, end_month)[1])
    return Period(text.strip(), year, first, last)


@dataclass
class Metric:
    name: str
    numerator: Decimal
    denominator: int
    value: Decimal | None


@dataclass(frozen=True)
class Source:
    """Where a metric's value came from: ``kind`` is ``dossiers``, ``petitions``, ``survey``,
    ``manual`` or ``fact``; ``label`` says it in words; ``by`` who entered a manual figure;
    ``period`` the period of the entries used (a manual figure may be the enclosing year's)."""

    kind: str
    label: str
    by: str = ""
    period: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label, "by": self.by, "period": self.period}


@dataclass
class ScoreCard:
    period: Period
    scope: str  # agency code or "province"
    name: str
    counters: dict[str, Any]
    metrics: dict[str, Metric]
    score: Decimal | None = None
    classification: str | None = None
    groups: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.label,
            "scope": self.scope,
            "name": self.name,
            "score": str(self.score) if self.score is not None else None,
            "classification": self.classification,
            "counters": {k: str(v) for k, v in self.counters.items()},
            "metrics": {
                m.name: {
                    "numerator": str(m.numerator),
                    "denominator": m.denominator,
                    "value": str(m.value) if m.value is not None else None,
                }
                for m in self.metrics.values()
            },
            "groups": self.groups,
            "sources": {name: source.as_dict() for name, source in self.sources.items()},
        }


@cache
def framework() -> EngineFramework:
    return load_engine_framework(
        str(Path(__file__).parent.parent / "data" / "frameworks" / FRAMEWORK_FILE)
    )


def rate(numerator: Decimal | int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * Decimal(numerator) / denominator).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def open_on_time_by_agency(agencies: Q, period: Period) -> dict[int, int]:
    """Per agency id, the dossiers of the period still open now that were within their
    deadline at its end (R2); agencies without such a dossier are left out. Counted in SQL
    from the open dossiers' deadlines (:mod:`chiso.dossiers.openclock`)."""
    return on_time_by_agency(agencies, period.first, period.last, period.end)


def open_on_time(agencies: Q, period: Period) -> int:
    """The same count for all the dossiers ``agencies`` selects together."""
    return sum(open_on_time_by_agency(agencies, period).values())


def counters_by_agency(agencies: Q, period: Period) -> dict[int, dict[str, Any]]:
    """Per agency id, its summed rollup counters of the period: one grouped query over the
    monthly rollups (periods are whole months)."""
    rows = (
        MonthlyRollup.objects.filter(agencies, month__range=(period.first, period.last))
        .values("agency_id")
        .annotate(**{c: Sum(c) for c in DailyRollup.COUNTERS})
        .order_by()
    )
    return {r["agency_id"]: {c: r[c] or 0 for c in DailyRollup.COUNTERS} for r in rows}


def counters(agencies: Q, period: Period) -> dict[str, Any]:
    """Summed rollup counters of the period (``agencies`` filters on ``agency_id``)."""
    return add_counters(counters_by_agency(agencies, period).values())


def add_counters(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = dict.fromkeys(DailyRollup.COUNTERS, 0)
    for part in parts:
        for c in DailyRollup.COUNTERS:
            total[c] += part[c]
    return total


def metrics_from(c: dict[str, Any], open_in_time: int) -> dict[str, Metric]:
    """The dossier metrics (fact names of chiso/frameworks/facts.py) from the counters."""
    view_late = c["late_extended"] if rule_settings().portal_view == "extended" else c["late"]
    on_time = c["settled"] - view_late + open_in_time
    out = {
        "dossier.on_time_rate": Metric(
            "dossier.on_time_rate", Decimal(on_time), c["received"], rate(on_time, c["received"])
        )
    }
    for name, (num, den) in RATIOS.items():
        out[name] = Metric(name, Decimal(c[num]), c[den], rate(c[num], c[den]))
    apologised = c["late"] - c["late_without_apology"]
    out["dossier.apology_rate"] = Metric(
        "dossier.apology_rate", Decimal(apologised), c["late"], rate(apologised, c["late"])
    )
    return out


def petition_metrics(counts: PetitionCounts, in_use: bool) -> dict[str, Metric]:
    return {
        name: Metric(name, Decimal(num), den, value)
        for name, (num, den, value) in petition_rates(counts, in_use).items()
    }


def manual_metrics(figures: dict[str, Entered]) -> dict[str, tuple[Metric, Source]]:
    out = {}
    for name, figure in figures.items():
        by = ", ".join(dict.fromkeys(e.entered_by for e in figure.entries))
        periods = ", ".join(dict.fromkeys(e.period for e in figure.entries))
        sources = "; ".join(dict.fromkeys(e.source for e in figure.entries))
        label = _("Manual input by %(by)s (%(source)s)") % {"by": by, "source": sources}
        out[name] = (
            Metric(name, Decimal(figure.numerator), figure.denominator, figure.value),
            Source("manual", label, by, periods),
        )
    return out


def satisfaction(value: Decimal, label: str) -> tuple[Metric, Source]:
    """``dossier.satisfaction_rate`` from a SIPAS overall index (fact ``survey.sipas``, the
    mean of the element indices, sipas.md §5); an index, not a count: shown as value / 100.
    The portal's own 5.3 formula (100 % − late rate − rate of dossiers petitioned or
    disliked) needs the ratings of the portal, which chiso does not receive."""
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    name = "dossier.satisfaction_rate"
    return Metric(name, value, 100, value), Source("survey", label)


def surveyed_agencies(ids: Iterable[int], year: int) -> set[int]:
    """Which of the agencies ``ids`` a closed survey campaign of ``year`` evaluated."""
    from chiso.surveys.models import Campaign

    return set(
        Campaign.agencies.through.objects.filter(
            campaign__year=year, campaign__status=Campaign.Status.CLOSED, agency_id__in=ids
        ).values_list("agency_id", flat=True)
    )


def province_satisfaction(year: int) -> tuple[Metric, Source] | None:
    """The SIPAS overall index (``sipas``) over all the answers of the latest closed campaign
    of ``year`` that has one. A closed campaign's answers no longer change (its exclusions and
    answers are refused), so each campaign's index is computed once and kept in the cache
    under its id and closing time rather than on every page load."""
    from chiso.surveys.models import Campaign

    closed = Campaign.objects.filter(year=year, status=Campaign.Status.CLOSED)
    for campaign in closed.order_by("-closed_at", "-pk"):
        closed_at = campaign.closed_at.timestamp() if campaign.closed_at else ""
        key = f"chiso.dossiers.sipas:{campaign.pk}:{closed_at}"
        index = caches["default"].get_or_set(
            key, lambda c=campaign: campaign_sipas(c), timeout=None
        )
        if index:
            return satisfaction(Decimal(index), _("Survey “%(name)s”") % {"name": campaign.name})
    return None


def campaign_sipas(campaign: Any) -> str:
    """The campaign's overall SIPAS index over all its answers, "" when none has one."""
    from chiso.surveys.results import campaign_results

    for result in campaign_results(campaign):
        overall = result.overall.facts.get("sipas")
        if overall is not None:
            return str(overall)
    return ""


@dataclass
class CardData:
    """Everything the cards of one period read, by agency id, loaded in a constant number of
    queries whatever the number of agencies (issue 4: dashboards read in milliseconds)."""

    counters: dict[int, dict[str, Any]]
    open_in_time: dict[int, int]
    petitions: dict[int, PetitionCounts]
    register_in_use: bool
    manual: dict[int, list[ServiceInput]]
    facts: dict[int, dict[str, tuple[Decimal, str]]]  # fact name → (value, source)
    surveyed: set[int]
    province_survey: tuple[Metric, Source] | None


def load(period: Period, ids: list[int], *, province: bool) -> CardData:
    """The data of the agencies ``ids``; of all agencies when the province card is wanted
    too (its figures are the sums of theirs)."""
    where = Q() if province else Q(agency_id__in=ids)
    petitions = petition_counts_by_agency(where, period.first, period.last, period.end)
    # Over the whole province the grouped counts tell whether the register is in use.
    in_use = bool(petitions) or (
        not province and bool(ids) and register_in_use(period.first, period.last)
    )
    manual: dict[int, list[ServiceInput]] = {}
    for (agency_id, _metric), entry in chosen_entries(
        where, canonical_period(period.label)
    ).items():
        manual.setdefault(agency_id, []).append(entry)
    facts: dict[int, dict[str, tuple[Decimal, str]]] = {}
    for agency_id, name, value, source in Fact.objects.filter(
        agency_id__in=ids, year=period.year, person=None
    ).values_list("agency_id", "name", "value", "source"):
        facts.setdefault(agency_id, {})[name] = (value, source)
    return CardData(
        counters=counters_by_agency(where, period),
        open_in_time=open_on_time_by_agency(where, period),
        petitions=petitions,
        register_in_use=in_use,
        manual=manual,
        facts=facts,
        surveyed=surveyed_agencies(ids, period.year) if ids else set(),
        province_survey=province_satisfaction(period.year) if province else None,
    )


def score_cards(
    period: Period, agencies: Iterable[Agency], *, province: bool = False
) -> dict[int | None, ScoreCard]:
    """The score cards of ``agencies`` by agency id (each unit has its own card: the units
    below an agency are *not* included in it), and under the key None the whole province's
    card when ``province``. The data is read in a constant number of queries (:func:`load`);
    each card is then scored by the engine in memory."""
    wanted = list(agencies)
    data = load(period, [a.pk for a in wanted], province=province)
    cards: dict[int | None, ScoreCard] = {}
    for agency in wanted:
        found = data.facts.get(agency.pk, {})
        survey = None
        if agency.pk in data.surveyed and "survey.sipas" in found:
            value, label = found["survey.sipas"]
            survey = satisfaction(value, label)
        cards[agency.pk] = build(
            period,
            agency,
            data.counters.get(agency.pk, add_counters(())),
            data.open_in_time.get(agency.pk, 0),
            petition_metrics(data.petitions.get(agency.pk, NO_PETITIONS), data.register_in_use),
            survey,
            manual_metrics(entered_of(data.manual.get(agency.pk, []))),
            found,
        )
    if province:
        cards[None] = build(
            period,
            None,
            add_counters(data.counters.values()),
            sum(data.open_in_time.values()),
            petition_metrics(add_petitions(data.petitions.values()), data.register_in_use),
            data.province_survey,
            manual_metrics(entered_of(e for es in data.manual.values() for e in es)),
            {},
        )
    return cards


def score_card(period: Period, agency: Agency | None = None) -> ScoreCard:
    """The score card of ``agency``, or of the whole province when ``agency`` is None: the
    one-card case of :func:`score_cards`, so that both always agree."""
    if agency is None:
        return score_cards(period, (), province=True)[None]
    return score_cards(period, (agency,))[agency.pk]


def build(
    period: Period,
    agency: Agency | None,
    c: dict[str, Any],
    open_in_time: int,
    petitions: dict[str, Metric],
    survey: tuple[Metric, Source] | None,
    manual: dict[str, tuple[Metric, Source]],
    facts: dict[str, tuple[Decimal, str]],
) -> ScoreCard:
    """One card from its data, no query: every metric with its source, the first source of a
    metric winning in the order dossiers, petitions, survey, manual input, imported fact."""
    metrics = metrics_from(c, open_in_time)
    sources = {name: Source("dossiers", _("Dossiers (one-stop system)")) for name in metrics}
    for name, metric in petitions.items():
        metrics[name] = metric
        sources[name] = Source("petitions", _("Petition register (PAKN)"))
    if survey is not None:
        metrics[survey[0].name], sources[survey[0].name] = survey
    for name, (metric, source) in manual.items():
        if name not in metrics:
            metrics[name], sources[name] = metric, source
    values = {name: value for name, (value, _source) in facts.items()}
    computed = {n for n, m in metrics.items() if m.value is not None}
    for name in sorted(framework_metrics() & facts.keys() - computed):
        sources.setdefault(name, Source("fact", facts[name][1] or _("Imported data")))
    values.update({m.name: m.value for m in metrics.values() if m.value is not None})
    code = agency.code if agency is not None else "province"
    name = agency.name if agency is not None else "Toàn tỉnh"
    result = score_agency(framework(), AgencyInput(agency=code, name=name, facts=values))
    groups = [
        {
            "code": n.code,
            "title": n.title,
            "points": str(n.points),
            "max": str(n.max_points),
            "missing_input": n.missing_input,
        }
        for n in result.nodes.values()
    ]
    sources = {n: src for n, src in sources.items() if n in values}
    if not values:  # nothing measured or imported: no score, rather than 0 points "Yếu"
        return ScoreCard(period, code, name, c, metrics, None, None, groups, sources)
    return ScoreCard(
        period, code, name, c, metrics, result.final, result.classification, groups, sources
    )


@cache
def framework_metrics() -> frozenset[str]:
    """The metric names the 766 framework's items read."""
    return frozenset(
        n.rule.metric for n in iter_nodes(framework().nodes) if isinstance(n.rule, MetricRule)
    )


PUBLISHED = (
    "dossier.on_time_rate",
    "dossier.online_rate",
    "dossier.full_online_rate",
    "dossier.online_payment_rate",
    "dossier.e_result_rate",
    "dossier.digitised_rate",
    "dossier.reused_data_rate",
    "dossier.sync_rate",
    "dossier.apology_rate",
)
SOURCE = "Hệ thống thông tin giải quyết TTHC của tỉnh (chiso dossiers)"


def publish_facts(year: int, *, actor: Any) -> Any:
    """Publish each agency's metrics of ``year`` and its 766 score as facts for the annual
    evaluation, through the facts import (permission check and one audit row per change)."""
    import csv
    import io

    from chiso.facts.importing import import_facts

    period = parse_period(str(year))
    ids = DailyRollup.objects.filter(day__year=year).values_list("agency_id", flat=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã cơ quan", "Tên dữ liệu", "Năm", "Giá trị", "Nguồn", "Ngày số liệu"])
    as_of = period.end.date().strftime("%d/%m/%Y")
    agencies = list(Agency.objects.filter(pk__in=set(ids)).order_by("code"))
    cards = score_cards(period, agencies)
    for agency in agencies:
        card = cards[agency.pk]
        for name in PUBLISHED:
            value = card.metrics[name].value
            if value is not None:
                writer.writerow([agency.code, name, year, value, SOURCE, as_of])
        if card.score is not None:
            writer.writerow([agency.code, "service_index.766", year, card.score, SOURCE, as_of])
    return import_facts(out.getvalue().encode(), actor=actor, filename=f"dossiers-{year}.csv")
