"""PDF documents rendered from Django templates with WeasyPrint.

Typography follows Decree 30/2020/NĐ-CP (see ``static/reports/pdf.css``): A4, Times New Roman
metrics through the vendored Liberation Serif, so a PDF looks the same on every server whatever
fonts it has. Documents are Vietnamese whatever the user's language (official outputs).
Generation is synchronous: the province report of the demo takes about a second or two.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from chiso.reports import charts
from chiso.reports.data import ProvinceReport, fields_of, province_report, scale_of
from chiso.results.models import AgencyScore, ResultSet
from chiso.results.queries import previous_scores

# WeasyPrint logs every layout step at INFO; chiso's console handler would print them all.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STATIC = Path(__file__).resolve().parent / "static" / "reports"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` in Vietnamese and lay it out as PDF bytes."""
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    with translation.override("vi"):
        html = render_to_string(
            template,
            {
                **context,
                "province_name": settings.PROVINCE_NAME,
                "generated_at": timezone.localtime(),
            },
        )
    return HTML(string=html, base_url=str(STATIC) + "/").write_pdf()


def scorecard_pdf(score: AgencyScore, sets: QuerySet[ResultSet]) -> bytes:
    """One agency's scorecard: totals, last year, fields and criteria, leaders."""
    result_set = score.result_set
    previous = previous_scores(result_set, sets).get(score.agency_id)
    fields = [
        (node, previous.node(node["code"]) if previous else None) for node in fields_of(score)
    ]
    return render_pdf(
        "reports/scorecard.html",
        {
            "score": score,
            "result_set": result_set,
            "previous": previous,
            "change": score.final - previous.final if previous else None,
            "fields": fields,
            "scale": scale_of(result_set),
        },
    )


def province_pdf(report: ProvinceReport) -> bytes:
    """The province's report of one year: means, classes vs last year, rankings, weak fields."""
    for section in report.sections:
        section.index_chart = charts.index_bars(
            [(r["score"].agency.name, r["score"].final) for r in section.rows]
        )
        section.class_chart = charts.class_bars(section.counts, (report.year, report.year - 1))
    return render_pdf("reports/province.html", {"report": report})


def province_pdf_for(year: int, sets: QuerySet[ResultSet]) -> bytes | None:
    report = province_report(year, sets)
    return province_pdf(report) if report else None
