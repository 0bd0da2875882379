"""What the evaluation round tells people, and whom (issue 3: "deadline near, returned for
explanation, published").

Each function is called by the action that caused the event, inside its transaction: a
rolled-back action leaves no notification and sends no e-mail. Texts are written in the
province's language (``settings.LANGUAGE_CODE``, Vietnamese), whatever the language of the
person who acted; links are paths of the pages (``/rounds/assessment/<id>/``,
``/results/<year>/<block>/``). Each event has a ``dedup_key``, so the same event never reaches
the same person twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chiso.accounts.models import Role
from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Deadline,
    DeadlineExtension,
    Round,
    effective_deadline,
)
from chiso.notifications.actions import notify
from chiso.notifications.models import Notification

AGENCY_PEOPLE = (Role.FOCAL_OFFICER, Role.AGENCY_LEADER)


def agency_people(agency_ids: Iterable[int], roles: Iterable[str] = AGENCY_PEOPLE) -> QuerySet:
    """Active users holding one of ``roles`` for one of the agencies (not their units: a unit
    has its own focal officer)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role__in=list(roles),
            memberships__agency_id__in=list(agency_ids),
        )
        .distinct()
    )


def assessment_link(assessment: Assessment) -> str:
    return f"/rounds/assessment/{assessment.pk}/"


def results_link(year: int, block_code: str) -> str:
    return f"/results/{year}/{block_code}/"


def day(date: Any) -> str:
    return f"{date:%d/%m/%Y}"


def round_opened(rnd: Round) -> list[Notification]:
    """Tell the focal officers and leaders of every agency of the round its deadlines."""
    created: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for assessment in rnd.assessments.select_related("agency"):
            agency = assessment.agency
            created += notify(
                agency_people([agency.pk]),
                kind="round_opened",
                title=_("The %(year)s administrative reform evaluation is open: %(block)s")
                % {"year": rnd.year, "block": rnd.block.name},
                body=_(
                    "%(agency)s: self-assess every item with its evidence and submit by "
                    "%(self)s; the agency leader approves by %(approval)s."
                )
                % {
                    "agency": agency.name,
                    "self": day(rnd.deadline(Deadline.SELF_ASSESSMENT, agency.pk)),
                    "approval": day(rnd.deadline(Deadline.APPROVAL, agency.pk)),
                },
                link=assessment_link(assessment),
                dedup_key=f"round-opened:{assessment.pk}",
            )
    return created


def deadline_name(stage: str) -> str:
    """The name of a round's deadline ("hạn tự đánh giá"), from its field."""
    field = Round._meta.get_field(f"{stage}_due")
    assert isinstance(field, models.DateField)
    return str(field.verbose_name)


def _change_line(stage: str, old: Any, new: Any) -> str:
    return _("%(deadline)s: %(old)s → %(new)s") % {
        "deadline": deadline_name(stage),
        "old": day(old),
        "new": day(new),
    }


# The deadlines of the appraisers' own work (docs/evaluation-round.md: they appraise in rounds
# 1 and 2). The explanation is the agencies' and the council's decisions are recorded by the
# reform office, so those dates are not theirs to be told of.
APPRAISAL_DEADLINES = (Deadline.APPRAISAL_1, Deadline.APPRAISAL_2)


def deadlines_changed(
    rnd: Round, changed: dict[str, list[Any]], *, event_id: int
) -> list[Notification]:
    """Tell the people :func:`round_opened` told that the round's deadlines were corrected
    (review s7 M3), naming each old → new date; an agency whose own extension is still later
    is told that its date stands. When an appraisal deadline moved, the round's appraisers are
    told too (:func:`appraisal_deadlines_changed`). ``event_id`` (the audit row) keeps two
    corrections apart."""
    created: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for assessment in rnd.assessments.select_related("agency"):
            agency = assessment.agency
            lines = []
            for stage, (old, new) in changed.items():
                line = _change_line(stage, old, new)
                own = rnd.deadline(stage, agency.pk)
                if own != new:
                    line += " " + _("(your agency's extension to %(date)s stands)") % {
                        "date": day(own)
                    }
                lines.append(line)
            created += notify(
                agency_people([agency.pk]),
                kind="deadlines_changed",
                title=_("The deadlines of the %(year)s evaluation of %(block)s have changed")
                % {"year": rnd.year, "block": rnd.block.name},
                body=_("%(agency)s: the reform office corrected the deadlines: %(changes)s.")
                % {"agency": agency.name, "changes": "; ".join(lines)},
                link=assessment_link(assessment),
                dedup_key=f"deadlines-changed:{event_id}:{assessment.pk}",
            )
    return created + appraisal_deadlines_changed(rnd, changed, event_id=event_id)


