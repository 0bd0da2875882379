"""The online channel: invitation links, the open link, saving section by section, submitting.

Respondents are anonymous and write only their own answers, so these actions write no audit
row (the response itself is the record); every staff action on responses is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.org.models import Agency
from chiso.surveys import group_answer
from chiso.surveys.actions.common import AnswerErrors, SurveyError
from chiso.surveys.answers import clean_answers
from chiso.surveys.models import Campaign, Channel, Group, Invitation, Response


class RateLimited(SurveyError):
    """Too many open-link responses from one address in the last hour."""


def hash_ip(ip: str) -> str:
    """A keyed hash of the address: enough to count and spot duplicates, not to find anyone."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def open_link_limit() -> int:
    return int(getattr(settings, "SURVEY_OPEN_LINK_PER_HOUR", 20))


def response_for_token(token: str) -> Response | None:
    """The response a link's token leads to, created on the first visit of an online
    invitation while its campaign collects answers. None for an unknown token."""
    found = Response.objects.select_related("campaign", "questionnaire").filter(token=token).first()
    if found is not None:
        return found
    invitation = (
        Invitation.objects.select_related("campaign", "questionnaire")
        .filter(token=token, channel=Channel.ONLINE)
        .first()
    )
    if invitation is None or invitation.campaign.status != Campaign.Status.OPEN:
        return None
    with transaction.atomic():
        response, _created = Response.objects.get_or_create(
            invitation=invitation,
            defaults={
                "campaign": invitation.campaign,
                "questionnaire": invitation.questionnaire,
                "agency": invitation.agency,
                "group": invitation.group,
                "channel": Channel.ONLINE,
                "token": invitation.token,
            },
        )
    return response


@transaction.atomic
def start_open_response(campaign: Campaign, *, agency: Agency, group: str, ip: str) -> Response:
    """A new response through the campaign's open link (the captcha is checked by the view),
    refused beyond the hourly limit per address."""
    if campaign.status != Campaign.Status.OPEN or campaign.open_questionnaire_id is None:
        raise SurveyError(_("This survey is not collecting answers."))
    if not campaign.agencies.filter(pk=agency.pk).exists() or group not in Group.values:
        raise SurveyError(_("Choose an agency and a respondent group from the lists."))
    fingerprint = hash_ip(ip)
    since = timezone.now() - timedelta(hours=1)
    recent = Response.objects.filter(open_link=True, ip_hash=fingerprint, started_at__gte=since)
    if recent.count() >= open_link_limit():
        raise RateLimited(
            _("Too many forms were started from this connection in the last hour. Try later.")
        )
    return Response.objects.create(
        campaign=campaign,
        questionnaire_id=campaign.open_questionnaire_id,
        agency=agency,
        group=group,
        channel=Channel.ONLINE,
        open_link=True,
        token=secrets.token_urlsafe(18),
        ip_hash=fingerprint,
    )


def _check_open(response: Response) -> None:
    if response.status == Response.Status.SUBMITTED:
        raise SurveyError(_("This form has already been sent. Thank you!"))
    if response.campaign.status != Campaign.Status.OPEN:
        raise SurveyError(_("This survey is not collecting answers."))


@transaction.atomic
def save_section(response: Response, index: int, raw: dict[str, Any]) -> dict[str, str]:
    """Check and store the answers of section ``index``; on success the respondent moves to
    the next section. Returns the errors by question code (nothing stored when any).

    The question asking the respondent's group is answered from the response's group when
    left blank, and an answer saying another group is an error, as for a whole form
    (:mod:`chiso.surveys.group_answer`): the page fills it, but a crafted POST or another
    caller must not count the respondent in a group they do not belong to."""
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    _check_open(response)
    spec = response.questionnaire.spec
    if not 0 <= index < len(spec.sections):
        raise SurveyError(_("This part of the form does not exist."))
    section = spec.sections[index]
    earlier = {k: v for k, v in response.answers.items()}
    for q in section.questions:
        earlier.pop(q.code, None)
    given = group_answer.fill(spec, response.group, raw)
    answers, errors = clean_answers(spec, given, section.questions, earlier)
    errors |= group_answer.contradictions(spec, response.group, answers)
    if errors:
        return errors
    response.answers = {**earlier, **answers}
    response.section = max(response.section, index + 1)
    response.save(update_fields=["answers", "section"])
    return {}


