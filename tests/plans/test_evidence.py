"""Evidence of progress: the type is sniffed from the bytes, and it is always downloaded."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chiso.plans.models import ProgressNote
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_a_pdf_is_kept_under_a_random_name_and_served_as_an_attachment(
    world: Any, plans: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    lan = client_for(world.lan)
    response = lan.post(
        reverse("plans:progress", args=[plans.stp_task.pk]),
        {
            "text": "Đã ban hành",
            "percent": 80,
            "evidence": SimpleUploadedFile("quyet-dinh.pdf", PDF, "text/html"),
        },
    )
    assert response.status_code == 302
    note = ProgressNote.objects.get(task=plans.stp_task)
    assert note.evidence_type == "application/pdf" and note.evidence_name == "quyet-dinh.pdf"
    assert "quyet-dinh" not in note.evidence.name
    download = client_for(world.hanh).get(reverse("plans:evidence", args=[note.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    # Sở Xây dựng's users would get 404; Mai sees no task at all
    assert client_for(world.mai).get(reverse("plans:evidence", args=[note.pk])).status_code == 404


def test_an_html_file_passed_off_as_a_pdf_is_refused_and_nothing_changes(
    world: Any, plans: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = client_for(world.lan).post(
        reverse("plans:progress", args=[plans.stp_task.pk]),
        {
            "text": "x",
            "percent": 50,
            "evidence": SimpleUploadedFile("a.pdf", b"<html><script>", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert (
        "Minh chứng phải là tệp PDF, ảnh (PNG, JPEG) hoặc tệp Word/Excel."
        in response.content.decode()
    )
    plans.stp_task.refresh_from_db()
    assert plans.stp_task.progress == 0
    assert not ProgressNote.objects.exists()
