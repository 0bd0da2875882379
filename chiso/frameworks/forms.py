"""Forms of the framework pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.core.forms import UploadField


class UploadForm(forms.Form):
    file = UploadField(
        label=_("Framework file"),
        help_text=_("YAML (.yaml, .yml) or Excel (.xlsx) in the chiso framework format."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.xlsx"}),
    )
    replace_draft = forms.BooleanField(
        label=_("Replace the draft with the same code, year and version"), required=False
    )


class CloneForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new draft"), min_value=2000, max_value=2100)
