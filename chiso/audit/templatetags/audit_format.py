"""Filters for audit rows on pages: the action in words (the same words as the XLSX export)."""

from __future__ import annotations

from django import template

from chiso.audit.exporting import action_label as label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """ "assessments.item.self_assessed" → "Tự đánh giá mục"; unknown codes as stored."""
    return label(code)
