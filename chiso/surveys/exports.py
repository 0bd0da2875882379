"""Exporting a campaign's responses: one row per response, answers by question code, and (in
XLSX) a codebook sheet. No contact data and no form numbers, so a file cannot be joined back
to the people invited."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from chiso.org.tabular import FORMATS, write_table
from chiso.surveys.answers import format_answer
from chiso.surveys.models import Campaign, Response
from chiso.surveys.spec import SCALE_LABELS

FIXED = [
    "Mã phiếu trả lời",
    "Bảng hỏi",
    "Mã cơ quan",
    "Nhóm đối tượng",
    "Kênh",
    "Đường dẫn mở",
    "Ngày gửi",
    "Bị loại",
    "Lý do loại",
]


def _questions(campaign: Campaign) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for q in campaign.questionnaires.order_by("pk"):
        for question in q.spec.questions():
            if question.code not in seen:
                seen.add(question.code)
                out.append((f"{q.code} v{q.version}", question))
    return out


def response_rows(campaign: Campaign) -> tuple[list[str], list[list[Any]]]:
    questions = _questions(campaign)
    headers = FIXED + [q.code for _form, q in questions]
    rows = []
    responses = (
        campaign.responses.filter(status=Response.Status.SUBMITTED)
        .select_related("agency", "questionnaire")
        .order_by("pk")
    )
    for r in responses:
        assert r.submitted_at is not None
        rows.append(
            [
                r.pk,
                f"{r.questionnaire.code} v{r.questionnaire.version}",
                r.agency.code,
                r.group,
                r.channel,
                "có" if r.open_link else "",
                r.submitted_at.date(),
                "có" if r.excluded else "",
                r.exclusion_reason,
            ]
            + [format_answer(r.answers.get(q.code)) for _form, q in questions]
        )
    return headers, rows


def codebook_rows(campaign: Campaign) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for form, q in _questions(campaign):
        if q.type == "scale":
            values = "; ".join(f"{v} = {SCALE_LABELS[v][0]}" for v in (1, 2, 3, 4, 5, 0))
        else:
            values = "; ".join(f"{o.value} = {o.text}" for o in q.options)
        condition = ""
        if q.show_if is not None:
            condition = f"{q.show_if.question} ∈ {list(q.show_if.values)}"
        rows.append([q.code, form, q.type, q.text, values, condition])
    return rows


def export_responses(campaign: Campaign, fmt: str) -> tuple[bytes, str]:
    """(file bytes, content type) of the campaign's submitted responses as XLSX or CSV."""
    headers, rows = response_rows(campaign)
    if fmt == "csv":
        return write_table(headers, rows, "csv"), FORMATS["csv"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Phiếu trả lời"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_cells in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row_cells:
            cell.number_format = "DD/MM/YYYY"
    codebook = book.create_sheet("Mã hóa")
    codebook.append(["Mã câu hỏi", "Bảng hỏi", "Loại", "Nội dung", "Giá trị", "Chỉ hỏi khi"])
    for row in codebook_rows(campaign):
        codebook.append(row)
    for cell in codebook[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), FORMATS["xlsx"]
