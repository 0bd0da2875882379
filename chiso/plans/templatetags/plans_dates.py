"""Template filters of the plans pages."""

from __future__ import annotations

import datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def as_date(text: str | None) -> datetime.date | None:
    """A date written in a query string (yyyy-mm-dd or dd/mm/yyyy, the input formats of
    chiso/formats), or None, so that the page can show it as dd/mm/yyyy."""
    for fmt in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return None
