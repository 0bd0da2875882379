"""Steps of a round the office-side page tests start from, done through the actions.

Sở Tư pháp (Lan, Nam) self-assesses 1.1 = 1, 1.2 = 3, 2.1 = 2, 3.1 = 2 with a justification and a
PDF for 1.2, and Nam approves; Minh (appraiser at Sở Nội vụ) is assigned fields 1 and 3 of it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, ItemEntry, Round

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SELF_VALUES = {"1.1": "1", "1.2": "3", "2.1": "2", "3.1": "2"}


def entry(assessment: Assessment, code: str) -> ItemEntry:
    return assessment.entries.get(code=code)


def self_assess(world: Any, stp: Assessment, justification: str = "") -> None:
    """Lan enters :data:`SELF_VALUES` in Sở Tư pháp's assessment (``justification`` may name
    the item as ``{code}``)."""
    for code, value in SELF_VALUES.items():
        a.save_self_assessment(
            stp,
            code,
            value=Decimal(value),
            not_applicable=False,
            justification=justification.format(code=code),
            expected_version=entry(stp, code).version,
            actor=world.lan,
        )


def submitted_stp(world: Any, rnd: Round) -> Assessment:
    """Sở Tư pháp's self-assessment of :data:`SELF_VALUES`, submitted by Lan (not approved)."""
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    self_assess(world, stp)
    a.submit_assessment(stp, actor=world.lan)
    return Assessment.objects.get(pk=stp.pk)


def approved_stp(world: Any, rnd: Round) -> Assessment:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    self_assess(world, stp, "Đã thực hiện mục {code}")
    a.add_evidence(
        stp,
        SimpleUploadedFile("bao-cao-cchc.pdf", PDF, "application/pdf"),
        entry=entry(stp, "1.2"),
        description="Báo cáo năm",
        actor=world.lan,
    )
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    return Assessment.objects.get(pk=stp.pk)


def appraise(world: Any, stp: Assessment, code: str, value: str, **more: Any) -> ItemEntry:
    e = entry(stp, code)
    return a.record_appraisal(
        e,
        2 if stp.status == "appraisal_2" else 1,
        value=Decimal(value),
        comment=more.pop("comment", ""),
        expected_version=e.version,
        actor=world.minh,
        **more,
    )


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
