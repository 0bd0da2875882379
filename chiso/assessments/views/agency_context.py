"""What the agency's assessment page shows, built once per request for the templates.

Each item of the framework becomes an :class:`ItemView`: the framework's wording and rule, the
input the rule calls for, the agency's values, the appraisers' values once the agency may see
them, its evidence files, and what the current user may do with it.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments import evidence as files
from chiso.assessments.actions.cancel import cancellation_of, may_read_cancellation
from chiso.assessments.actions.common import AssessmentError
from chiso.assessments.inputs import ValueStep, assessment_input, counted
from chiso.assessments.measures import measure_of
from chiso.assessments.models import Assessment, Deadline, Evidence, ItemEntry, Stage
from chiso.assessments.queries import deadline_of, extension_dates, is_extended, progress
from chiso.assessments.visibility import AFTER_COUNCIL, AFTER_ROUND_1, AFTER_ROUND_2
from chiso.engine import ManualRule, ProblemsError, YesNoRule, score_agency
from chiso.engine.model import Node, rule_fact
from chiso.engine.spec import fmt_decimal
from chiso.facts.models import Fact
from chiso.frameworks.describe import describe_rule
from chiso.frameworks.facts import describe_fact

# The deadline that matters while an assessment is at each stage.
STAGE_DEADLINE = {
    Stage.DRAFT: Deadline.SELF_ASSESSMENT,
    Stage.SUBMITTED: Deadline.APPROVAL,
    Stage.APPROVED: Deadline.APPRAISAL_1,
    Stage.APPRAISAL_1: Deadline.APPRAISAL_1,
    Stage.EXPLANATION: Deadline.EXPLANATION,
    Stage.APPRAISAL_2: Deadline.APPRAISAL_2,
    Stage.COUNCIL: Deadline.COUNCIL,
}


# From the first appraisal on, each item says which step's value counts.
APPRAISAL_BEGUN = AFTER_ROUND_1 | {Stage.APPRAISAL_1}


class CancelledAssessment(Http404):
    """The assessment was deleted with its round, cancelled as opened by mistake, and the user
    may read the cancellation (audit row ``event_pk``). A 404 wherever it is not caught; the
    pages the round's e-mails link to lead to the cancellation page instead
    (:func:`follows_cancelled_round`)."""

    def __init__(self, event_pk: int) -> None:
        super().__init__()
        self.event_pk = event_pk


def visible_assessment(user: Any, pk: int) -> Assessment:
    """The assessment if the user may read it; 404 otherwise, so its existence is not told.
    :class:`CancelledAssessment` when it was deleted with a cancelled round and the user may
    read the cancellation: the agency's own people, the reform office and viewers; anyone
    else gets the plain 404, which does not tell that it existed."""
    assessment = (
        Assessment.objects.select_related("round__block", "round__framework", "agency__type")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        cancelled = cancellation_of(pk)
        if cancelled is not None and may_read_cancellation(user, [cancelled[1]]):
            raise CancelledAssessment(cancelled[0])
        raise Http404
    if not files.can_see_assessment(user, assessment):
        raise Http404
    return assessment


def follows_cancelled_round(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a full-page view of one assessment: when the assessment went with a cancelled
    round, redirect to the cancellation page, since the e-mails sent when the round opened
    keep their link to the assessment (in-app notifications are relinked, cancel.py)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except CancelledAssessment as gone:
            return redirect("assessments:round_cancelled", event_pk=gone.event_pk)

    return wrapped


def parse_value(text: str, code: str) -> Decimal | None:
    """A typed number, with a decimal comma or point; blank is no value."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise AssessmentError(
            _("Item %(code)s: «%(text)s» is not a number.") % {"code": code, "text": text}
        )
    return value


def num(value: Decimal | None) -> str:
    """A value for people, in the page's language: "1,5", never "1.5000"."""
    if value is None:
        return ""
    lang = get_language() or "vi"
    return fmt_decimal(value, "en" if lang.startswith("en") else "vi")


def plain(value: Decimal | None) -> str:
    """A value as a form posts it back: "1.5"."""
    return "" if value is None else format(value.normalize(), "f")


@dataclass
class FactView:
    label: str
    value: Decimal | None
    source: str = ""
    as_of: datetime.date | None = None


@dataclass
class Permissions:
    """What the current user may do on this assessment right now."""

    is_focal: bool
    is_leader: bool
    is_office: bool
    edit_self: bool
    explain: bool
    approve: bool
    sees_round_1: bool
    sees_round_2: bool
    sees_council: bool
    # The field codes the user may read when they read only as an appraiser of some fields;
    # None: every field (the agency's users, the reform office, readers of published results).
    only_fields: frozenset[str] | None = None


