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
    # Removed files count too: their rows keep the audit trail's file names.
    _count(
        found,
        per_agency(Evidence.objects.filter(assessment__round=rnd)),
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
    extensions = DeadlineExtension.objects.filter(round=rnd)
    _count(
        found,
        per_agency(extensions, "agency__name"),
        lambda n: (
            ngettext("%(n)d deadline extension granted", "%(n)d deadline extensions granted", n)
            % {"n": n}
        ),
    )
    return dict(sorted(found.items()))


def cancel_problem(rnd: Round) -> str:
    """Why ``rnd`` cannot be cancelled, in the active language; "" when it can."""
    if rnd.stage != Stage.DRAFT:
        return _(
            "The round is at the stage «%(stage)s»: only a round still at self-assessment, with "
            "nothing entered, can be cancelled."
        ) % {"stage": Stage(rnd.stage).label}
    work = entered_work(rnd)
    if not work:
        return ""
    return _(
        "The round cannot be cancelled: work has been entered in it (%(work)s). Only a round in "
        "which nothing has been entered can be cancelled."
    ) % {"work": "; ".join(f"{name}: {', '.join(said)}" for name, said in work.items())}


def snapshot(rnd: Round) -> dict[str, Any]:
    """What the round was, for the audit row that outlives it."""
    data: dict[str, Any] = {
        "year": rnd.year,
        "block": rnd.block.code,
        "framework": rnd.framework.key,
        "deadlines": {d.value: getattr(rnd, f"{d.value}_due") for d in Deadline},
        "agencies": list(
            rnd.assessments.order_by("agency__code").values_list("agency__code", flat=True)
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
    return data


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
    event = record(CANCELLED, actor=actor, obj=rnd, reason=reason.strip(), data=snapshot(rnd))
    triggers.round_cancelled(rnd, reason=reason.strip(), event_id=event.pk)
    # Every row of the round hangs on it with on_delete=CASCADE (extensions, assessments,
    # entries, appraiser assignments); evidence and bonus/penalty rows were refused above.
    rnd.delete()
    return event
