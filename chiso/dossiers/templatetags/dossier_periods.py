"""``{{ period|human_period }}``: a period as people read it (``chiso.dossiers.periods.display``).

Takes a :class:`chiso.dossiers.scorecard.Period` or its canonical label; links and hidden form
fields keep the canonical ``period.label``.
"""

from __future__ import annotations

from typing import Any

from django import template

from chiso.dossiers.periods import display

register = template.Library()


@register.filter
def human_period(period: Any) -> str:
    return display(str(getattr(period, "label", period)))