def permissions(user: Any, assessment: Assessment) -> Permissions:
    mine = set(
        user.memberships.filter(agency_id=assessment.agency_id).values_list("role", flat=True)
    )
    is_focal = Role.FOCAL_OFFICER in mine
    is_office = scope.is_reform_office(user)
    status = assessment.status
    appraised = files.appraiser_fields(user, assessment)
    # Appraisers and the office follow the appraisal as it happens; the agency after each round.
    insider = is_office or bool(appraised)
    reads_all = (
        is_office
        or assessment.agency_id in scope.own_agency_ids(user)
        or (status == Stage.PUBLISHED and scope.sees_whole_province(user))
    )
    explanation_open = (
        status == Stage.EXPLANATION
        and timezone.localdate()
        <= assessment.round.deadline(Deadline.EXPLANATION, assessment.agency_id)
    )
    return Permissions(
        is_focal=is_focal,
        is_leader=Role.AGENCY_LEADER in mine,
        is_office=is_office,
        edit_self=is_focal and status == Stage.DRAFT,
        explain=is_focal and explanation_open,
        approve=Role.AGENCY_LEADER in mine and status == Stage.SUBMITTED,
        sees_round_1=insider or status in AFTER_ROUND_1,
        sees_round_2=insider or status in AFTER_ROUND_2,
        sees_council=insider or status in AFTER_COUNCIL,
        only_fields=None if reads_all else frozenset(appraised),
    )


@dataclass
class ItemView:
    """One leaf of the framework as the page shows it."""

    node: Node
    rule_text: str
    widget: str  # "levels", "yes_no", "number" or "fact"
    levels: list[tuple[str, str]]
    na_allowed: bool
    entry: ItemEntry | None = None
    fact: FactView | None = None
    evidence: list[Evidence] = field(default_factory=list)
    points: Decimal | None = None
    value: str = ""  # what the form shows: the stored value or what the user typed
    not_applicable: bool = False
    justification: str = ""
    explanation: str = ""
    version: int = 0
    error: str = ""
    notice: str = ""
    stale: bool = False  # a conflict: the form keeps the old version until reloaded
    may_edit: bool = False
    may_explain: bool = False
    # The step whose value counts, once appraisal has begun and the reader may see it.
    counted_step: ValueStep | None = None

    @property
    def may_add_evidence(self) -> bool:
        return self.may_edit or self.may_explain

    @property
    def done(self) -> bool:
        return self.entry is not None and (
            self.entry.self_value is not None or self.entry.self_not_applicable
        )

    @property
    def shown_value(self) -> str:
        """The stored self value for reading: "Có"/"Không" for yes/no, else the number."""
        if self.entry is None or self.entry.self_value is None:
            return ""
        if self.widget == "yes_no":
            return _("Yes") if self.entry.self_value == 1 else _("No")
        measure = measure_of(self.node)
        if measure is not None:
            return measure.amount(self.entry.self_value)
        return num(self.entry.self_value)


def _widget(node: Node) -> tuple[str, list[tuple[str, str]]]:
    rule = node.rule
    if rule is not None and rule_fact(rule) is not None:
        return "fact", []
    if isinstance(rule, YesNoRule):
        return "yes_no", [("1", _("Yes")), ("0", _("No"))]
    if isinstance(rule, ManualRule) and rule.levels:
        return "levels", [(plain(v), num(v)) for v in rule.levels]
    return "number", []


def _na_allowed(node: Node, agency_type: str) -> bool:
    na = node.not_applicable
    return na.allowed and (not na.agency_types or agency_type in na.agency_types)


def item_view(
    assessment: Assessment,
    node: Node,
    rule_dict: dict[str, Any] | None,
    perms: Permissions,
    *,
    entry: ItemEntry | None,
    facts: dict[str, Fact],
    evidence: list[Evidence],
    points: Decimal | None = None,
) -> ItemView:
    lang = get_language() or "vi"
    widget, levels = _widget(node)
    view = ItemView(
        node=node,
        rule_text=describe_rule(rule_dict, node.max_points, lang),
        widget=widget,
        levels=levels,
        na_allowed=_na_allowed(node, assessment.agency.type.code),
        entry=entry,
        evidence=evidence,
        points=points,
    )
    if widget == "fact" and node.rule is not None:
        name = rule_fact(node.rule) or ""
        stored = facts.get(name)
        view.fact = FactView(
            label=describe_fact(name, lang),
            value=stored.value if stored else None,
            source=stored.source if stored else "",
            as_of=stored.as_of if stored else None,
        )
    if entry is not None:
        # Radios compare with the plain value; a text box shows it as people write it.
        view.value = num(entry.self_value) if widget == "number" else plain(entry.self_value)
        view.not_applicable = entry.self_not_applicable
        view.justification = entry.justification
        view.explanation = entry.explanation
        view.version = entry.version
        view.may_edit = perms.edit_self
        view.may_explain = perms.explain and entry.needs_explanation
        if perms.sees_round_1 and assessment.status in APPRAISAL_BEGUN:
            view.counted_step = counted(
                entry,
                round_1=perms.sees_round_1,
                round_2=perms.sees_round_2,
                council=perms.sees_council,
            ).step
    return view


