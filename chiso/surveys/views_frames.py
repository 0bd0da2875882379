"""The reform office's pages for sample frames drawn from dossier applicants and for sending
invitations (e-mail, SMS/Zalo hand-off file).

Reform office only, like the contact lists: these pages show counts of contacts and produce a
file of phone numbers, and agencies must never see who their respondents are (issue 5).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.surveys.actions.common import SurveyError
from chiso.surveys.actions.sampling import draw_from_dossiers, plan_dossier_draw
from chiso.surveys.actions.sending import send_invitations, waiting
from chiso.surveys.models import Campaign, Channel, Invitation, Questionnaire, Response, SentVia

DATE_HINT = gettext_lazy("dd/mm/yyyy")


def _office_campaign(request: HttpRequest, pk: int) -> Campaign:
    scope.require_any_role(request.user, (Role.REFORM_OFFICE,))
    return get_object_or_404(Campaign, pk=pk)


class DrawForm(forms.Form):
    period_first = forms.DateField(
        label=gettext_lazy("Dossiers received from"),
        widget=forms.TextInput(attrs={"placeholder": DATE_HINT, "inputmode": "numeric"}),
    )
    period_last = forms.DateField(
        label=gettext_lazy("Received until"),
        widget=forms.TextInput(attrs={"placeholder": DATE_HINT, "inputmode": "numeric"}),
    )
    per_cell = forms.IntegerField(
        label=gettext_lazy("People per agency and group (empty: quota, else the formula)"),
        required=False,
        min_value=0,
        max_value=5000,
    )
    questionnaire: forms.ModelChoiceField[Questionnaire] = forms.ModelChoiceField(
        label=gettext_lazy("Questionnaire"),
        queryset=Questionnaire.objects.none(),
        required=False,
        empty_label=None,
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questionnaire"]
        field.queryset = campaign.questionnaires.order_by("pk")  # type: ignore[attr-defined]
        field.initial = campaign.open_questionnaire_id
        for name, f in self.fields.items():
            css = "form-select" if name == "questionnaire" else "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
                f.widget.attrs["aria-describedby"] = f"id_{name}_errors"
            f.widget.attrs["class"] = css + " form-control-sm"


@login_required
@require_http_methods(["GET", "POST"])
def draw_dossiers(request: HttpRequest, pk: int) -> HttpResponse:
    """GET with a period: what the draw would take per agency and group, with N and n of the
    formula; POST: draw, create the contacts and their online invitations."""
    campaign = _office_campaign(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = DrawForm(campaign, data if "period_first" in data else None)
    plan = None
    if form.is_bound and form.is_valid():
        period = {
            "period_first": form.cleaned_data["period_first"],
            "period_last": form.cleaned_data["period_last"],
            "per_cell": form.cleaned_data["per_cell"],
        }
        try:
            if request.method == "POST":
                draw = draw_from_dossiers(
                    campaign,
                    actor=request.user,
                    questionnaire=form.cleaned_data["questionnaire"],
                    **period,
                )
                messages.success(
                    request,
                    _("%(n)s people drawn from the dossiers and invited.") % {"n": draw.drawn},
                )
                query = {name: data.get(name, "") for name in form.fields}
                return redirect(f"{request.path}?{urlencode(query)}")
            plan = plan_dossier_draw(campaign, **period)
        except SurveyError as error:
            messages.error(request, str(error))
    return render(
        request,
        "surveys/draw_dossiers.html",
        {
            "campaign": campaign,
            "form": form,
            "plan": plan,
            "to_draw": sum(s.to_draw for s in plan.strata) if plan else 0,
        },
    )


def _channel_rows(campaign: Campaign) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for via, label in SentVia.choices:
        sent = Invitation.objects.filter(campaign=campaign, sent_via=via)
        rows.append(
            {
                "via": via,
                "label": label,
                "waiting": waiting(campaign, via=via, reminder=False, now=now).count(),
                "sent": sent.count(),
                "answered": sent.filter(response__status=Response.Status.SUBMITTED).count(),
                "remindable": waiting(campaign, via=via, reminder=True, now=now).count(),
            }
        )
    return rows


def _sent_message(request: HttpRequest, report: Any) -> None:
    if report.via == SentVia.EMAIL:
        text = _("%(n)s e-mails sent.") % {"n": report.sent}
    else:
        text = _("%(n)s phone numbers in the hand-off file.") % {"n": report.sent}
    if report.refused:
        text += " " + _("The mail server refused %(n)s addresses: check them.") % {
            "n": report.refused
        }
    if report.left:
        text += " " + _("%(n)s still wait: send again to continue.") % {"n": report.left}
    if report.failed:
        messages.error(
            request,
            _(
                "The mail server stopped the sending; the invitations not sent wait for the next run."
            )
            + " "
            + text,
        )
    elif report.refused:
        messages.warning(request, text)
    elif report.sent:
        messages.success(request, text)
    else:
        messages.info(request, _("No invitation waits to be sent this way."))


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts per way of sending, and the buttons: e-mails leave at once; the SMS/Zalo
    hand-off file is the answer of the POST (an attachment, never shown inline)."""
    campaign = _office_campaign(request, pk)
    if request.method == "POST":
        via = request.POST.get("via", "")
        try:
            report = send_invitations(
                campaign,
                actor=request.user,
                via=via,
                reminder=request.POST.get("reminder") == "1",
            )
        except SurveyError as error:
            messages.error(request, str(error))
            return redirect("surveys:send", pk=campaign.pk)
        _sent_message(request, report)
        if report.via == SentVia.SMS and report.handoff:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response = HttpResponse(report.csv_bytes(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="thu-moi-sms-{campaign.pk}-{stamp}.csv"'
            )
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return redirect("surveys:send", pk=campaign.pk)
    unreachable = (
        Invitation.objects.filter(campaign=campaign, channel=Channel.ONLINE, contact__isnull=False)
        .exclude(contact__email__contains="@")
        .filter(contact__phone="")
        .count()
    )
    return render(
        request,
        "surveys/send.html",
        {
            "campaign": campaign,
            "rows": _channel_rows(campaign),
            "unreachable": unreachable,
        },
    )
