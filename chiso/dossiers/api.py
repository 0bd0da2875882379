"""``POST /api/dossiers/batch``: a one-stop system pushes dossiers in the DVCQG vocabulary.

Token-authenticated like the rest of the API (``Authorization: Bearer <token>``). The body is
``{"dossiers": [ {MaHoSo, MaTTHC, DonViXuLy, …}, … ]}`` (at most 5 000 per call), the same
records as a JSON Lines file (docs/dossiers.md). Re-sending updates; bad records are reported
by position and quarantined, good ones kept.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from chiso.api.errors import DENIED, Error, Invalid
from chiso.dossiers.ingest import push_batch

router = Router(tags=["dossiers"])
MAX_BATCH = 5000


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