@dataclass
class FieldView:
    node: Node
    items: list[ItemView]
    points: Decimal | None = None


def self_scores(assessment: Assessment) -> Any:
    """The engine's result on the agency's own values (what the leader approves), or None when
    the engine refuses the inputs."""
    base = assessment_input(assessment)
    entries = list(assessment.entries.all())
    own = dataclasses.replace(
        base, values={e.code: e.self_value for e in entries if e.self_value is not None}
    )
    try:
        return score_agency(assessment.round.framework.to_engine(), own)
    except ProblemsError:
        return None


@dataclass
class Summary:
    """The self-assessed points of each field and the engine's whole result."""

    fields: list[tuple[Node, Decimal]]
    result: Any


def summary(assessment: Assessment, perms: Permissions, result: Any = None) -> Summary | None:
    """The summary from ``result`` (the engine's, when already computed) or a fresh score;
    None for a reader limited to some fields, since it sums up every field."""
    if perms.only_fields is not None:
        return None
    result = result if result is not None else self_scores(assessment)
    if result is None:
        return None
    engine = assessment.round.framework.to_engine()
    return Summary([(top, result.nodes[top.code].points) for top in engine.nodes], result)


def build_items(
    assessment: Assessment, perms: Permissions, codes: set[str] | None = None
) -> tuple[list[FieldView], Any]:
    """Fields in framework order with their leaves (only ``codes`` when given), and the
    engine's self-assessed result."""
    framework = assessment.round.framework
    engine = framework.to_engine()
    rule_dicts = {n.code: n.rule for n in framework.nodes.exclude(rule=None)}
    entries = {e.code: e for e in assessment.entries.all()}
    facts = {
        f.name: f
        for f in Fact.objects.filter(
            agency=assessment.agency, year=assessment.round.year, person=None
        )
    }
    by_entry: dict[int, list[Evidence]] = {}
    for ev in assessment.evidence.filter(removed_at=None, entry__isnull=False).select_related(
        "uploaded_by"
    ):
        by_entry.setdefault(ev.entry_id or 0, []).append(ev)
    result = self_scores(assessment) if codes is None else None
    fields = []
    for top in engine.nodes:
        if perms.only_fields is not None and top.code not in perms.only_fields:
            continue
        items = []
        for node in _leaves(top):
            if codes is not None and node.code not in codes:
                continue
            entry = entries.get(node.code)
            items.append(
                item_view(
                    assessment,
                    node,
                    rule_dicts.get(node.code),
                    perms,
                    entry=entry,
                    facts=facts,
                    evidence=by_entry.get(entry.pk, []) if entry else [],
                    points=result.nodes[node.code].points if result else None,
                )
            )
        if items:
            fields.append(FieldView(top, items, result.nodes[top.code].points if result else None))
    return fields, result


def _leaves(node: Node) -> list[Node]:
    if node.is_leaf:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


@dataclass
class ProgressView:
    done: int
    total: int
    missing: list[tuple[str, int]]  # item code and entry id (the anchor on the page)


def progress_view(assessment: Assessment, perms: Permissions) -> ProgressView:
    """The progress of the self-assessment; the items missing evidence only of the fields
    the user may read."""
    counted = progress(assessment)
    codes = files.missing_evidence(assessment)
    entries = assessment.entries.filter(code__in=codes)
    if perms.only_fields is not None:
        entries = entries.filter(field_code__in=perms.only_fields)
    ids = dict(entries.values_list("code", "pk"))
    return ProgressView(counted.done, counted.total, [(c, ids[c]) for c in codes if c in ids])


def stage_deadline(
    assessment: Assessment, extensions: dict[tuple[int, int, str], datetime.date] | None = None
) -> tuple[datetime.date | None, bool]:
    """The deadline of the assessment's current stage for its agency, and whether it was
    extended for the agency; ``extensions`` (:func:`extension_dates`) saves the query."""
    stage = STAGE_DEADLINE.get(Stage(assessment.status))
    if stage is None:
        return None, False
    if extensions is None:
        extensions = extension_dates([assessment.round])
    extended = is_extended(assessment.round, stage, assessment.agency_id, extensions)
    return deadline_of(assessment.round, stage, assessment.agency_id, extensions), extended
