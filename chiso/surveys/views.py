"""Staff pages of the surveys (/surveys/): campaigns, progress, results, exports, paper forms.

Who sees what: the reform office everything; provincial leaders and appraisers campaigns and
aggregated results; survey operators campaigns, paper forms and keying. Agency users see no
survey page: individual responses never reach an agency, and their results reach them as
facts in the evaluation.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.core.forms import UploadField
from chiso.surveys import actions, group_answer, indices
from chiso.surveys.actions.paper import differences
from chiso.surveys.answers import format_answer
from chiso.surveys.exports import export_responses
from chiso.surveys.models import Campaign, Channel, Group, Invitation, Questionnaire, Response
from chiso.surveys.queries import mismatched_forms, operator_stats
from chiso.surveys.results import campaign_results, progress, quality_flags
from chiso.surveys.spec import SCALE_LABELS


class ContactsForm(forms.Form):
    file = UploadField(label=gettext_lazy("Contact list (XLSX or CSV)"))


STAFF = (Role.REFORM_OFFICE, Role.VIEWER, Role.APPRAISER, Role.SURVEY_OPERATOR)
READERS = (Role.REFORM_OFFICE, Role.VIEWER, Role.APPRAISER)
KEYERS = (Role.REFORM_OFFICE, Role.SURVEY_OPERATOR)


def _campaign(request: HttpRequest, pk: int, wanted: tuple[str, ...]) -> Campaign:
    scope.require_any_role(request.user, wanted)
    return get_object_or_404(Campaign, pk=pk)


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    scope.require_any_role(request.user, STAFF)
    campaigns = Campaign.objects.prefetch_related("questionnaires")
    return render(
        request,
        "surveys/list.html",
        {"campaigns": campaigns, "questionnaires": Questionnaire.objects.all()},
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress against quotas (agency × group × channel) and, for the reform office, the
    forms that change the campaign. The sample-size calculator shows its formula."""
    campaign = _campaign(request, pk, STAFF)
    population = request.GET.get("n_population", "")
    suggestion = None
    if population.isdigit():
        suggestion = indices.sample_size(int(population), campaign.margin)
    cells = progress(campaign)
    totals: dict[str, list[int]] = {}
    for cell in cells:
        total = totals.setdefault(cell.channel, [0, 0])
        total[0] += cell.target
        total[1] += cell.done
    return render(
        request,
        "surveys/detail.html",
        {
            "campaign": campaign,
            "cells": cells,
            "totals": [(Channel(c).label, t) for c, t in sorted(totals.items())],
            "population": population,
            "suggestion": suggestion,
            "agencies": campaign.agencies.order_by("name"),
            "groups": Group.choices,
            "channels": Channel.choices,
            "questionnaires": campaign.questionnaires.order_by("pk"),
            "waiting": mismatched_forms(campaign).count(),
            "frames": [
                (f["agency__name"], Group(f["group"]).label, f["total"], f["invited"])
                for f in campaign.contacts.values("agency__name", "group")
                .annotate(total=Count("pk"), invited=Count("invitation"))
                .order_by("agency__name", "group")
            ],
            "open_url": (
                request.build_absolute_uri(f"/khao-sat/mo/{campaign.open_code}/")
                if campaign.open_code
                else ""
            ),
            "can_key": scope.has_role(request.user, *KEYERS),
            "can_read": scope.has_role(request.user, *READERS),
            # Agencies with an online invitation still unanswered: only they have slips to
            # print (invitation_slips_pdf answers 404 otherwise, so no link is shown).
            "printable": set(
                Invitation.objects.filter(
                    campaign=campaign, channel=Channel.ONLINE, response=None
                ).values_list("agency_id", flat=True)
            ),
        },
    )


def _act(request: HttpRequest, campaign: Campaign, do: Any, done: str) -> HttpResponse:
    try:
        do()
    except actions.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("surveys:detail", pk=campaign.pk)


