"""What the pages of the reform office, appraisers and council share.

The pages themselves live in ``office_rounds`` (rounds, deadlines, appraisers, stages),
``office_adjustments`` (bonus and penalty), ``office_appraisal`` (the appraiser's worklist and
item pages) and ``office_council`` (the council's decisions). They parse, authorise and call
:mod:`chiso.assessments.actions`; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments.actions import AssessmentError
from chiso.assessments.measures import Measure, measure_of, points_for, scored_by_rule
from chiso.assessments.models import Evidence, ItemEntry, Round
from chiso.assessments.views.agency_context import _widget as input_widget
from chiso.assessments.views.agency_context import plain
from chiso.audit.exporting import action_label, describe_details
from chiso.audit.models import AuditEvent
from chiso.engine.model import Node, Rounding, iter_nodes
from chiso.frameworks.describe import describe_rule, num
from chiso.lib.numbers import parse_decimal


def lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def can_read_rounds(user: Any) -> bool:
    """The reform office runs rounds; provincial leaders (viewers) follow them read-only."""
    return scope.is_reform_office(user) or scope.has_role(user, Role.VIEWER)


def require_round_reader(user: Any) -> None:
    if not can_read_rounds(user):
        raise PermissionDenied


def shown(value: Decimal | None) -> str:
    """A stored value as a person types it (1,5 in Vietnamese), "" when there is none."""
    return "" if value is None else num(value, lang())


def parse_points(text: str, label: str) -> Decimal | None:
    """Points typed by a person ("1,5" or "1.5"); empty is None. The message names the field."""
    text = text.strip()
    if not text:
        return None
    value = parse_decimal(text)
    if value is None:
        raise AssessmentError(
            _("%(field)s: «%(text)s» is not a number.") % {"field": label, "text": text}
        )
    return value


def posted_version(request: HttpRequest) -> int:
    """The item version the page showed (``expected_version``); -1 when missing or garbled,
    which never matches, so such a post is refused as a conflict instead of overwriting."""
    try:
        return int(request.POST.get("expected_version", ""))
    except ValueError:
        return -1


@dataclass(frozen=True)
class NodeInfo:
    """A framework node as the appraisal and council pages show it, with the input its rule
    calls for (the same widgets as the agency's page: "levels", "yes_no" or "number")."""

    code: str
    title: str
    max_points: str
    rule: str
    evidence_required: bool
    widget: str = "number"
    levels: tuple[tuple[str, str], ...] = ()
    # Set for an item whose value is a rate or a count, not points (chiso.assessments.measures).
    measure: Measure | None = None
    leaf: Node | None = None
    rounding: Rounding = field(default_factory=Rounding)

    def reads(self, value: Decimal | None) -> str:
        """A stored value as people read it: "Có"/"Không" for yes/no items, "0 ngày" or
        "90,9%" for a measured value, else "1,5"."""
        if value is None:
            return ""
        if self.widget == "yes_no":
            return _("Yes") if value == 1 else _("No")
        if self.measure is not None:
            return self.measure.amount(value)
        return shown(value)

    def reads_scored(self, value: Decimal | None) -> str:
        """A stored value with the points it gives: "0 ngày → 1 điểm", "Có → 1 điểm", or
        "1,5 điểm" for points entered directly; "" when there is none."""
        if value is None:
            return ""
        if self.leaf is None or not scored_by_rule(self.leaf):
            return _("%(points)s points") % {"points": shown(value)}
        points = points_for(self.leaf, value, self.rounding)
        if points is None:
            return self.reads(value)
        return _("%(value)s → %(points)s points") % {
            "value": self.reads(value),
            "points": shown(points),
        }

    def value_label(self, step: str) -> str:
        """The label of the value box of ``step`` ("thẩm định lần 1"…): "Số ngày, thẩm định
        lần 1" for a measured item, "Điểm, thẩm định lần 1" otherwise."""
        if self.measure is not None:
            what = self.measure.field_label()
        else:
            what = _("Yes or no") if self.widget == "yes_no" else _("Points")
        return f"{what}, {step}"

    def typed(self, value: Decimal | None) -> str:
        """A stored value as the form shows it: the radio's value ("1.5"), or "1,5" typed."""
        if self.widget == "number":
            return shown(value)
        return plain(value)


def node_infos(rnd: Round) -> dict[str, NodeInfo]:
    """Every node of the round's framework by code, its rule in words."""
    language = lang()
    engine = rnd.framework.to_engine()
    leaves = {n.code: n for n in iter_nodes(engine.nodes) if n.is_leaf}
    widgets = {code: input_widget(n) for code, n in leaves.items()}
    infos = {}
    for n in rnd.framework.nodes.order_by("order"):
        widget, levels = widgets.get(n.code, ("number", []))
        infos[n.code] = NodeInfo(
            code=n.code,
            title=n.title,
            max_points=num(n.max_points.normalize(), language),
            rule=describe_rule(n.rule, n.max_points, language) if n.rule else "",
            evidence_required=n.evidence_required,
            # Items scored from facts have no entry to appraise; a number box is never shown.
            widget="number" if widget == "fact" else widget,
            levels=tuple(levels),
            measure=measure_of(leaves.get(n.code)),
            leaf=leaves.get(n.code),
            rounding=engine.rounding,
        )
    return infos


@dataclass(frozen=True)
class EvidenceLink:
    name: str
    url: str


def evidence_link(evidence: Evidence) -> EvidenceLink:
    """A file with the agency side's download address (an attachment, never shown inline)."""
    return EvidenceLink(
        evidence.original_name, reverse("assessments:evidence_download", args=[evidence.pk])
    )


def evidence_links(entries: list[ItemEntry]) -> dict[int, list[EvidenceLink]]:
    """The files attached to each entry (not removed), with their download address."""
    out: dict[int, list[EvidenceLink]] = {e.pk: [] for e in entries}
    files = Evidence.objects.filter(entry__in=entries, removed_at=None).order_by("uploaded_at")
    for evidence in files:
        out[evidence.entry_id or 0].append(evidence_link(evidence))
    return out


@dataclass(frozen=True)
class HistoryRow:
    who: str
    at: Any
    action: str
    change: str
    reason: str


def item_histories(entries: list[ItemEntry]) -> dict[int, list[HistoryRow]]:
    """The audit rows of each entry, oldest first: who, when, old → new, why."""
    out: dict[int, list[HistoryRow]] = {e.pk: [] for e in entries}
    rows = AuditEvent.objects.filter(
        object_type=ItemEntry._meta.label_lower, object_id__in=[str(e.pk) for e in entries]
    ).select_related("actor")
    for row in rows.order_by("at", "id"):
        who = row.actor.get_full_name() or row.actor_label if row.actor else row.actor_label
        out[int(row.object_id)].append(
            HistoryRow(
                who=who,
                at=timezone.localtime(row.at),
                action=action_label(row.action),
                change=describe_details(row.data),
                reason=row.reason,
            )
        )
    return out
