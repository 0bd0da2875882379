"""Forms of the registry pages; they parse input, the actions validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.core.forms import UploadField

VALIDITY = [("today", _("Valid today")), ("all", _("All, including former units"))]
ROLES = [("", _("Heads and deputies")), ("head", _("Heads")), ("deputy", _("Deputies"))]
TERMS = [("current", _("Current terms")), ("all", _("All terms"))]


class AgencyFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    type = forms.CharField(required=False, max_length=40)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    block = forms.CharField(required=False, max_length=40)
    validity = forms.ChoiceField(choices=VALIDITY, required=False)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    agency = forms.CharField(required=False, max_length=40)
    role = forms.ChoiceField(choices=ROLES, required=False)
    terms = forms.ChoiceField(choices=TERMS, required=False)


class ImportForm(forms.Form):
    file = UploadField(label=_("File (XLSX or CSV)"))
    kind = forms.ChoiceField(
        label=_("Kind of file"),
        required=False,
        choices=[
            ("", _("Guess from the headers")),
            ("agencies", _("Agencies")),
            ("people", _("Leaders")),
        ],
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Year of blocks and assignments for rows that do not give one."),
    )
    dry_run = forms.BooleanField(label=_("Check only, save nothing"), required=False)


class BlockForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Block name"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
