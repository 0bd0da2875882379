"""Questionnaires in the browser: every version with its status, upload of a YAML file as a
draft, a preview drawn with the respondents' own templates, publishing, YAML download, and
editing the wording (a published version is never changed: the edit becomes a new version).

Survey staff (reform office, provincial leaders, appraisers, survey operators) may read; only
the reform office writes. A questionnaire holds no personal data, but agencies see no survey
page at all (views.py), so they get 403 here too.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.surveys.actions import SurveyError, publish_questionnaire
from chiso.surveys.actions.questionnaires import (
    Upload,
    as_yaml,
    located,
    revise_questionnaire,
    upload_questionnaire,
)
from chiso.surveys.answers import clean_answers
from chiso.surveys.forms import QuestionnaireUploadForm
from chiso.surveys.models import Questionnaire
from chiso.surveys.public_views import section_context
from chiso.surveys.spec import SpecError

STAFF = (Role.REFORM_OFFICE, Role.VIEWER, Role.APPRAISER, Role.SURVEY_OPERATOR)


def _list_page(
    request: HttpRequest, form: QuestionnaireUploadForm, errors: list[str], status: int = 200
) -> HttpResponse:
    versions = Questionnaire.objects.annotate(used=Count("campaigns")).order_by("code", "-version")
    return render(
        request,
        "surveys/questionnaire_list.html",
        {"versions": versions, "form": form, "spec_errors": errors},
        status=status,
    )


@login_required
@require_GET
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    scope.require_any_role(request.user, STAFF)
    return _list_page(request, QuestionnaireUploadForm(), [])


def _text_of(data: bytes) -> str | None:
    """The upload as text, or None when it is not UTF-8 text (a workbook, an image…): the
    content decides, not the file name."""
    if b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _stored_message(upload: Upload) -> str:
    q = upload.questionnaire
    if upload.renumbered_from is not None:
        return _(
            "Version %(old)s of %(code)s is published and never changes: the file was stored "
            "as draft version %(new)s."
        ) % {"old": upload.renumbered_from, "code": q.code, "new": q.version}
    return _("Questionnaire %(code)s version %(version)s stored as a draft.") % {
        "code": q.code,
        "version": q.version,
    }


@login_required
@require_POST
def questionnaire_upload(request: HttpRequest) -> HttpResponse:
    """A YAML file becomes a draft version; on any problem the page lists every one (with the
    line of the file) and nothing is stored."""
    scope.require_reform_office(request.user)
    form = QuestionnaireUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form, [], 400)
    text = _text_of(form.cleaned_data["file"].read())
    if text is None:
        return _list_page(
            request, form, [_("The file is not a YAML text file (UTF-8): nothing was stored.")], 400
        )
    try:
        upload = upload_questionnaire(text, actor=request.user)
    except SpecError as error:
        return _list_page(request, form, located(text, error), 400)
    except SurveyError as error:
        return _list_page(request, form, [str(error)], 400)
    messages.success(request, _stored_message(upload))
    return redirect("surveys:questionnaire", pk=upload.questionnaire.pk)


@login_required
@require_POST
def questionnaire_publish(request: HttpRequest, pk: int) -> HttpResponse:
    scope.require_reform_office(request.user)
    q = get_object_or_404(Questionnaire, pk=pk)
    try:
        publish_questionnaire(q, actor=request.user)
    except SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Questionnaire %(code)s version %(version)s is published.")
            % {"code": q.code, "version": q.version},
        )
    return redirect("surveys:questionnaire", pk=q.pk)


@login_required
@require_GET
def questionnaire_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    scope.require_any_role(request.user, STAFF)
    q = get_object_or_404(Questionnaire, pk=pk)
    response = HttpResponse(as_yaml(q), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{q.code}-v{q.version}.yaml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version: its status, the campaigns using it, every question with its type,
    options, condition and fact, and (reform office) publish / edit."""
    scope.require_any_role(request.user, STAFF)
    q = get_object_or_404(Questionnaire, pk=pk)
    later = Questionnaire.objects.filter(code=q.code, version__gt=q.version).order_by("version")
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "q": q,
            "spec": q.spec,
            "campaigns": q.campaigns.order_by("-year", "name"),
            "later": later,
        },
    )


def _session_key(q: Questionnaire) -> str:
    return f"surveys.preview.{q.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire as respondents see it, part by part, with the public form's own
    template and checks. Answers are kept in the viewer's session only (so conditions across
    parts behave as for a respondent) and never stored as a response."""
    scope.require_any_role(request.user, STAFF)
    q = get_object_or_404(Questionnaire, pk=pk)
    spec = q.spec
    key = _session_key(q)
    answers: dict[str, Any] = request.session.get(key, {})
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    index = _part(request.GET.get("phan"), len(spec.sections))
    if request.method == "POST":
        posted = request.POST.get("section", "")
        index = min(int(posted), len(spec.sections) - 1) if posted.isdigit() else 0
        section = spec.sections[index]
        for question in section.questions:
            many = question.type in ("multiple", "priority")
            raw[question.code] = (
                request.POST.getlist(question.code) if many else request.POST.get(question.code, "")
            )
        earlier = {k: v for k, v in answers.items() if k not in raw}
        cleaned, errors = clean_answers(spec, raw, section.questions, earlier)
        if not errors:
            request.session[key] = {**earlier, **cleaned}
            return redirect(f"{request.path}?phan={index + 2}")
    elif request.GET.get("phan") is None:
        request.session.pop(key, None)  # a fresh preview starts empty
        answers = {}
    if index >= len(spec.sections):
        return render(request, "surveys/questionnaire_preview_end.html", {"q": q})
    en = (request.LANGUAGE_CODE or "vi").startswith("en")
    context = {
        "q": q,
        **section_context(spec, index, answers, raw, errors, en),
        "agency": _("(the agency the respondent chose)"),
    }
    return render(
        request, "surveys/questionnaire_preview.html", context, status=400 if errors else 200
    )


def _part(text: str | None, count: int) -> int:
    """The 0-based part from ``?phan=`` (1-based, as respondents' links); past the last part
    means the end page."""
    wanted = int(text) - 1 if text and text.isdigit() else 0
    return max(0, min(wanted, count))


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the wording (title, intro, part titles, question texts) in a form. A draft is
    changed in place; a published version gets a new draft version with the new wording."""
    scope.require_reform_office(request.user)
    q = get_object_or_404(Questionnaire, pk=pk)
    definition = copy.deepcopy(q.definition)
    errors: list[str] = []
    if request.method == "POST":
        definition["title"] = request.POST.get("title", "").strip()
        definition["intro"] = request.POST.get("intro", "").strip()
        for s_index, section in enumerate(definition["sections"]):
            section["title"] = request.POST.get(f"s{s_index}", "").strip()
            for question in section["questions"]:
                question["text"] = request.POST.get(f"q_{question['code']}", "").strip()
        try:
            upload = revise_questionnaire(q, definition, actor=request.user)
        except SpecError as error:
            errors = error.messages
        except SurveyError as error:
            errors = [str(error)]
        else:
            messages.success(request, _stored_message(upload))
            return redirect("surveys:questionnaire", pk=upload.questionnaire.pk)
    return render(
        request,
        "surveys/questionnaire_edit.html",
        {"q": q, "definition": definition, "spec_errors": errors},
        status=400 if errors else 200,
    )
