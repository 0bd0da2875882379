"""Filters for the agency's assessment pages: numbers as officials write them, file types."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from chiso.assessments import evidence as files
from chiso.assessments.measures import measure_of
from chiso.assessments.views.agency_context import num
from chiso.engine.model import Node
from chiso.frameworks.describe import unit_label as unit_in

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """A stored value in the page's language ("1,5"), "—" when there is none."""
    if value is None or value == "":
        return "—"
    return num(Decimal(str(value)))


@register.filter
def in_unit(value: Any, node: Node) -> str:
    """A stored value of ``node`` with its unit when the item is measured ("0 ngày",
    "90,9%"), else as :func:`points`: the agency reads what it entered, not points."""
    measure = measure_of(node)
    if measure is None or value is None or value == "":
        return points(value)
    return measure.amount(Decimal(str(value)))


@register.filter
def unit_label(unit: str) -> str:
    """A framework's unit ("ngày") in the page's language ("days" in English)."""
    return unit_in(unit, get_language() or "vi")


@register.filter
def kind(content_type: str) -> str:
    """The sniffed type of an evidence file for people: "PDF", "Word", "Excel"…"""
    return files.label(content_type)


@register.simple_tag
def evidence_limit_mb() -> str:
    """The evidence size limit in megabytes, e.g. "20"."""
    return f"{files.max_bytes() / (1024 * 1024):g}"
