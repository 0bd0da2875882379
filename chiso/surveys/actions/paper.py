"""The paper channel: double entry of numbered forms and reconciliation of mismatches.

Two different operators key every form independently. When their keyings agree the form
becomes a response; when they differ it waits for a third person, who reads the paper and
decides each differing answer. Only such forms count (the issue; sipas.md §6 "double-entry
or verification flag").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.org.models import Agency
from chiso.surveys import group_answer
from chiso.surveys.actions.common import (
    AnswerErrors,
    SurveyError,
    require_operator,
    require_operator_or_office,
)
from chiso.surveys.actions.samples import parse_form_number
from chiso.surveys.answers import Raw, clean_answers
from chiso.surveys.models import Campaign, Channel, Invitation, PaperEntry, Response


class FieldErrors(AnswerErrors):
    """Keyed answers that cannot be read or contradict the form's group; nothing is stored."""


class MostlyBlank(SurveyError):
    """More than half of the questions asked are blank: the operator confirms the paper really
    is so (``confirm_blanks``) before the keying is stored."""

    def __init__(self, blank: int, asked: int):
        super().__init__(
            _(
                "%(blank)s of the %(asked)s questions are blank. Check the paper: if it really "
                "is so, confirm to save the form as keyed."
            )
            % {"blank": blank, "asked": asked}
        )
        self.blank, self.asked = blank, asked


def _check_blanks(
    spec: Any, answers: dict[str, Any], raw: Mapping[str, Raw], number: str, confirmed: bool
) -> None:
    """Refuse a keying without any answer, and one blank for more than half of the questions
    asked unless ``confirmed``: a stray Enter after the form number, or answers keyed into the
    wrong boxes, must not silently become a keying (the second operator may repeat the slip,
    and two equal keyings make the form count). Blanks are counted as the operator left them,
    as on the page: the group question answered from the form (:func:`_read`) is no answer."""
    keyed = {code for code in answers if not group_answer.is_blank(raw.get(code))}
    if not keyed:
        raise SurveyError(
            _(
                "Form %(number)s has no answer at all: nothing was saved. Key its answers; a "
                "paper form returned blank is not keyed."
            )
            % {"number": number}
        )
    asked = [q for q in spec.questions() if q.asked(answers)]
    blank = sum(1 for q in asked if q.code not in keyed)
    if 2 * blank > len(asked) and not confirmed:
        raise MostlyBlank(blank, len(asked))


def _read(spec: Any, group: str, raw: Mapping[str, Raw]) -> dict[str, Any]:
    """The keyed answers, blanks allowed, except for the question asking the respondent's
    group: a blank there is answered from the form's group, and an answer saying another
    group is refused with the unreadable ones (the form counts in its group's cell, review s7).

    Why fill rather than show the answer read-only on the page (review s7, L5): the page keys a
    batch of forms of one agency, and a form's group is known only once its number is read on
    saving; filling on every keying (and reconciliation) makes the two keyings agree on it
    whatever each operator did with a blank, and stores it as the online page and the API do,
    without a lookup while the operator types."""
    answers, errors = clean_answers(spec, group_answer.fill(spec, group, raw), require=False)
    contradicted = group_answer.contradictions(spec, group, answers)
    if errors or contradicted:
        raise FieldErrors(errors, contradicted)
    return answers


@dataclass(frozen=True)
class KeyingOutcome:
    entry: PaperEntry
    state: str  # "first" (waits for the second keying), "matched", "mismatch"


def find_form(campaign: Campaign, agency: Agency, number: str) -> Invitation:
    """The paper form ``number`` of ``campaign``, refused when it belongs to another agency
    (the number encodes campaign and agency) so a form is never keyed under the wrong one."""
    encoded = parse_form_number(number)
    if encoded is None:
        raise SurveyError(
            _("'%(number)s' is not a form number (like K1-2-00031).") % {"number": number}
        )
    form = (
        Invitation.objects.select_related("agency", "questionnaire")
        .filter(form_number=number.strip().upper(), channel=Channel.PAPER)
        .first()
    )
    if form is None or encoded[0] != campaign.pk:
        raise SurveyError(
            _("Form %(number)s is not a paper form of this campaign.") % {"number": number}
        )
    if encoded[1] != agency.pk or form.agency_id != agency.pk:
        raise SurveyError(
            _(
                "Form %(number)s belongs to %(right)s, not to %(chosen)s: check the form "
                "number or the agency being keyed."
            )
            % {"number": form.form_number, "right": form.agency.name, "chosen": agency.name}
        )
    return form


