"""Forms of the plans pages: they parse; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chiso.accounts.models import AGENCY_ROLES
from chiso.core.forms import UploadField
from chiso.org.models import Agency, Person
from chiso.plans.models import IndexKind


class BootstrapForm(forms.Form):
    """Gives each widget Bootstrap's class, so templates render fields with one include."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgressForm(BootstrapForm):
    text = forms.CharField(label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    completed_on = forms.DateField(
        label=_("Completed on (leave empty while not done)"), required=False, widget=DateInput()
    )
    evidence = forms.FileField(label=_("Evidence (PDF, image, Word or Excel)"), required=False)


class OwnerForm(BootstrapForm):
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.all())
    leader = forms.ModelChoiceField(
        label=_("Responsible leader"), queryset=Person.objects.all(), required=False
    )
    officer = forms.CharField(label=_("Officer in charge"), max_length=150, required=False)
    officer_user = forms.ModelChoiceField(
        label=_("Officer in charge's account (receives the reminders)"),
        queryset=get_user_model()
        .objects.filter(is_active=True, memberships__role__in=list(AGENCY_ROLES))
        .distinct()
        .order_by("username"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TaskImportForm(BootstrapForm):
    file = UploadField(label=_("File (XLSX or CSV)"))
    reason = forms.CharField(
        label=_("Reason, if the file changes who is responsible for a task"),
        max_length=300,
        required=False,
    )
    dry_run = forms.BooleanField(label=_("Only check, save nothing"), required=False)


class InspectionForm(BootstrapForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.all())
    date = forms.DateField(label=_("Inspection date"), widget=DateInput())
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    discipline = forms.BooleanField(label=_("Breach of discipline"), required=False)
    evidence = forms.CharField(
        label=_("Evidence (document number or link)"), max_length=300, required=False
    )


class IndexForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Index"), choices=IndexKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Value"), max_digits=8, decimal_places=2)
    scale = forms.DecimalField(
        label=_("Maximum value"), max_digits=8, decimal_places=2, initial=100
    )
    rank = forms.IntegerField(label=_("Rank"), min_value=1, required=False)
    of = forms.IntegerField(label=_("Out of"), min_value=1, initial=63)
    group = forms.CharField(label=_("Group"), max_length=20, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class IndexImportForm(BootstrapForm):
    file = UploadField(label=_("File (XLSX or CSV)"))
