"""Evidence files: sniffed types, size limit, random storage keys, who may add, remove and
download them, and how they come back (always as an attachment)."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from chiso.assessments.actions import (
    AssessmentError,
    StateError,
    add_evidence,
    approve_submission,
    assign_appraiser,
    close_appraisal_1,
    record_appraisal,
    remove_evidence,
    save_adjustment,
    save_self_assessment,
    submit_assessment,
)
from chiso.assessments.evidence import missing_evidence
from chiso.assessments.models import Assessment, Evidence, Round, Stage
from chiso.audit.models import AuditEvent
from tests.conftest import PASSWORD

D = Decimal
HTMX = {"HX-Request": "true"}

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"


def png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def ooxml(main_part: str, *, macros: bool = False) -> bytes:
    """A minimal Word document ("word/document.xml") or other OOXML zip."""
    buffer = io.BytesIO()
    kind = "macroEnabled.main+xml" if macros else "document.main+xml"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main_part}" ContentType="application/'
            f'vnd.ms-word.{kind}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "Báo cáo"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def assessment(world: Any, rnd: Round) -> Assessment:
    return Assessment.objects.get(round=rnd, agency=world.stp)


def client_for(user: Any) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def add(assessment: Assessment, name: str, data: bytes, actor: Any, code: str = "1.2") -> Evidence:
    return add_evidence(
        assessment,
        upload(name, data),
        entry=assessment.entries.get(code=code),
        description="Báo cáo năm",
        actor=actor,
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("bao-cao.pdf", PDF, "application/pdf"),
        ("anh.png", png(), "image/png"),
        (
            "ke-hoach.docx",
            ooxml("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "so-lieu.xlsx",
            xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_allowed_files_are_stored_under_a_random_key_with_their_hash(
    world: Any, assessment: Assessment, _media: Path, name: str, data: bytes, content_type: str
) -> None:
    evidence = add(assessment, name, data, world.lan)
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.stage == Stage.DRAFT and evidence.original_name == name
    assert evidence.storage_key.startswith("evidence/") and name not in evidence.storage_key
    assert (_media / evidence.storage_key).read_bytes() == data
    assert [p.name for p in (_media / "evidence").iterdir()] == [Path(evidence.storage_key).name]
    event = AuditEvent.objects.get(action="assessments.evidence_added")
    assert event.data["name"] == name and event.data["item"] == "1.2"
    assert event.data["sha256"] == evidence.sha256 and event.actor == world.lan


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bao-cao.pdf", EXE),  # a program named .pdf
        ("bao-cao.pdf", png()),  # an image named .pdf
        ("ke-hoach.docx", ooxml("word/document.xml", macros=True)),
        ("tai-lieu.docx", ooxml("other/part.xml")),  # a zip, not a Word document
        ("trong.pdf", b""),
    ],
)
def test_bad_files_are_refused_naming_the_file_and_nothing_is_stored(
    world: Any, assessment: Assessment, _media: Path, name: str, data: bytes
) -> None:
    with pytest.raises(AssessmentError) as refused:
        add(assessment, name, data, world.lan)
    assert name in str(refused.value)
    assert not Evidence.objects.exists()
    assert not (_media / "evidence").exists() or not any((_media / "evidence").iterdir())


def test_a_file_over_the_size_limit_is_refused(
    world: Any, assessment: Assessment, settings: Any
) -> None:
    settings.CHISO_EVIDENCE_MAX_BYTES = 50
    with pytest.raises(AssessmentError) as refused:
        add(assessment, "bao-cao.pdf", PDF, world.lan)
    assert "bao-cao.pdf" in str(refused.value)
    assert not Evidence.objects.exists()


def test_only_lan_adds_item_evidence_and_only_while_drafting(
    world: Any, assessment: Assessment
) -> None:
    for someone in (world.nam, world.tuan, world.minh, world.hanh):
        with pytest.raises(PermissionDenied):
            add(assessment, "bao-cao.pdf", PDF, someone)
    for code, value in {"1.1": D(1), "1.2": D(2), "2.1": D(1), "3.1": D(1)}.items():
        entry = assessment.entries.get(code=code)
        save_self_assessment(
            assessment,
            code,
            value=value,
            not_applicable=False,
            justification="",
            expected_version=entry.version,
            actor=world.lan,
        )
    submit_assessment(assessment, actor=world.lan)
    with pytest.raises(StateError):
        add(assessment, "bao-cao.pdf", PDF, world.lan)


def test_missing_evidence_follows_the_files_and_removal_is_soft_and_audited(
    world: Any, assessment: Assessment, _media: Path
) -> None:
    assert missing_evidence(assessment) == ["1.2"]
    evidence = add(assessment, "bao-cao.pdf", PDF, world.lan)
    assert missing_evidence(assessment) == []
    with pytest.raises(AssessmentError):
        remove_evidence(evidence, reason="  ", actor=world.lan)
    remove_evidence(evidence, reason="Nhầm tệp", actor=world.lan)
    evidence.refresh_from_db()
    assert evidence.removed_at is not None and evidence.removed_by == world.lan
    assert (_media / evidence.storage_key).exists()  # kept for the audit trail
    assert missing_evidence(assessment) == ["1.2"]
    event = AuditEvent.objects.get(action="assessments.evidence_removed")
    assert event.reason == "Nhầm tệp" and event.data["name"] == "bao-cao.pdf"
    with pytest.raises(StateError):
        remove_evidence(evidence, reason="lần nữa", actor=world.lan)


def explaining(world: Any, rnd: Round, assessment: Assessment) -> Evidence:
    """A draft file on 1.2, then submission, approval, 1.2 marked, explanation stage."""
    draft_file = add(assessment, "bao-cao.pdf", PDF, world.lan)
    for code, value in {"1.1": D(1), "1.2": D(2), "2.1": D(1), "3.1": D(1)}.items():
        entry = assessment.entries.get(code=code)
        save_self_assessment(
            assessment,
            code,
            value=value,
            not_applicable=False,
            justification="",
            expected_version=entry.version,
            actor=world.lan,
        )
    submit_assessment(assessment, actor=world.lan)
    approve_submission(assessment, actor=world.nam)
    assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    entry = assessment.entries.get(code="1.2")
    record_appraisal(
        entry,
        1,
        value=D(1),
        comment="Thiếu",
        needs_explanation=True,
        expected_version=entry.version,
        actor=world.minh,
    )
    close_appraisal_1(rnd, actor=world.tuan)
    return draft_file


def test_during_explanation_files_go_only_to_marked_items_and_old_ones_stay(
    world: Any, rnd: Round, assessment: Assessment
) -> None:
    draft_file = explaining(world, rnd, assessment)
    added = add(assessment, "giai-trinh.pdf", PDF, world.lan)
    assert added.stage == Stage.EXPLANATION
    with pytest.raises(StateError):
        add(assessment, "khac.pdf", PDF, world.lan, code="1.1")
    with pytest.raises(StateError) as closed:
        remove_evidence(draft_file, reason="Thay thế", actor=world.lan)
    assert "đã đóng" in str(closed.value) or "closed" in str(closed.value)
    remove_evidence(added, reason="Thay thế", actor=world.lan)


def test_bonus_evidence_is_the_reform_offices_until_finalised(
    world: Any, assessment: Assessment
) -> None:
    bonus = save_adjustment(
        assessment, "T1", count=D(1), note="Sáng kiến", expected_version=0, actor=world.tuan
    )
    with pytest.raises(PermissionDenied):
        add_evidence(
            assessment, upload("qd.pdf", PDF), adjustment=bonus, description="", actor=world.lan
        )
    evidence = add_evidence(
        assessment, upload("qd.pdf", PDF), adjustment=bonus, description="QĐ", actor=world.tuan
    )
    assert evidence.adjustment == bonus and evidence.entry is None


# ---------------------------------------------------------------------------- pages


def test_lan_uploads_on_the_page_and_the_progress_stops_listing_the_item(
    world: Any, assessment: Assessment
) -> None:
    lan = client_for(world.lan)
    page = lan.get(reverse("assessments:assessment", args=[assessment.pk])).content.decode()
    entry = assessment.entries.get(code="1.2")
    assert f'href="#item-{entry.pk}">1.2</a>' in page
    response = lan.post(
        reverse("assessments:upload_evidence", args=[assessment.pk]),
        {"entry": "1.2", "description": "Báo cáo", "file": upload("bao-cao.pdf", PDF)},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "bao-cao.pdf" in html and 'hx-swap-oob="true"' in html
    assert f'href="#item-{entry.pk}">1.2</a>' not in html
    bad = lan.post(
        reverse("assessments:upload_evidence", args=[assessment.pk]),
        {"entry": "1.2", "description": "", "file": upload("virus.pdf", EXE)},
        headers=HTMX,
    ).content.decode()
    assert 'role="alert"' in bad and "virus.pdf" in bad
    assert Evidence.objects.count() == 1


def test_a_download_is_an_attachment_with_its_sniffed_type(
    world: Any, assessment: Assessment
) -> None:
    evidence = add(assessment, "Báo cáo <năm>.pdf", PDF, world.lan)
    response = client_for(world.lan).get(
        reverse("assessments:evidence_download", args=[evidence.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


DOWNLOAD = {"tuan": 200, "lan": 200, "nam": 200, "minh": 404, "hanh": 404, "mai": 404, "khach": 404}


def test_download_upload_and_remove_permission_matrix(
    world: Any, rnd: Round, assessment: Assessment
) -> None:
    evidence = add(assessment, "bao-cao.pdf", PDF, world.lan)
    download = reverse("assessments:evidence_download", args=[evidence.pk])
    upload_url = reverse("assessments:upload_evidence", args=[assessment.pk])
    remove_url = reverse("assessments:remove_evidence", args=[evidence.pk])
    for name, user in world.users.items():
        client = client_for(user)
        assert client.get(download).status_code == DOWNLOAD[name], name
        if name == "lan":
            continue
        posted = client.post(
            upload_url, {"entry": "1.2", "file": upload("x.pdf", PDF)}, headers=HTMX
        ).status_code
        removed = client.post(remove_url, {"reason": "thử"}, headers=HTMX).status_code
        # Who sees the assessment but may not change it gets 403; everyone else 404.
        assert posted == (403 if DOWNLOAD[name] == 200 else 404), name
        assert removed == (403 if DOWNLOAD[name] == 200 else 404), name
    assert Client().get(download).status_code == 302  # to the login page
    assert Evidence.objects.get().removed_at is None  # nobody else could add or remove
    # An appraiser reads the files of the fields assigned to them, not the others.
    assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    assert client_for(world.minh).get(download).status_code == 404
    assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    assert client_for(world.minh).get(download).status_code == 200
