"""``POST /api/dossiers/batch``: a one-stop system pushes dossiers in the DVCQG vocabulary;
``GET /api/dossiers/petitions``: the petitions (PAKN) of a period per agency, in the caller's
scope, as on the page ``/dossiers/petitions/``.

Token-authenticated like the rest of the API (``Authorization: Bearer <token>``). The push's
body is ``{"dossiers": [ {MaHoSo, MaTTHC, DonViXuLy, …}, … ]}`` (at most 5 000 per call), the same
records as a JSON Lines file (docs/dossiers.md). Re-sending updates; bad records are reported
by position and quarantined, good ones kept.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.api.common import Num, opt_num
from chiso.api.errors import DENIED, Error, Invalid
from chiso.dossiers import petition_summary
from chiso.dossiers.ingest import push_batch
from chiso.dossiers.periods import PeriodInputError, parse_user_period
from chiso.dossiers.petition_summary import PetitionLine
from chiso.dossiers.scorecard import parse_period
from chiso.dossiers.workcalendar import FIRST_YEAR, LAST_YEAR

router = Router(tags=["dossiers"])
MAX_BATCH = 5000
# The canonical periods of chiso.dossiers.scorecard.parse_period in the years of the working
# calendar, as published in the schema. The operation itself checks the value with the page's
# rules (chiso.dossiers.periods), so that a year outside the calendar gets the page's message.
PERIOD = (
    rf"^(({'|'.join(str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1))})"
    r"(-(Q[1-4]|0[1-9]|1[0-2]))?)?$"
)


class BatchIn(Schema):
    dossiers: list[dict[str, Any]] = Field(
        max_length=MAX_BATCH, description="Dossier records in the DVCQG sync vocabulary"
    )


class RecordProblem(Schema):
    index: int = Field(description="Position of the record in the batch, from 0")
    code: str = Field(description="Its MaHoSo, if any")
    problems: list[str]


class BatchOut(Schema):
    accepted: int
    quarantined: int
    problems: list[RecordProblem]


@router.post(
    "/dossiers/batch",
    operation_id="push_dossiers",
    # 400: a body that is not JSON at all (django-ninja answers before the operation runs).
    response={200: BatchOut, 400: Error, **DENIED, 409: Error, 422: Invalid},
    summary="Push a batch of dossiers from a one-stop system",
)
def push_dossiers(request: HttpRequest, body: BatchIn) -> Any:
    """409 when a concurrent push created the same new dossiers first (the unique MaHoSo):
    nothing of this batch was written, and sending it again updates them."""
    try:
        report = push_batch(body.dossiers, actor=request.user)
    except IntegrityError:
        return Status(
            409,
            {
                "detail": _(
                    "Another push wrote the same dossiers at the same time; nothing was saved, "
                    "send the batch again."
                )
            },
        )
    return {
        "accepted": report.accepted,
        "quarantined": len(report.problems),
        "problems": report.problems,
    }


class PetitionFilters(Schema):
    period: str = Field(
        "",
        max_length=40,
        # Documented, not enforced by the schema validation: list_petitions answers a refused
        # period with the page's message.
        json_schema_extra={"pattern": PERIOD},
        description="A year (2024), a quarter (2024-Q4) or a month (2024-11) from "
        f"{FIRST_YEAR} to {LAST_YEAR}; empty: the latest year with a petition",
    )
    agency: str = Field(
        "",
        max_length=40,
        pattern=r"^[-a-zA-Z0-9_]*$",
        description="Only this agency (its code); one you may not see, or that does not exist, "
        "gives no line. Empty: every agency you may see",
    )


class PetitionLineOut(Schema):
    agency: str | None = Field(description="Agency code; null on the total line")
    agency_name: str | None
    received: int
    answered: int = Field(description="Answered by the period's end (or now)")
    answered_on_time: int = Field(description="Answered by their due date")
    overdue: int = Field(description="Not answered at the period's end and past due")
    rated: int = Field(description="Answered by the period's end (or now) and rated")
    satisfied: int = Field(description="Of those, rated 4 or 5")
    on_time_rate: Num | None = Field(
        description="766 index 5.2, percent, as the score card; null on an empty total"
    )
    satisfaction_rate: Num | None = Field(
        description="766 index 5.3, percent, as the score card (every rating known now); null "
        "on an empty total"
    )


class PetitionsOut(Schema):
    period: str
    first_day: datetime.date
    last_day: datetime.date
    agencies: list[PetitionLineOut]
    total: PetitionLineOut


def _line_out(line: PetitionLine, *, empty_total: bool = False) -> dict[str, Any]:
    """``empty_total``: the total of no line at all, whose rates are null rather than the score
    card's 100 % for a unit without petitions (a listing of nothing has no score)."""
    return {
        "agency": line.agency.code if line.agency else None,
        "agency_name": line.agency.name if line.agency else None,
        "received": line.received,
        "answered": line.answered,
        "answered_on_time": line.answered_on_time,
        "overdue": line.overdue,
        "rated": line.rated,
        "satisfied": line.satisfied,
        "on_time_rate": None if empty_total else opt_num(line.on_time_rate),
        "satisfaction_rate": None if empty_total else opt_num(line.satisfaction_rate),
    }


@router.get(
    "/dossiers/petitions",
    operation_id="list_petitions",
    response={200: PetitionsOut, **DENIED, 422: Invalid},
    summary="Petitions (PAKN) received in a period, per agency",
)
def list_petitions(request: HttpRequest, filters: Query[PetitionFilters]) -> Any:
    """Counts per agency that received a petition in the period, and their total, in the
    caller's scope as on the petitions page. 422 for a year outside the working calendar, with
    the page's message; the total's rates are null when there is no line."""
    user = request.user
    if not (
        scope.sees_whole_province(user)
        or scope.has_role(user, Role.FOCAL_OFFICER, Role.AGENCY_LEADER)
    ):
        raise PermissionDenied
    if filters.period:
        try:
            period = parse_user_period(filters.period)
        except PeriodInputError as error:
            message = str(error)
            problem = {"loc": ["query", "period"], "msg": message, "type": "value_error"}
            return Status(422, {"detail": message, "errors": [problem]})
    else:
        period = parse_period(str(petition_summary.default_year()))
    agencies = scope.visible_agencies(user)
    if filters.agency:
        agencies = agencies.filter(code=filters.agency)
    lines, total = petition_summary.summarise(agencies, period)
    return {
        "period": period.label,
        "first_day": period.first,
        "last_day": period.last,
        "agencies": [_line_out(line) for line in lines],
        "total": _line_out(total, empty_total=not lines),
    }