@transaction.atomic
def submit_response(response: Response) -> None:
    """Send the form: every section must have been saved and the whole form must be valid."""
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    _check_open(response)
    spec = response.questionnaire.spec
    raw = {k: v if isinstance(v, str) else _as_raw(v) for k, v in response.answers.items()}
    answers, errors = clean_answers(spec, raw)
    if errors or response.section < len(spec.sections):
        raise SurveyError(_("Some questions are not answered yet."))
    response.answers = answers
    response.status, response.submitted_at = Response.Status.SUBMITTED, timezone.now()
    response.save(update_fields=["answers", "status", "submitted_at"])


def _as_raw(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v) for v in value]
    return "" if value is None else str(value)


class FormErrors(AnswerErrors):
    """Answers of a whole form that cannot be read or are missing, with any contradicting the
    response's group: the API answers 400 listing them all."""


class GroupContradiction(SurveyError):
    """An answer to the question asking the respondent's group says another group than the
    response's (:mod:`chiso.surveys.group_answer`); ``errors`` maps question codes to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _whole_form_answers(spec: Any, group: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The cleaned answers of a whole form sent for a response of ``group``: the question
    asking the group is answered from it when left out, and refused when it says another.
    Every problem is reported at once (review s7, L4): a contradiction found with unreadable
    or missing answers is listed with them (:class:`FormErrors`); :class:`GroupContradiction`
    when it is the only one."""
    given = group_answer.fill(spec, group, {k: _as_raw(v) for k, v in raw.items()})
    answers, errors = clean_answers(spec, given)
    contradicted = group_answer.contradictions(spec, group, answers)
    if errors:
        raise FormErrors(errors, contradicted)
    if contradicted:
        raise GroupContradiction(contradicted)
    return answers


def submit_whole_form(token: str, raw: dict[str, Any]) -> Response:
    """Answer and send a whole form in one call (the API, e-form services): the invitation
    token authenticates; one response per token; nothing stored when any answer is wrong.

    The usual case (an invitation never opened) is one read and one insert: this is the
    path of the load benchmark (benchmarks/survey_load.py). Answers are checked before the
    token's state, so a wrong answer on a sent form still says what is wrong. The question
    asking the respondent's group is answered from the invitation's group when left out; an
    answer saying another group raises :class:`GroupContradiction` (as the web page never
    asks it, review s7)."""
    invitation = (
        Invitation.objects.select_related("campaign", "questionnaire")
        .defer("questionnaire__definition")  # the parsed form is cached (models.py)
        .filter(token=token, channel=Channel.ONLINE)
        .first()
    )
    if invitation is None:
        return _submit_started(token, raw)
    if invitation.campaign.status != Campaign.Status.OPEN:
        raise SurveyError(_("This survey is not collecting answers."))
    spec = invitation.questionnaire.spec
    answers = _whole_form_answers(spec, invitation.group, raw)
    now = timezone.now()
    try:
        with transaction.atomic():
            return Response.objects.create(
                campaign=invitation.campaign,
                questionnaire=invitation.questionnaire,
                agency_id=invitation.agency_id,
                group=invitation.group,
                channel=Channel.ONLINE,
                invitation=invitation,
                token=invitation.token,
                answers=answers,
                section=len(spec.sections),
                status=Response.Status.SUBMITTED,
                submitted_at=now,
            )
    except IntegrityError:
        # A response exists for this invitation: begun on the web form, or already sent
        # (perhaps by a request at the same moment); the started path decides which.
        return _submit_started(token, raw)


@transaction.atomic
def _submit_started(token: str, raw: dict[str, Any]) -> Response:
    """A whole form for a response already started (on the web form or the open link)."""
    found = response_for_token(token)
    if found is None:
        raise SurveyError(_("Unknown or expired link."))
    response = Response.objects.select_for_update().select_related("campaign").get(pk=found.pk)
    _check_open(response)
    spec = response.questionnaire.spec
    answers = _whole_form_answers(spec, response.group, raw)
    response.answers = answers
    response.section = len(spec.sections)
    response.status, response.submitted_at = Response.Status.SUBMITTED, timezone.now()
    response.save(update_fields=["answers", "section", "status", "submitted_at"])
    return response