def appraisal_deadlines_changed(
    rnd: Round, changed: dict[str, list[Any]], *, event_id: int
) -> list[Notification]:
    """Tell each active appraiser assigned in the round (whose worklist lists it), once per
    correction, the appraisal deadlines that moved (old → new); nothing when none of
    :data:`APPRAISAL_DEADLINES` changed. An agency they appraise whose own extension of that
    stage is still later is named with its date, as the agency itself is told."""
    moved = [stage for stage in APPRAISAL_DEADLINES if stage in changed]
    if not moved:
        return []
    extended = {
        (agency_id, stage): date
        for agency_id, stage, date in DeadlineExtension.objects.filter(
            round=rnd, stage__in=moved
        ).values_list("agency_id", "stage", "new_date")
    }
    appraisers: dict[int, Any] = {}
    agencies: dict[int, dict[int, Any]] = defaultdict(dict)
    assignments = AppraiserAssignment.objects.filter(round=rnd, user__is_active=True)
    for assignment in assignments.select_related("user", "agency").order_by("agency__name"):
        appraisers[assignment.user_id] = assignment.user
        agencies[assignment.user_id][assignment.agency_id] = assignment.agency
    created: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        title = _(
            "The appraisal deadlines of the %(year)s evaluation of %(block)s have changed"
        ) % {
            "year": rnd.year,
            "block": rnd.block.name,
        }
        for user_pk, user in appraisers.items():
            lines = []
            for stage in moved:
                old, new = changed[stage]
                line = _change_line(stage, old, new)
                for agency in agencies[user_pk].values():
                    own = effective_deadline(new, extended.get((agency.pk, stage)))
                    if own != new:
                        line += " " + _("(the extension of %(agency)s to %(date)s stands)") % {
                            "agency": agency.name,
                            "date": day(own),
                        }
                lines.append(line)
            created += notify(
                [user],
                kind="deadlines_changed",
                title=title,
                body=_("The reform office corrected the appraisal deadlines: %(changes)s.")
                % {"changes": "; ".join(lines)},
                link=reverse("assessments:worklist"),
                dedup_key=f"deadlines-changed:{event_id}:appraisal",
            )
    return created


def cancelled_round_link(event_id: int) -> str:
    return f"/rounds/cancelled/{event_id}/"


def round_cancelled(rnd: Round, *, reason: str, event_id: int) -> list[Notification]:
    """Tell the people :func:`round_opened` told that the round was cancelled, and why; called
    before the round is deleted. Their notifications linking to the round's assessments now
    link to the cancellation page (``event_id`` is its audit row), not to a page that is gone.
    E-mails already sent keep their old link."""
    link = cancelled_round_link(event_id)
    assessments = list(rnd.assessments.select_related("agency"))
    Notification.objects.filter(link__in=[assessment_link(a) for a in assessments]).update(
        link=link
    )
    created: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for assessment in assessments:
            created += notify(
                agency_people([assessment.agency_id]),
                kind="round_cancelled",
                title=_("The %(year)s administrative reform evaluation of %(block)s is cancelled")
                % {"year": rnd.year, "block": rnd.block.name},
                body=_(
                    "%(agency)s: the reform office cancelled this evaluation round, opened by "
                    "mistake; nothing needs to be done for it. Reason: %(reason)s"
                )
                % {"agency": assessment.agency.name, "reason": reason},
                link=link,
                dedup_key=f"round-cancelled:{event_id}:{assessment.pk}",
            )
    return created


def returned_for_explanation(rnd: Round) -> list[Notification]:
    """Tell the focal officers of each agency with items marked for explanation how many
    there are and by when to answer (the agency's extension counts)."""
    marked = (
        rnd.assessments.filter(entries__needs_explanation=True)
        .annotate(marked=Count("entries"))
        .select_related("agency")
    )
    created: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for assessment in marked:
            agency = assessment.agency
            created += notify(
                agency_people([agency.pk], [Role.FOCAL_OFFICER]),
                kind="explanation_requested",
                title=_("%(agency)s: %(count)d items need an explanation")
                % {"agency": agency.name, "count": assessment.marked},
                body=_(
                    "The appraisers ask %(agency)s to explain %(count)d items of the %(year)s "
                    "evaluation. Answer and add evidence by %(date)s."
                )
                % {
                    "agency": agency.name,
                    "count": assessment.marked,
                    "year": rnd.year,
                    "date": day(rnd.deadline(Deadline.EXPLANATION, agency.pk)),
                },
                link=assessment_link(assessment),
                dedup_key=f"explanation:{assessment.pk}",
            )
    return created


def round_finalised(rnd: Round, computed_at: Any) -> list[Notification]:
    """Tell the agency users of the block that the round's results are final (not yet public:
    the link is their own assessment). ``computed_at`` of the result set keeps a round
    finalised again after a reopening from being silenced by the first notification."""
    created: list[Notification] = []
    stamp = f"{computed_at:%Y%m%d%H%M%S%f}"
    with translation.override(settings.LANGUAGE_CODE):
        for assessment in rnd.assessments.select_related("agency"):
            created += notify(
                agency_people([assessment.agency_id]),
                kind="round_finalised",
                title=_("The %(year)s evaluation of %(block)s is finalised")
                % {"year": rnd.year, "block": rnd.block.name},
                body=_(
                    "The reform office has finalised the scores of %(agency)s; the results "
                    "will be announced when they are published."
                )
                % {"agency": assessment.agency.name},
                link=assessment_link(assessment),
                dedup_key=f"round-finalised:{rnd.pk}:{stamp}",
            )
    return created


def results_published(result_set: Any) -> list[Notification]:
    """Tell the agency users of the block that its results (a ``ResultSet``) are published."""
    year, block = result_set.year, result_set.block
    with translation.override(settings.LANGUAGE_CODE):
        return notify(
            agency_people(block.agencies.values_list("pk", flat=True)),
            kind="results_published",
            title=_("The %(year)s administrative reform index of %(block)s is published")
            % {"year": year, "block": block.name},
            body=_("The ranking and each agency's scorecard are now public."),
            link=results_link(year, block.code),
            dedup_key=f"results-published:{result_set.pk}",
        )