def _make_response(form: Invitation, answers: dict[str, Any], reconciled_by: Any) -> Response:
    now = timezone.now()
    return Response.objects.create(
        campaign=form.campaign,
        questionnaire=form.questionnaire,
        agency=form.agency,
        group=form.group,
        channel=Channel.PAPER,
        invitation=form,
        token=form.token,
        answers=answers,
        section=len(form.questionnaire.spec.sections),
        status=Response.Status.SUBMITTED,
        submitted_at=now,
        reconciled_by=reconciled_by,
    )


@transaction.atomic
def key_form(
    campaign: Campaign,
    *,
    actor: Any,
    agency: Agency,
    number: str,
    raw: Mapping[str, Raw],
    seconds: int = 0,
    confirm_blanks: bool = False,
) -> KeyingOutcome:
    """Store one operator's keying of a paper form. Blank answers stay blank (paper allows
    them), except the group question's (:func:`_read`); unreadable ones raise
    :class:`FieldErrors` and store nothing. A keying without any answer is refused, and one
    blank for more than half of the questions raises :class:`MostlyBlank` unless
    ``confirm_blanks``."""
    require_operator(actor)
    if campaign.status != Campaign.Status.OPEN:
        raise SurveyError(_("This survey is not collecting answers."))
    form = Invitation.objects.select_for_update().get(pk=find_form(campaign, agency, number).pk)
    entries = list(form.entries.all())
    if any(e.operator_id == actor.pk for e in entries):
        raise SurveyError(
            _("You have already keyed form %(number)s; a second operator must key it.")
            % {"number": form.form_number}
        )
    if len(entries) >= 2:
        raise SurveyError(_("Form %(number)s has been keyed twice.") % {"number": form.form_number})
    spec = form.questionnaire.spec
    answers = _read(spec, form.group, raw)
    _check_blanks(spec, answers, raw, form.form_number, confirm_blanks)
    entry = PaperEntry.objects.create(
        invitation=form, operator=actor, answers=answers, seconds=max(0, min(seconds, 3600))
    )
    state = "first"
    if entries:
        # A first keying stored before blanks were filled (L5) is compared as if filled.
        first = group_answer.complete(spec, form.group, entries[0].answers)
        state = "matched" if first == answers else "mismatch"
        if state == "matched":
            _make_response(form, answers, None)
    record(
        "surveys.paper.keyed",
        actor=actor,
        obj=form,
        agency_id=form.agency_id,
        data={"form": form.form_number, "state": state},
    )
    return KeyingOutcome(entry, state)


def differences(form: Invitation) -> dict[str, tuple[Any, Any]]:
    """Question code → (first keying, second keying) for every answer that differs."""
    first, second = (e.answers for e in form.entries.order_by("pk")[:2])
    codes = [q.code for q in form.questionnaire.spec.questions()]
    return {c: (first.get(c), second.get(c)) for c in codes if first.get(c) != second.get(c)}


@transaction.atomic
def reconcile_form(form: Invitation, *, actor: Any, raw: Mapping[str, Raw]) -> Response:
    """A third person (neither of the two operators) settles a mismatched form; the answers
    given replace the keyings and the form counts. Audited with both keyings."""
    require_operator_or_office(actor)
    form = Invitation.objects.select_for_update().get(pk=form.pk)
    entries = list(form.entries.order_by("pk"))
    if len(entries) != 2 or hasattr(form, "response"):
        raise SurveyError(_("Only a form keyed twice with differences can be reconciled."))
    if actor is not None and actor.pk in {e.operator_id for e in entries}:
        raise SurveyError(_("A form is reconciled by someone who did not key it."))
    answers = _read(form.questionnaire.spec, form.group, raw)
    response = _make_response(form, answers, actor)
    record(
        "surveys.paper.reconciled",
        actor=actor,
        obj=form,
        agency_id=form.agency_id,
        data={
            "form": form.form_number,
            "old": [entries[0].answers, entries[1].answers],
            "new": answers,
        },
    )
    return response
