"""Forms of the reform office's survey pages: a campaign's settings, a questionnaire upload.

Forms only parse what was typed; the rules (published questionnaires only, the open link among
the campaign's questionnaires, state) live in the actions, which the views call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.core.forms import UploadField
from chiso.org.models import Agency
from chiso.surveys.models import Campaign, Questionnaire

# Campaign.seed is a PositiveIntegerField: an integer column, at most 2**31 - 1 on PostgreSQL.
SEED_MAX = 2**31 - 1
SEED_RANGE = _("The seed is a whole number from 0 to 2147483647.")


def published() -> Any:
    return Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).order_by(
        "code", "-version"
    )


def percent(margin: Decimal) -> int | Decimal:
    """e as the percentage shown in the form: 0.05 → 5, 0.025 → 2.5 (localised as 2,5)."""
    value = (margin * 100).quantize(Decimal("0.1"))
    return int(value) if value == value.to_integral_value() else value


class QuestionnaireChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.code} v{obj.version})"


class OpenQuestionnaireChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.code} v{obj.version})"


class CampaignForm(forms.Form):
    """The settings of a campaign. The margin is typed in percent (5 → e = 0.05), as the
    Ministry's sampling guidance states it (sipas.md §4)."""

    name = forms.CharField(label=_("Campaign name"), max_length=255)
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)
    questionnaires = QuestionnaireChoice(
        label=_("Questionnaires (published versions)"),
        queryset=Questionnaire.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies evaluated"), queryset=Agency.objects.all()
    )
    margin_percent = forms.DecimalField(
        label=_("Margin of error e (%)"),
        min_value=Decimal(1),
        max_value=Decimal(20),
        decimal_places=1,
        localize=True,
    )
    min_cell = forms.IntegerField(label=_("Smallest count shown"), min_value=1, max_value=1000)
    no_opinion = forms.ChoiceField(
        label=_("'No opinion' answers"),
        choices=Campaign._meta.get_field("no_opinion").flatchoices,
        widget=forms.RadioSelect,
    )
    seed = forms.IntegerField(
        label=_("Random seed of the draws"),
        min_value=0,
        max_value=SEED_MAX,
        error_messages={"min_value": SEED_RANGE, "max_value": SEED_RANGE},
    )
    open_questionnaire = OpenQuestionnaireChoice(
        label=_("Questionnaire of the open link"),
        queryset=Questionnaire.objects.none(),
        required=False,
        empty_label=_("No open link"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questionnaires"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = published()
        other = self.fields["open_questionnaire"]
        assert isinstance(other, forms.ModelChoiceField)
        other.queryset = published()

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "year": campaign.year,
            "questionnaires": list(campaign.questionnaires.all()),
            "agencies": list(campaign.agencies.all()),
            "margin_percent": percent(campaign.margin),
            "min_cell": campaign.min_cell,
            "no_opinion": campaign.no_opinion,
            "seed": campaign.seed,
            "open_questionnaire": campaign.open_questionnaire,
        }

    def settings(self) -> dict[str, Any]:
        """The cleaned values as the keyword arguments of create/update_campaign."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "year": data["year"],
            "questionnaires": list(data["questionnaires"]),
            "agencies": list(data["agencies"]),
            "margin": (data["margin_percent"] / 100).quantize(Decimal("0.001")),
            "min_cell": data["min_cell"],
            "no_opinion": data["no_opinion"],
            "seed": data["seed"],
            "open_questionnaire": data["open_questionnaire"],
        }


class QuestionnaireUploadForm(forms.Form):
    file = UploadField(
        label=_("Questionnaire file (YAML)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )


class QuotaFileForm(forms.Form):
    file = UploadField(
        label=_("Quota table (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
