"""The Decision 766 score card of an agency or of the province for a year, quarter or month.

Dossier metrics come from the daily rollups (settled outcomes) plus the dossiers still open,
measured at the end of the period (rules.py R2). The petition rates come from the petition
register (petitions.py); ``dossier.satisfaction_rate`` from the SIPAS index of a closed survey
campaign of the year; what no feed carries (publication of procedures, 4.1/4.2, 6.3, 6.5–6.7)
from the reform office's manual period inputs (serviceinputs.py). Where one metric has several
sources the first of dossiers, petitions, survey, manual input, imported fact wins; each
metric's source is on the card (``sources``). The shipped framework ``service-index-766-2024``
is scored by the engine unchanged.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.models import Apology, DailyRollup, Dossier, Pause
from chiso.dossiers.workcalendar import local
from chiso.engine import score_agency
from chiso.engine.model import AgencyInput, MetricRule, iter_nodes
from chiso.engine.model import Framework as EngineFramework
from chiso.facts.importing import facts_for
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


def open_on_time(agencies: Q, period: Period) -> int:
    """Dossiers of the period still open now that were within their deadline at its end (R2).

    Without pauses or apologies the test is a comparison of calendar positions, read from two
    columns; only the others are derived again with their items (rules.derive)."""
    from chiso.dossiers.ingest import Context, derive_dossier  # avoids an import cycle

    view = rule_settings().portal_view
    open_dossiers = Dossier.objects.filter(
        agencies, is_counted=True, settled=False, counted_on__range=(period.first, period.last)
    )
    involved = set(
        Pause.objects.filter(dossier__in=open_dossiers).values_list("dossier_id", flat=True)
    ) | set(Apology.objects.filter(dossier__in=open_dossiers).values_list("dossier_id", flat=True))
    cal = current_calendar()
    end = cal.position(period.end)
    count = 0
    for pk, received, due_at, due_initial in open_dossiers.values_list(
        "pk", "received_at", "due_at", "due_initial"
    ):
        if pk in involved or due_at is None:
            involved.add(pk)
            continue
        due = max(due_at, due_initial or due_at) if view == "extended" else due_initial or due_at
        start = cal.position(cal.clock_start(local(received)))
        count += end - start <= max(0, cal.position(local(due)) - start)
    if not involved:
        return count
    ctx = Context()
    for d in (
        Dossier.objects.filter(pk__in=involved)
        .select_related("procedure")
        .prefetch_related("pauses", "apologies", "steps")
    ):
        derive_dossier(
            ctx.calendar,
            ctx.settings,
            period.end,
            d,
            d.procedure,
            list(d.pauses.all()),
            list(d.apologies.all()),
            list(d.steps.all()),
        )
        count += bool(d.on_time_extended if view == "extended" else d.on_time)
    return count


def counters(agencies: Q, period: Period) -> dict[str, Any]:
    """Summed rollup counters of the period (``agencies`` filters on ``agency_id``)."""
    totals = DailyRollup.objects.filter(agencies, day__range=(period.first, period.last)).aggregate(
        **{c: Sum(c) for c in DailyRollup.COUNTERS}
    )
    return {k: v or 0 for k, v in totals.items()}


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


def petition_metrics(agencies: Q, period: Period) -> dict[str, Metric]:
    from chiso.dossiers.petitions import petition_rates

    return {
        name: Metric(name, Decimal(num), den, value)
        for name, (num, den, value) in petition_rates(
            agencies, period.first, period.last, period.end
        ).items()
    }


def survey_satisfaction(agency: Agency | None, year: int) -> tuple[Metric, Source] | None:
    """``dossier.satisfaction_rate`` from the SIPAS overall index (fact ``survey.sipas``, the
    mean of the element indices, sipas.md §5) of a closed campaign of ``year``. For an agency:
    the fact the campaign wrote on closing; for the province: the campaign's index over all
    its answers. The portal's own 5.3 formula (100 % − late rate − rate of dossiers petitioned
    or disliked) needs the ratings of the portal, which chiso does not receive."""
    from chiso.surveys.models import Campaign

    closed = Campaign.objects.filter(year=year, status=Campaign.Status.CLOSED)
    name = "dossier.satisfaction_rate"
    if agency is not None:
        if not closed.filter(agencies=agency).exists():
            return None
        fact = Fact.objects.filter(
            agency=agency, year=year, name="survey.sipas", person=None
        ).first()
        if fact is None:
            return None
        value = fact.value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        # An index, not a count: shown as value / 100.
        return Metric(name, value, 100, value), Source("survey", fact.source)
    from chiso.surveys.results import campaign_results

    for campaign in closed.order_by("-closed_at", "-pk"):
        for result in campaign_results(campaign):
            overall = result.overall.facts.get("sipas")
            if overall is not None:
                value = overall.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                label = _("Survey “%(name)s”") % {"name": campaign.name}
                return Metric(name, value, 100, value), Source("survey", label)
    return None


def manual_metrics(agencies: Q, period: Period) -> dict[str, tuple[Metric, Source]]:
    from chiso.dossiers.serviceinputs import canonical_period, entered

    out = {}
    for name, figure in entered(agencies, canonical_period(period.label)).items():
        by = ", ".join(dict.fromkeys(e.entered_by for e in figure.entries))
        periods = ", ".join(dict.fromkeys(e.period for e in figure.entries))
        sources = "; ".join(dict.fromkeys(e.source for e in figure.entries))
        label = _("Manual input by %(by)s (%(source)s)") % {"by": by, "source": sources}
        out[name] = (
            Metric(name, Decimal(figure.numerator), figure.denominator, figure.value),
            Source("manual", label, by, periods),
        )
    return out


def gather(
    agency: Agency | None, agencies: Q, period: Period, c: dict[str, Any]
) -> tuple[dict[str, Metric], dict[str, Source]]:
    """Every metric of the card with its source, the first source of a metric winning in the
    order dossiers, petitions, survey, manual input."""
    metrics = metrics_from(c, open_on_time(agencies, period))
    sources = {name: Source("dossiers", _("Dossiers (one-stop system)")) for name in metrics}
    for name, metric in petition_metrics(agencies, period).items():
        metrics[name] = metric
        sources[name] = Source("petitions", _("Petition register (PAKN)"))
    found = survey_satisfaction(agency, period.year)
    if found is not None:
        metrics[found[0].name], sources[found[0].name] = found
    for name, (metric, source) in manual_metrics(agencies, period).items():
        if name not in metrics:
            metrics[name], sources[name] = metric, source
    return metrics, sources


def score_card(period: Period, agency: Agency | None = None) -> ScoreCard:
    """The score card of ``agency`` (and the units below it are *not* included: each unit
    has its own), or of the whole province when ``agency`` is None."""
    agencies = Q(agency_id=agency.pk) if agency is not None else Q()
    c = counters(agencies, period)
    metrics, sources = gather(agency, agencies, period, c)
    facts = dict(facts_for(agency, period.year)) if agency is not None else {}
    if agency is not None:
        wanted = framework_metrics() - {n for n, m in metrics.items() if m.value is not None}
        for fact in Fact.objects.filter(agency=agency, year=period.year, name__in=wanted):
            sources.setdefault(fact.name, Source("fact", fact.source or _("Imported data")))
    facts.update({m.name: m.value for m in metrics.values() if m.value is not None})
    code = agency.code if agency is not None else "province"
    name = agency.name if agency is not None else "Toàn tỉnh"
    result = score_agency(framework(), AgencyInput(agency=code, name=name, facts=facts))
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
    sources = {n: src for n, src in sources.items() if n in facts}
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
    for agency in Agency.objects.filter(pk__in=set(ids)).order_by("code"):
        card = score_card(period, agency)
        for name in PUBLISHED:
            value = card.metrics[name].value
            if value is not None:
                writer.writerow([agency.code, name, year, value, SOURCE, as_of])
        if card.score is not None:
            writer.writerow([agency.code, "service_index.766", year, card.score, SOURCE, as_of])
    return import_facts(out.getvalue().encode(), actor=actor, filename=f"dossiers-{year}.csv")
