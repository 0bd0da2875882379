"""Importing responses collected by another tool (an e-form service, a call centre) from a
table in the export's shape: every row checked first, nothing written on any error.

Only the online channel is accepted: paper forms count only after double entry in chiso.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.org.columns import Column, Problem, Sheet
from chiso.org.tabular import TableError, read_table
from chiso.surveys import group_answer
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.actions.samples import agency_and_group
from chiso.surveys.answers import clean_answers
from chiso.surveys.models import Campaign, Channel, Questionnaire, Response

FIXED = (
    Column("agency", "Mã cơ quan", "Agency code", required=True),
    Column("group", "Nhóm đối tượng", "Respondent group", required=True),
    Column("channel", "Kênh", "Channel"),
)


@dataclass
class ResponseImport:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@transaction.atomic
def import_responses(
    campaign: Campaign,
    questionnaire: Questionnaire,
    data: bytes,
    *,
    actor: Any,
    filename: str = "",
    lang: str = "vi",
) -> ResponseImport:
    """One response per row: agency code, respondent group, optional channel (``online``)
    and one column per question code (values as keyed on paper: ``4``, ``1,3``, text)."""
    require_reform_office(actor)
    if campaign.status != Campaign.Status.OPEN:
        raise SurveyError(_("This survey is not collecting answers."))
    if not campaign.questionnaires.filter(pk=questionnaire.pk).exists():
        raise SurveyError(_("The questionnaire is not one of the campaign's."))
    spec = questionnaire.spec
    columns = FIXED + tuple(Column(q.code, q.code, q.code) for q in spec.questions())
    try:
        table = read_table(data, filename)
    except TableError as error:
        return ResponseImport([Problem.make(None, "", str(error))])
    sheet = Sheet(table, columns, lang)
    if sheet.problems:
        return ResponseImport(sheet.problems)
    agencies = {a.code: a for a in campaign.agencies.all()}
    now = timezone.now()
    rows: list[Response] = []
    for row in sheet.rows():
        agency, group = agency_and_group(row, agencies)
        channel = row.text("channel", 20) or Channel.ONLINE
        if channel != Channel.ONLINE:
            row.problem(
                "channel", _("only online answers can be imported; paper forms are keyed twice")
            )
        raw = {q.code: str(row.raw(q.code)) for q in spec.questions()}
        answers, errors = clean_answers(spec, raw, require=False)
        if group is not None:  # the group question must not say another (review s7)
            errors |= group_answer.contradictions(spec, group, answers)
        for question_code, message in errors.items():
            row.problem(question_code, message)
        if not answers and not errors:
            row.problem("", _("no answer"))
        if group is not None and not errors:
            # A blank group question takes the row's group, as on the other paths (review s7):
            # filled after the "no answer" check, which it must not satisfy.
            answers, _none = clean_answers(spec, group_answer.fill(spec, group, raw), require=False)
        if agency is not None and group is not None:
            rows.append(
                Response(
                    campaign=campaign,
                    questionnaire=questionnaire,
                    agency=agency,
                    group=group,
                    channel=Channel.ONLINE,
                    token=secrets.token_urlsafe(18),
                    answers=answers,
                    section=len(spec.sections),
                    status=Response.Status.SUBMITTED,
                    submitted_at=now,
                )
            )
    report = ResponseImport(sheet.problems)
    if report.ok:
        Response.objects.bulk_create(rows)
        report.created = len(rows)
        record(
            "surveys.responses.imported",
            actor=actor,
            obj=campaign,
            data={"file": filename, "created": len(rows), "questionnaire": str(questionnaire)},
        )
    return report
