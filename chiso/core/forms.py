"""Form pieces shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_MB = 10


class UploadField(forms.FileField):
    """A data file (XLSX, CSV, YAML) of at most 10 MB: larger files are refused before they
    are read, so a huge or zip-bomb workbook never reaches the parser."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_MB}
            )
        return upload
