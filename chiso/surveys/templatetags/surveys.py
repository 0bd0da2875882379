"""Showing survey results: percentages with a dash for cells below the campaign's minimum
count, and the wording of questions, options and sections in the page's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.surveys.indices import Share

register = template.Library()


def _hidden() -> SafeString:
    return format_html('<span title="{}">—</span>', _("too few answers to show"))


@register.simple_tag
def share_cell(share: Share, min_cell: int) -> SafeString:
    """ "82,22 % (75,10–88,00; n = 40)" or a dash when n is below the minimum."""
    if share.percent is None or share.low is None or share.high is None or share.hidden(min_cell):
        return _hidden()
    return format_html(
        '{}<br><small class="text-body-secondary">{}–{}; n = {}</small>',
        number_format(share.percent, 2),
        number_format(share.low, 2),
        number_format(share.high, 2),
        share.valid,
    )


@register.simple_tag
def index_cell(value: Decimal | None, count: int, min_cell: int) -> SafeString:
    if value is None or count < min_cell:
        return _hidden()
    return format_html("{}", number_format(value, 2))


@register.filter
def worded(part: Any) -> str:
    """The words of a questionnaire part (question or option ``text``, section or questionnaire
    ``title``) in the page's language: the English wording on English pages when the
    questionnaire has one, the Vietnamese otherwise."""
    attr = "text" if hasattr(part, "text") else "title"
    if (get_language() or "vi").startswith("en"):
        english = getattr(part, f"{attr}_en", "")
        if english:
            return str(english)
    return str(getattr(part, attr))
