"""Cancelling a round opened by mistake (wrong block, framework or year).

Opening a round creates one assessment per agency and tells every agency; nothing else undoes
it. A round may be cancelled only while no agency, appraiser or the office has entered anything
in it, so that cancelling never destroys work: the round and its empty assessments are deleted,
one audit row keeps what the round was, and the agencies told of the opening are told of the
cancellation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments.actions.common import AssessmentError, StateError, require_reform_office
from chiso.assessments.models import (
    AdjustmentEntry,
    Assessment,
    Deadline,
    DeadlineExtension,
    Evidence,
    ItemEntry,
    Round,
    Stage,
)
from chiso.audit.actions import record
from chiso.audit.models import AuditEvent
from chiso.notifications import triggers
from chiso.org.models import Agency

CANCELLED = "assessments.round.cancelled"

# Anything an agency typed about an item (a value, N/A, a justification or an explanation).
SELF_ENTERED = (
    Q(self_value__isnull=False)
    | Q(self_not_applicable=True)
    | ~Q(justification="")
    | ~Q(explanation="")
)
# Anything appraisers or the council recorded about an item.
APPRAISED = (
    Q(appraised_value_1__isnull=False)
    | Q(appraised_value_2__isnull=False)
    | Q(council_value__isnull=False)
    | ~Q(appraiser_comment_1="")
    | ~Q(appraiser_comment_2="")
    | ~Q(council_note="")
    | Q(needs_explanation=True)
)


class NotCancellable(AssessmentError):
    """The round has work in it (or is past self-assessment); the message names what."""


def _count(found: dict[str, list[str]], rows: Any, say: Any) -> None:
    for name, n in rows:
        found[name].append(say(n))


def entered_work(rnd: Round) -> dict[str, list[str]]:
    """What has been entered in the round, as ``{agency name: ["2 items self-assessed", …]}``;
    empty when the round can be cancelled without losing anything."""
    found: dict[str, list[str]] = defaultdict(list)
    agency = "assessment__agency__name"
    entries = ItemEntry.objects.filter(assessment__round=rnd)

    def per_agency(queryset: Any, field: str = agency) -> Any:
        return queryset.values_list(field).annotate(n=Count("pk")).order_by(field)

    _count(
        found,
        per_agency(entries.filter(SELF_ENTERED)),
        lambda n: ngettext("%(n)d item self-assessed", "%(n)d items self-assessed", n) % {"n": n},
    )
    _count(
        found,
        per_agency(entries.filter(APPRAISED)),
        lambda n: ngettext("%(n)d item appraised", "%(n)d items appraised", n) % {"n": n},
    )
    # Files removed again leave nothing to lose (review s7 L2): the audit rows of their upload
    # and removal stay, and the snapshot keeps where they lie (:func:`snapshot`).
    _count(
        found,
        per_agency(Evidence.objects.filter(assessment__round=rnd, removed_at=None)),
        lambda n: (
            ngettext("%(n)d evidence file uploaded", "%(n)d evidence files uploaded", n) % {"n": n}
        ),
    )
    _count(
        found,
        per_agency(AdjustmentEntry.objects.filter(assessment__round=rnd)),
        lambda n: (
            ngettext("%(n)d bonus/penalty entry", "%(n)d bonus/penalty entries", n) % {"n": n}
        ),
    )
    assessments = Assessment.objects.filter(round=rnd).select_related("agency")
    for a in assessments.exclude(submitted_at=None, status=Stage.DRAFT):
        found[a.agency.name].append(_("self-assessment submitted"))
    for a in assessments.exclude(approved_at=None):
        found[a.agency.name].append(_("approved by the leader"))
    # Extensions are the office's own act, not an agency's work (review s7 L2): they do not
    # block; the audit rows of their grant and the snapshot keep them.
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Refusal:
    """Why a round cannot be cancelled: a sentence, one line per agency (the first
    :data:`SHOWN_AGENCIES`, then how many more), and a closing sentence."""

    intro: str
    lines: list[str] = field(default_factory=list)
    outro: str = ""

    def __str__(self) -> str:
        return "\n".join([self.intro, *(f"- {line}" for line in self.lines), self.outro]).strip()


# A round of a whole block names up to ~20 agencies; five make the point (review s7 L1).
SHOWN_AGENCIES = 5


def cancel_refusal(rnd: Round) -> Refusal | None:
    """Why ``rnd`` cannot be cancelled, in the active language; None when it can."""
    if rnd.stage != Stage.DRAFT:
        return Refusal(
            _(
                "The round is at the stage «%(stage)s»: only a round still at self-assessment, "
                "with nothing entered, can be cancelled."
            )
            % {"stage": Stage(rnd.stage).label}
        )
    work = entered_work(rnd)
    if not work:
        return None
    lines = [f"{name}: {', '.join(said)}" for name, said in work.items()]
    more = len(lines) - SHOWN_AGENCIES
    if more > 0:
        lines = lines[:SHOWN_AGENCIES] + [
            ngettext("and %(n)d other agency", "and %(n)d other agencies", more) % {"n": more}
        ]
    return Refusal(
        _("The round cannot be cancelled: work has been entered in it."),
        lines,
        _("Only a round in which nothing has been entered can be cancelled."),
    )


def cancel_problem(rnd: Round) -> str:
    """:func:`cancel_refusal` as text (lines apart); "" when the round can be cancelled."""
    refusal = cancel_refusal(rnd)
    return "" if refusal is None else str(refusal)


def snapshot(rnd: Round) -> dict[str, Any]:
    """What the round was, for the audit row that outlives it. People read it on the audit
    page (review s7 L7): the block and framework by name, the agencies by id under
    ``agency_id``, which the audit page shows by name (chiso.audit.exporting)."""
    framework = rnd.framework
    data: dict[str, Any] = {
        "year": rnd.year,
        "block": rnd.block.name,
        "framework": f"{framework.title} (v{framework.version})",
        "deadlines": {d.value: getattr(rnd, f"{d.value}_due") for d in Deadline},
        "agency_id": list(
            rnd.assessments.order_by("agency__name").values_list("agency_id", flat=True)
        ),
        # Assessment id → agency code: e-mails sent at the opening link to the assessments,
        # which lead here once they are gone (:func:`cancellation_of`).
        "assessments": {
            str(pk): code
            for pk, code in rnd.assessments.order_by("pk").values_list("pk", "agency__code")
        },
    }
    if rnd.late_penalty_code:
        data["late_penalty_code"] = rnd.late_penalty_code
    extensions = DeadlineExtension.objects.filter(round=rnd).order_by("agency__name", "stage")
    if extensions:
        data["extensions"] = [
            {"agency_id": agency_id, "stage": stage, "new_date": day}
            for agency_id, stage, day in extensions.values_list("agency_id", "stage", "new_date")
        ]
    # Removed files stay on disk (remove_evidence); their rows go with the round.
    removed = Evidence.objects.filter(assessment__round=rnd).exclude(removed_at=None)
    if removed:
        data["removed_evidence"] = [
            {"agency_id": agency_id, "name": name, "storage_key": key}
            for agency_id, name, key in removed.order_by("pk").values_list(
                "assessment__agency_id", "original_name", "storage_key"
            )
        ]
    return data


def agency_codes(data: dict[str, Any]) -> list[str]:
    """The codes of the agencies of a cancelled round, from its audit row's data (rows written
    before review s7 L7 kept the codes under ``agencies``)."""
    if "agencies" in data:
        return [str(code) for code in data["agencies"]]
    ids = [i for i in data.get("agency_id") or [] if isinstance(i, int)]
    return list(Agency.objects.filter(pk__in=ids).order_by("code").values_list("code", flat=True))


def cancellation_of(assessment_pk: int) -> tuple[int, str] | None:
    """The audit row (its id) of the cancelled round that held the assessment
    ``assessment_pk``, and the code of the assessment's agency; None when no cancelled round
    held it (rows of rounds cancelled before the snapshot named their assessments included)."""
    # Keys are the assessment ids as text; has_key reads them as keys on SQLite and PostgreSQL.
    found = (
        AuditEvent.objects.filter(action=CANCELLED, data__assessments__has_key=str(assessment_pk))
        .values_list("pk", "data")
        .first()
    )
    if found is None:
        return None
    event_pk, data = found
    return event_pk, str(data["assessments"][str(assessment_pk)])


def may_read_cancellation(user: Any, agency_codes: Iterable[str]) -> bool:
    """Whether ``user`` may read what a cancelled round was: those who follow every round (the
    reform office, provincial leaders with the viewer role, as for a round's page) and the
    people of ``agency_codes``."""
    if scope.is_reform_office(user) or scope.has_role(user, Role.VIEWER):
        return True
    own = scope.own_agency_ids(user)
    return Agency.objects.filter(pk__in=own, code__in=list(agency_codes)).exists()


@transaction.atomic
def cancel_round(rnd: Round, *, reason: str, actor: Any) -> AuditEvent:
    """Delete a round opened by mistake, with its empty assessments and their entries.

    Reform office only; ``reason`` is required. Refused (:class:`NotCancellable`, naming each
    agency and what it entered) unless the round is still at self-assessment and nothing has
    been entered in it. Writes one audit row (action ``assessments.round.cancelled``) holding
    the round's block, year, framework, deadlines, agencies and the reason, which stays
    readable once the round is gone; tells the agencies, and points their earlier
    notifications about the round to the cancellation page. Returns the audit row.
    """
    require_reform_office(actor)
    # Lock the round, its assessments and entries: an agency saving a value now either
    # finishes first (and is named below) or finds the round gone.
    if Round.objects.select_for_update().filter(pk=rnd.pk).values_list("pk").first() is None:
        # Two people cancelling at once: the second finds the round gone.
        raise StateError(_("This round no longer exists: it has just been cancelled."))
    rnd.refresh_from_db()
    list(Assessment.objects.select_for_update().filter(round=rnd).values_list("pk"))
    list(ItemEntry.objects.select_for_update().filter(assessment__round=rnd).values_list("pk"))
    if not reason.strip():
        raise AssessmentError(_("Give the reason for cancelling the round."))
    problem = cancel_problem(rnd)
    if problem:
        raise NotCancellable(problem)
    data = snapshot(rnd)
    # The row concerns every agency of the round: the audit list filtered by any of them, and
    # their own users, find it (chiso.audit.models.AuditEventAgency).
    event = record(
        CANCELLED,
        actor=actor,
        obj=rnd,
        reason=reason.strip(),
        data=data,
        agency_ids=data["agency_id"],
    )
    triggers.round_cancelled(rnd, reason=reason.strip(), event_id=event.pk)
    # Every row of the round hangs on it with on_delete=CASCADE (extensions, assessments,
    # entries, appraiser assignments, removed evidence); live evidence and bonus/penalty rows
    # were refused above.
    rnd.delete()
    return event
