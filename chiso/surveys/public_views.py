"""The public questionnaire: no login, reached by an invitation link (or its QR code) or by a
campaign's open link. Light pages that work without JavaScript on a cheap phone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chiso.surveys import actions, captcha, open_resume
from chiso.surveys.models import Campaign, Group, Response
from chiso.surveys.spec import SCALE_LABELS, Questionnaire, Section


def _client_ip(request: HttpRequest) -> str:
    """The respondent's address for the hourly limit. In production chiso runs behind the
    province's TLS proxy (settings trust its X-Forwarded-Proto when DEBUG is off), which
    appends the client to X-Forwarded-For: the last entry is the one a client cannot forge.
    Without a proxy (development) the header is ignored, since anyone could send it."""
    proxies = getattr(settings, "SURVEY_TRUSTED_PROXIES", 0 if settings.DEBUG else 1)
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _lang(request: HttpRequest) -> str:
    return "en" if (request.LANGUAGE_CODE or "vi").startswith("en") else "vi"


def _questions(
    section: Section,
    answers: dict[str, Any],
    raw: dict[str, Any],
    errors: dict[str, str],
    en: bool,
    group: str = "",
) -> list[dict[str, Any]]:
    """What the template shows for each question: text, choices, current value, error."""
    out = []
    here = {q.code for q in section.questions}
    for q in section.questions:
        if q.show_if is not None and q.show_if.question not in here and not q.asked(answers):
            continue  # decided by an earlier part's answer: not asked
        if q.answer_for_group(group) is not None:
            continue  # the respondent's group is known: asked once only (review s6, L5)
        if q.type == "scale":
            choices = [(v, SCALE_LABELS[v][1 if en else 0]) for v in (5, 4, 3, 2, 1, 0)]
        else:
            choices = [(o.value, (o.text_en if en and o.text_en else o.text)) for o in q.options]
        value = raw.get(q.code, answers.get(q.code))
        if isinstance(value, list):
            chosen = {str(v) for v in value}
        else:
            chosen = {str(value)} if value not in (None, "") else set()
        condition = ""
        if q.show_if is not None:
            condition = q.show_if.question
        out.append(
            {
                "q": q,
                "text": q.text_en if en and q.text_en else q.text,
                "choices": choices,
                "chosen": chosen,
                "value": "" if value is None or isinstance(value, list) else value,
                "error": errors.get(q.code, ""),
                "condition": condition,
            }
        )
    return out


def _raw(request: HttpRequest, section: Section, group: str) -> dict[str, Any]:
    """The posted answers of ``section``; a question asking the respondent's group is answered
    with the option of ``group`` (the group they gave when starting), whatever was posted."""
    raw: dict[str, Any] = {}
    for q in section.questions:
        fixed = q.answer_for_group(group)
        if fixed is not None:
            raw[q.code] = str(fixed)
        elif q.type in ("multiple", "priority"):
            raw[q.code] = request.POST.getlist(q.code)
        else:
            raw[q.code] = request.POST.get(q.code, "")
    return raw


def section_context(
    spec: Questionnaire,
    index: int,
    answers: dict[str, Any],
    raw: dict[str, Any],
    errors: dict[str, str],
    en: bool,
    group: str = "",
) -> dict[str, Any]:
    """What survey_form/page.html shows of part ``index``: titles in the reader's language,
    the part's number and its questions with the answers given so far; the public form and
    the office's preview both render it. A question asking the respondent's ``group`` (when
    known) is left out."""
    section = spec.sections[index]
    questions = _questions(section, answers, raw, errors, en, group)
    return {
        "title": spec.title_en if en and spec.title_en else spec.title,
        "intro": spec.intro_en if en and spec.intro_en else spec.intro,
        "section": section,
        "section_title": section.title_en if en and section.title_en else section.title,
        "index": index,
        "number": index + 1,
        "count": len(spec.sections),
        "questions": questions,
        "errors": errors,
        # The error summary links each of these to its question (review s8, finding 7).
        "attention": [item for item in questions if item["error"]],
    }


def _page(
    request: HttpRequest,
    response: Response,
    spec: Questionnaire,
    index: int,
    raw: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    context = {
        "response": response,
        **section_context(
            spec,
            index,
            response.answers,
            raw or {},
            errors or {},
            _lang(request) == "en",
            response.group,
        ),
        "agency": response.agency.name,
    }
    status = 400 if errors else 200
    return render(request, "survey_form/page.html", context, status=status)


@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, token: str) -> HttpResponse:
    """One section of the form at a time; answers are saved per section, so a respondent can
    leave and come back with the same link; the last step sends the form."""
    response = actions.response_for_token(token)
    if response is None:
        raise Http404
    spec = response.questionnaire.spec
    if response.status == Response.Status.SUBMITTED:
        return render(request, "survey_form/done.html", {"response": response})
    if response.campaign.status != Campaign.Status.OPEN:
        return render(request, "survey_form/closed.html", status=410)
    if request.method == "POST":
        if "submit" in request.POST:
            try:
                actions.submit_response(response)
            except actions.SurveyError as error:
                return render(
                    request,
                    "survey_form/review.html",
                    {"response": response, "error": str(error), "count": len(spec.sections)},
                    status=400,
                )
            return redirect("survey_form:fill", token=token)
        index = _int(request.POST.get("section"), -1)
        if not 0 <= index < len(spec.sections) or index > response.section:
            raise Http404
        raw = _raw(request, spec.sections[index], response.group)
        errors = actions.save_section(response, index, raw)
        if errors:
            return _page(request, response, spec, index, raw, errors)
        return redirect(f"{request.path}?phan={index + 2}")
    wanted = _int(request.GET.get("phan"), response.section + 1) - 1
    index = max(0, min(wanted, response.section))
    if index >= len(spec.sections):
        return render(
            request, "survey_form/review.html", {"response": response, "count": len(spec.sections)}
        )
    return _page(request, response, spec, index)


def _int(text: str | None, default: int) -> int:
    # ASCII digits only: "²".isdigit() is true, and int("²") fails.
    return int(text) if text and text.isascii() and text.isdigit() else default


@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, code: str) -> HttpResponse:
    """The campaign's open link: the respondent names the agency and their group and answers
    an arithmetic question; each address may start a limited number of forms per hour.

    Opened again in the browser that started a form not yet sent, it offers, first, a link
    back to that form (:mod:`chiso.surveys.open_resume`), and below it the start of a new one:
    never a redirect, since a family's phone or a tablet at the one-stop shop serves several
    people, and the next one must not land in someone else's answers (code review s8). A
    campaign has no rule of one form per device; the hourly limit per address is the guard
    against flooding."""
    campaign = get_object_or_404(
        Campaign.objects.exclude(open_code=""), open_code=code, status=Campaign.Status.OPEN
    )
    earlier = open_resume.remembered(request, campaign)
    unsent = earlier if earlier and earlier.status == Response.Status.STARTED else None
    agencies = list(campaign.agencies.order_by("name"))
    error = error_field = ""
    status = 200
    if request.method == "POST":
        agency = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), None)
        group = request.POST.get("group", "")
        if not captcha.check(
            request.POST.get("captcha_token", ""), request.POST.get("captcha", "")
        ):
            error, status = _("The answer to the calculation is not right; try again."), 400
            error_field = "captcha"
        elif agency is None:
            error, status = _("Choose an agency and a respondent group from the lists."), 400
            error_field = "agency"
        else:
            try:
                response = actions.start_open_response(
                    campaign, agency=agency, group=group, ip=_client_ip(request)
                )
            except actions.RateLimited as limited:
                return render(
                    request, "survey_form/limited.html", {"error": str(limited)}, status=429
                )
            except actions.SurveyError as refused:
                error, status = str(refused), 400
            else:
                started = redirect("survey_form:fill", token=response.token)
                open_resume.remember(started, response)
                return started
    question, token = captcha.new_question()
    return render(
        request,
        "survey_form/open.html",
        {
            "campaign": campaign,
            "agencies": agencies,
            "groups": Group.choices,
            "question": question,
            "captcha_token": token,
            "error": error,
            "error_field": error_field,
            "posted": request.POST,
            "in_progress": unsent,
            "sent_before": earlier is not None and earlier.status == Response.Status.SUBMITTED,
        },
        status=status,
    )
