"""Forms of the plans pages: they parse; the actions decide."""

from __future__ import annotations

from typing import Any, cast

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
                if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
                    field.empty_label = _("— Choose —") if field.required else _("— None —")
            else:
                widget.attrs["class"] = "form-control"


class DateInput(forms.DateInput):
    """A text field in dd/mm/yyyy (yyyy-mm-dd is read too: DATE_INPUT_FORMATS in chiso/formats).
    A native date field would show the browser's order, mm/dd/yyyy in an en-US browser."""

    input_type = "text"

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric"}
        super().__init__(format="%d/%m/%Y", attrs=attrs, **kwargs)


class ProgressForm(BootstrapForm):
    text = forms.CharField(label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    completed_on = forms.DateField(
        label=_("Completed on (leave empty while not done)"), required=False, widget=DateInput()
    )
    evidence = forms.FileField(label=_("Evidence (PDF, image, Word or Excel)"), required=False)


def _officer_accounts(own: set[int] | None = None) -> Any:
    """Active accounts with an agency role (in one of ``own`` agencies when given)."""
    memberships: dict[str, Any] = {"memberships__role__in": list(AGENCY_ROLES)}
    if own is not None:
        memberships["memberships__agency__in"] = own
    return (
        get_user_model()
        .objects.filter(is_active=True, **memberships)
        .distinct()
        .order_by("username")
    )


class PlanForm(BootstrapForm):
    """A new plan. The reform office may leave the agency empty (the province's plan) or pick
    any agency; an agency user picks one of their own agencies."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    code = forms.SlugField(
        label=_("Code (letters without accents, digits, '-'; part of the address)"),
        max_length=40,
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    agency = forms.ModelChoiceField(
        label=_("Agency (empty for the province's plan)"),
        queryset=Agency.objects.none(),
        required=False,
    )
    document_number = forms.CharField(
        label=_("Issuing document number"), max_length=100, required=False
    )
    document_date = forms.DateField(
        label=_("Issuing document date"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, agencies: Any, province: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["agency"])
        field.queryset = agencies.order_by("name")
        field.empty_label = _("— The province's plan —")
        if not province:
            field.required = True
            field.label = _("Agency")
            field.empty_label = _("— Choose —")


def limit_to_own_agencies(form: forms.Form, own: set[int]) -> None:
    """An agency user picks only their own agencies as lead agency, and only their leaders and
    staff accounts: a task led by another agency is that agency's (and the reform office's)."""
    fields = form.fields
    cast(forms.ModelChoiceField, fields["lead_agency"]).queryset = Agency.objects.filter(pk__in=own)
    cast(forms.ModelChoiceField, fields["leader"]).queryset = Person.objects.filter(
        positions__agency__in=own
    ).distinct()
    cast(forms.ModelChoiceField, fields["officer_user"]).queryset = _officer_accounts(own)


class TaskForm(BootstrapForm):
    """One task of a plan; the same checks as an import row are made by the action."""

    number = forms.CharField(label=_("No. (STT)"), max_length=20)
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.all())
    co_agencies = forms.ModelMultipleChoiceField(
        label=_("Co-operating agencies"),
        queryset=Agency.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several agencies."),
    )
    leader = forms.ModelChoiceField(
        label=_("Responsible leader"), queryset=Person.objects.all(), required=False
    )
    officer = forms.CharField(label=_("Officer in charge"), max_length=150, required=False)
    officer_user = forms.ModelChoiceField(
        label=_("Officer in charge's account (receives the reminders)"),
        queryset=_officer_accounts(),
        required=False,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    output = forms.CharField(label=_("Expected output"), max_length=300, required=False)
    assigned_by_ppc = forms.BooleanField(
        label=_("Assigned by the Provincial People's Committee"), required=False
    )
    reason = forms.CharField(
        label=_("Reason, if you change who is responsible"),
        max_length=300,
        required=False,
    )

    def __init__(
        self, *args: Any, editing: bool = False, own: set[int] | None = None, **kwargs: Any
    ) -> None:
        """``own``: the agency user's agencies (None for the reform office, who picks any)."""
        super().__init__(*args, **kwargs)
        if editing:
            # The STT identifies the task (imports update by it): it is not edited here.
            self.fields["number"].disabled = True
        else:
            del self.fields["reason"]
        if own is not None:
            limit_to_own_agencies(self, own)
            # Only the reform office says the PPC assigned a task (it feeds task.on_time_rate).
            self.fields["assigned_by_ppc"].disabled = True


class OwnerForm(BootstrapForm):
    """Who is responsible; ``own`` as in :class:`TaskForm`."""

    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.all())
    leader = forms.ModelChoiceField(
        label=_("Responsible leader"), queryset=Person.objects.all(), required=False
    )
    officer = forms.CharField(label=_("Officer in charge"), max_length=150, required=False)
    officer_user = forms.ModelChoiceField(
        label=_("Officer in charge's account (receives the reminders)"),
        queryset=_officer_accounts(),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, own: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if own is not None:
            limit_to_own_agencies(self, own)


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