def _closing_summary(campaign: Campaign) -> dict[str, Any]:
    """What closing would do: counted responses and facts to write, per agency."""
    from chiso.surveys.results import facts_table

    counted: dict[int, int] = {}
    for cell in progress(campaign):
        counted[cell.agency.pk] = counted.get(cell.agency.pk, 0) + cell.done
    facts: dict[int, int] = {}
    rows = facts_table(campaign)
    for agency, _name, _value in rows:
        facts[agency.pk] = facts.get(agency.pk, 0) + 1
    agencies = [
        (agency, counted.get(agency.pk, 0), facts.get(agency.pk, 0))
        for agency in campaign.agencies.order_by("name")
    ]
    return {
        "agencies": agencies,
        "responses": sum(counted.values()),
        "facts": len(rows),
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_state(request: HttpRequest, pk: int) -> HttpResponse:
    """POST opens or closes the campaign. GET with ``to=closed`` is the confirmation page of
    closing, which cannot be undone: it shows the counted responses per agency and the facts
    that will be written (the evaluation rounds confirm their stage changes the same way)."""
    campaign = _campaign(request, pk, (Role.REFORM_OFFICE,))
    if request.method == "GET":
        if request.GET.get("to") != "closed" or campaign.status != Campaign.Status.OPEN:
            raise Http404
        return render(
            request,
            "surveys/close_confirm.html",
            {"campaign": campaign, **_closing_summary(campaign)},
        )
    if request.POST.get("to") == "open":
        return _act(
            request,
            campaign,
            lambda: actions.open_campaign(campaign, actor=request.user),
            _("The campaign now collects answers."),
        )
    if request.POST.get("to") == "closed":
        return _act(
            request,
            campaign,
            lambda: actions.close_campaign(campaign, actor=request.user),
            _("The campaign is closed and its indices are written as facts."),
        )
    raise Http404


def _choice(request: HttpRequest, name: str, allowed: list[str]) -> str:
    value = request.POST.get(name, "")
    if value not in allowed:
        raise Http404
    return value


@login_required
@require_POST
def campaign_cell(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a quota, or issue invitations / paper forms, for one agency × group × channel."""
    campaign = _campaign(request, pk, (Role.REFORM_OFFICE,))
    agency = get_object_or_404(campaign.agencies, pk=request.POST.get("agency", 0) or 0)
    group = _choice(request, "group", list(Group.values))
    channel = _choice(request, "channel", list(Channel.values))
    number = request.POST.get("number", "")
    count = int(number) if number.isdigit() else -1
    if request.POST.get("what") == "quota":
        return _act(
            request,
            campaign,
            lambda: actions.set_quota(
                campaign,
                actor=request.user,
                agency=agency,
                group=group,
                channel=channel,
                target=count,
            ),
            _("Quota saved."),
        )
    questionnaire = get_object_or_404(
        campaign.questionnaires, pk=request.POST.get("questionnaire", 0) or 0
    )
    if request.POST.get("what") == "draw":
        return _act(
            request,
            campaign,
            lambda: actions.draw_sample(
                campaign,
                actor=request.user,
                agency=agency,
                group=group,
                channel=channel,
                count=count,
                questionnaire=questionnaire,
            ),
            _("Contacts drawn and invited."),
        )
    return _act(
        request,
        campaign,
        lambda: actions.issue_invitations(
            campaign,
            actor=request.user,
            agency=agency,
            group=group,
            channel=channel,
            count=count,
            questionnaire=questionnaire,
        ),
        _("Invitations created."),
    )


@login_required
@require_POST
def contacts_import(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact list (sample frame) for the campaign; a file with any bad row adds nothing."""
    campaign = _campaign(request, pk, (Role.REFORM_OFFICE,))
    form = ContactsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
        return redirect("surveys:detail", pk=campaign.pk)
    upload = form.cleaned_data["file"]
    report = actions.import_contacts(
        campaign,
        upload.read(),
        actor=request.user,
        filename=upload.name,
        lang="en" if (get_language() or "vi").startswith("en") else "vi",
    )
    if report.ok:
        messages.success(request, _("%(n)s contacts imported.") % {"n": report.created})
    else:
        messages.error(request, " ".join(str(p) for p in report.problems[:20]))
    return redirect("surveys:detail", pk=campaign.pk)


@login_required
@require_GET
def campaign_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Aggregates only; a cell with fewer valid answers than the campaign's minimum shows a
    dash, so no single respondent can be read from a table."""
    campaign = _campaign(request, pk, READERS)
    results = campaign_results(campaign)
    shown = [
        {
            "spec": r.spec,
            "overall": r.overall,
            "agencies": r.agencies,
            "breakdowns": [
                (_("By respondent group"), [(Group(g).label, x) for g, x in r.groups]),
                (_("By channel"), [(Channel(c).label, x) for c, x in r.channels]),
            ],
            "expectations": [
                (q, indices.expectations(q, r.responses))
                for q in r.spec.questions()
                if q.type == "priority"
            ],
        }
        for r in results
    ]
    return render(
        request,
        "surveys/results.html",
        {"campaign": campaign, "results": shown, "min_cell": campaign.min_cell},
    )


@login_required
@require_GET
def campaign_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """One row per counted or excluded response, no contact data; XLSX adds a codebook."""
    campaign = _campaign(request, pk, (Role.REFORM_OFFICE,))
    if fmt not in ("xlsx", "csv"):
        raise Http404
    data, content_type = export_responses(campaign, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{campaign.pk}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def paper_forms_pdf(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, KEYERS)
    agency = get_object_or_404(campaign.agencies, pk=agency_pk)
    from chiso.surveys.printing import paper_forms_pdf as render_forms

    forms = Invitation.objects.filter(
        campaign=campaign, agency=agency, channel=Channel.PAPER
    ).select_related("questionnaire", "agency")
    if not forms.exists():
        raise Http404
    response = HttpResponse(render_forms(list(forms)), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="phieu-khao-sat-{campaign.pk}-{agency.code}.pdf"'
    )
    return response


@login_required
@require_GET
def invitation_slips_pdf(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    """The online invitations of one agency as slips with link and QR code (reform office:
    the tokens are the respondents' keys)."""
    campaign = _campaign(request, pk, (Role.REFORM_OFFICE,))
    agency = get_object_or_404(campaign.agencies, pk=agency_pk)
    from chiso.surveys.printing import invitation_slips_pdf as render_slips

    invitations = list(
        Invitation.objects.filter(
            campaign=campaign, agency=agency, channel=Channel.ONLINE, response=None
        ).select_related("agency", "questionnaire")
    )
    if not invitations:
        raise Http404
    response = HttpResponse(render_slips(invitations), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="thu-moi-khao-sat-{campaign.pk}-{agency.code}.pdf"'
    )
    return response


def _entry_rows(spec: Any, raw: dict[str, Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for q in spec.questions():
        if q.type == "scale":
            hint = " · ".join(f"{v} {SCALE_LABELS[v][0]}" for v in (1, 2, 3, 4, 5, 0))
        elif q.options:
            hint = " · ".join(f"{o.value} {o.text}" for o in q.options)
        else:
            hint = ""
        if group_answer.asks_group(q):  # a blank is answered from the form (actions.paper._read)
            hint += " · " + _("blank: the form's respondent group, when it is listed")
        rows.append(
            {
                "q": q,
                "hint": hint,
                "value": raw.get(q.code, ""),
                "error": errors.get(q.code, ""),
                "numeric": q.type in ("scale", "single", "number"),
            }
        )
    return rows


def _paper_questionnaire(campaign: Campaign) -> Questionnaire | None:
    """The first questionnaire the campaign printed paper forms of: what an operator keys by
    default (an online-only questionnaire has no paper form to key)."""
    printed = (
        Invitation.objects.filter(campaign=campaign, channel=Channel.PAPER)
        .order_by("questionnaire_id")
        .values_list("questionnaire_id", flat=True)
        .first()
    )
    return campaign.questionnaires.filter(pk=printed).first() if printed else None


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Keyboard-first keying: the operator picks the agency of the batch once, then for each
    form types its number and one short answer per question (digits 1–5 for the scale, 0 for
    no opinion, option numbers separated by commas), Tab to move, Enter to save. A form blank
    for more than half of its questions is saved only after the operator confirms it (a second
    POST with ``confirm_blanks=1``), so the check works without JavaScript."""
    campaign = _campaign(request, pk, (Role.SURVEY_OPERATOR,))
    agencies = list(campaign.agencies.order_by("name"))
    source = request.POST if request.method == "POST" else request.GET
    agency = next((a for a in agencies if str(a.pk) == source.get("agency")), None)
    questionnaire = (
        next(
            (q for q in campaign.questionnaires.all() if str(q.pk) == source.get("questionnaire")),
            None,
        )
        or _paper_questionnaire(campaign)
        or campaign.questionnaires.order_by("pk").first()
    )
    assert questionnaire is not None  # a campaign always has one (create_campaign)
    spec = questionnaire.spec
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    number = ""
    status = 200
    blanks = ""  # the question asked when most answers are blank (actions.MostlyBlank)
    if request.method == "POST" and agency is not None:
        number = request.POST.get("form_number", "").strip()
        raw = {q.code: request.POST.get(q.code, "") for q in spec.questions()}
        seconds = request.POST.get("seconds", "")
        try:
            outcome = actions.key_form(
                campaign,
                actor=request.user,
                agency=agency,
                number=number,
                raw=raw,
                seconds=int(seconds) if seconds.isdigit() else 0,
                confirm_blanks=request.POST.get("confirm_blanks") == "1",
            )
        except actions.MostlyBlank as error:
            blanks = str(error)
        except actions.FieldErrors as error:
            errors, status = error.errors, 400
            messages.error(request, str(error))
        except actions.SurveyError as error:
            status = 400
            messages.error(request, str(error))
        else:
            text = {
                "first": _("Form %(n)s saved; it waits for the second keying."),
                "matched": _("Form %(n)s saved; both keyings agree, the form counts."),
                "mismatch": _("Form %(n)s saved; the keyings differ and wait for reconciliation."),
            }[outcome.state]
            messages.success(request, text % {"n": outcome.entry.invitation.form_number})
            return redirect(f"{request.path}?agency={agency.pk}&questionnaire={questionnaire.pk}")
    return render(
        request,
        "surveys/entry.html",
        {
            "campaign": campaign,
            "agencies": agencies,
            "agency": agency,
            "questionnaire": questionnaire,
            "questionnaires": campaign.questionnaires.order_by("pk"),
            "rows": _entry_rows(spec, raw, errors),
            "number": number,
            "blanks": blanks,
        },
        status=status,
    )


@login_required
@require_GET
def mismatches(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, KEYERS)
    forms = [(f, differences(f)) for f in mismatched_forms(campaign)]
    return render(
        request,
        "surveys/mismatches.html",
        {"campaign": campaign, "forms": forms, "stats": operator_stats(campaign)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reconcile(request: HttpRequest, pk: int, form_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, KEYERS)
    form = get_object_or_404(mismatched_forms(campaign), pk=form_pk)
    spec = form.questionnaire.spec
    first, second = (e.answers for e in form.entries.order_by("pk")[:2])
    raw = {q.code: format_answer(first.get(q.code)) for q in spec.questions()}
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {q.code: request.POST.get(q.code, "") for q in spec.questions()}
        try:
            actions.reconcile_form(form, actor=request.user, raw=raw)
        except actions.FieldErrors as error:
            errors = error.errors
            messages.error(request, str(error))
        except actions.SurveyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Form %(n)s reconciled.") % {"n": form.form_number})
            return redirect("surveys:mismatches", pk=campaign.pk)
    rows = _entry_rows(spec, raw, errors)
    for row in rows:
        code = row["q"].code
        row["first"] = format_answer(first.get(code))
        row["second"] = format_answer(second.get(code))
    return render(
        request, "surveys/reconcile.html", {"campaign": campaign, "form": form, "rows": rows}
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality(request: HttpRequest, pk: int) -> HttpResponse:
    """Flagged responses (no answers shown: only flags, agency, group, channel) with the
    reform office's exclusion, reason required and audited."""
    campaign = _campaign(request, pk, (Role.REFORM_OFFICE,))
    if request.method == "POST":
        response = get_object_or_404(campaign.responses, pk=request.POST.get("response", 0) or 0)
        try:
            actions.set_excluded(
                response,
                actor=request.user,
                excluded=request.POST.get("excluded") == "1",
                reason=request.POST.get("reason", ""),
            )
        except actions.SurveyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Response #%(n)s updated.") % {"n": response.pk})
        return redirect("surveys:quality", pk=campaign.pk)
    flags = quality_flags(campaign)
    flagged = Response.objects.filter(pk__in=flags).select_related(
        "agency"
    ) | campaign.responses.filter(excluded=True).select_related("agency")
    rows = [(r, flags.get(r.pk, [])) for r in flagged.distinct().order_by("pk")]
    return render(request, "surveys/quality.html", {"campaign": campaign, "rows": rows})
