"""The "deadline near" reminder: who still has a stage of the round to finish, and by when.

Run daily by ``chiso notify_deadlines`` (cron, docs/cli.md). A reminder is keyed by the
assessment, the stage and the deadline date, so running the job again the same day, or every
day of the window, reminds each person once; an extension (a new date) earns a new reminder.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.accounts.models import Role
from chiso.assessments.models import Assessment, Deadline, Round, Stage
from chiso.notifications.actions import notify
from chiso.notifications.triggers import agency_people, assessment_link, day

BOTH = (Role.FOCAL_OFFICER, Role.AGENCY_LEADER)


def pending_stages(rnd: Round, assessment: Assessment) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The agency's unfinished stages with a deadline, and the roles that must act on each.

    Self-assessment: not yet submitted (the officer enters, the leader answers for it).
    Approval: submitted, not approved (the leaders). Explanation: an item marked for
    explanation still without one. Appraisal and council stages are not the agency's.
    """
    if rnd.stage == Stage.DRAFT and assessment.status == Stage.DRAFT:
        yield Deadline.SELF_ASSESSMENT, BOTH
    elif rnd.stage == Stage.DRAFT and assessment.status == Stage.SUBMITTED:
        yield Deadline.APPROVAL, (Role.AGENCY_LEADER,)
    elif (
        rnd.stage == Stage.EXPLANATION
        and assessment.entries.filter(needs_explanation=True, explanation="").exists()
    ):
        yield Deadline.EXPLANATION, BOTH


def remind_deadlines(days: int = 3, today: datetime.date | None = None) -> int:
    """Notify the people of every agency whose unfinished stage is due within ``days`` days
    (today included); return how many notifications were created."""
    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=days)
    created = 0
    rounds = Round.objects.filter(stage__in=[Stage.DRAFT, Stage.EXPLANATION])
    with translation.override(settings.LANGUAGE_CODE):
        for rnd in rounds.select_related("block"):
            for assessment in rnd.assessments.select_related("agency"):
                for stage, roles in pending_stages(rnd, assessment):
                    due = rnd.deadline(stage, assessment.agency_id)
                    if not today <= due <= last:
                        continue
                    label = Deadline(stage).label
                    created += len(
                        notify(
                            agency_people([assessment.agency_id], roles),
                            kind="deadline_near",
                            title=_("%(agency)s: the %(stage)s deadline is %(date)s")
                            % {"agency": assessment.agency.name, "stage": label, "date": day(due)},
                            body=_(
                                "The %(stage)s of the %(year)s evaluation (%(block)s) is not "
                                "finished yet; %(days)d day(s) left until %(date)s."
                            )
                            % {
                                "stage": label,
                                "year": rnd.year,
                                "block": rnd.block.name,
                                "days": (due - today).days,
                                "date": day(due),
                            },
                            link=assessment_link(assessment),
                            dedup_key=f"deadline:{assessment.pk}:{stage}:{due.isoformat()}",
                        )
                    )
    return created
