"""Questionnaires in the browser: versions, YAML upload with precise errors, preview with the
respondents' templates, publishing, download, and wording edits that never touch a published
version."""

from __future__ import annotations

import io
from typing import Any

import pytest
import yaml
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.surveys.models import Questionnaire, Response
from tests.conftest import PASSWORD

SMALL = """\
code: thu-nghiem
version: 1
title: Phiếu thử nghiệm
sections:
  - code: chung
    title: Đánh giá chung
    questions:
      - code: hai_long
        type: scale
        text: Ông/bà hài lòng với cơ quan
      - code: phien_ha
        type: single
        text: Có bị gây phiền hà không?
        options: [Không, Có]
  - code: chi_tiet
    title: Chi tiết
    questions:
      - code: phien_ha_ghi_ro
        type: text
        text: Xin ghi rõ sự việc
        show_if: {question: phien_ha, equals: 2}
      - code: y_kien
        type: text
        required: false
        text: Ý kiến khác
"""


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _upload(client: Client, text: str, name: str = "phieu.yaml") -> Any:
    data = io.BytesIO(text.encode())
    data.name = name
    return client.post("/surveys/questionnaires/upload/", {"file": data})


# Status per persona: list, one version, preview, YAML download.
MATRIX = {
    "tuan": (200, 200, 200, 200),
    "lan": (403, 403, 403, 403),
    "nam": (403, 403, 403, 403),
    "minh": (200, 200, 200, 200),
    "hanh": (200, 200, 200, 200),
    "mai": (200, 200, 200, 200),
    "khach": (403, 403, 403, 403),
}


@pytest.mark.parametrize("name", MATRIX)
def test_who_reads_questionnaires(world: Any, questionnaires: dict[str, Any], name: str) -> None:
    q = questionnaires["sipas-nguoi-dan"]
    client = _client(world.users[name])
    urls = [
        "/surveys/questionnaires/",
        f"/surveys/questionnaires/{q.pk}/",
        f"/surveys/questionnaires/{q.pk}/preview/",
        f"/surveys/questionnaires/{q.pk}.yaml",
    ]
    assert tuple(client.get(u).status_code for u in urls) == MATRIX[name]


@pytest.mark.parametrize("name", [n for n in MATRIX if n != "tuan"])
def test_only_the_reform_office_uploads_publishes_or_edits(world: Any, name: str) -> None:
    client = _client(world.users[name])
    assert _upload(client, SMALL).status_code == 403
    q = Questionnaire.objects.create(
        code="x", version=1, title="X", definition=yaml.safe_load(SMALL)
    )
    assert client.post(f"/surveys/questionnaires/{q.pk}/publish/").status_code == 403
    assert client.get(f"/surveys/questionnaires/{q.pk}/edit/").status_code == 403
    assert client.post(f"/surveys/questionnaires/{q.pk}/edit/", {"title": "Y"}).status_code == 403
    q.refresh_from_db()
    assert q.status == "draft" and q.title == "X"
    assert Questionnaire.objects.count() == 1
    page = client.get("/surveys/questionnaires/")
    assert page.status_code == 403 or "/surveys/questionnaires/upload/" not in page.content.decode()


def test_the_list_shows_every_version_with_its_status(
    world: Any, questionnaires: dict[str, Any]
) -> None:
    body = _client(world.hanh).get("/surveys/questionnaires/").content.decode()
    assert "sipas-nguoi-dan" in body and "lanh-dao-cchc" in body
    assert body.count("đã công bố") >= 2


def test_an_upload_becomes_a_draft_that_can_be_previewed_and_published(world: Any) -> None:
    client = _client(world.tuan)
    response = _upload(client, SMALL)
    q = Questionnaire.objects.get(code="thu-nghiem")
    assert (
        response.status_code == 302 and response["Location"] == f"/surveys/questionnaires/{q.pk}/"
    )
    assert q.status == "draft" and q.version == 1
    assert AuditEvent.objects.filter(action="surveys.questionnaire.created").count() == 1
    detail = client.get(f"/surveys/questionnaires/{q.pk}/").content.decode()
    assert "Ông/bà hài lòng với cơ quan" in detail and "Công bố phiên bản này" in detail
    client.post(f"/surveys/questionnaires/{q.pk}/publish/")
    q.refresh_from_db()
    assert q.status == "published" and q.published_at is not None
    assert AuditEvent.objects.filter(action="surveys.questionnaire.published").exists()


def test_a_bad_file_lists_every_problem_with_its_line_and_stores_nothing(world: Any) -> None:
    bad = SMALL.replace("type: single", "type: chon").replace(
        "{question: phien_ha, equals: 2}", "{question: khong_co, equals: 2}"
    )
    response = _upload(_client(world.tuan), bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Dòng 11: Câu hỏi «phien_ha»" in body
    assert "Dòng 18: Câu hỏi «phien_ha_ghi_ro»: điều kiện dựa vào câu hỏi «khong_co»" in body
    assert not Questionnaire.objects.exists()


def test_a_yaml_syntax_error_names_its_line(world: Any) -> None:
    response = _upload(_client(world.tuan), SMALL.replace("title: Chi tiết", "title: [Chi tiết"))
    assert response.status_code == 400
    assert "Tệp YAML không đọc được (dòng" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_a_file_that_is_not_text_is_refused(world: Any) -> None:
    response = _upload(_client(world.tuan), "PK\x03\x04\x00\x00binary", name="phieu.yaml")
    assert response.status_code == 400 and not Questionnaire.objects.exists()


def test_uploading_over_a_published_version_makes_a_new_version(
    world: Any, questionnaires: dict[str, Any]
) -> None:
    sipas = questionnaires["sipas-nguoi-dan"]
    before = dict(sipas.definition)
    changed = sipas.definition | {"title": "Phiếu mới"}
    client = _client(world.tuan)
    response = client.post(
        "/surveys/questionnaires/upload/",
        {"file": _named(yaml.safe_dump(changed, allow_unicode=True))},
        follow=True,
    )
    assert "đã công bố và không bao giờ thay đổi: tệp được lưu thành bản nháp phiên bản 2" in (
        response.content.decode()
    )
    sipas.refresh_from_db()
    assert sipas.definition == before and sipas.title != "Phiếu mới"
    new = Questionnaire.objects.get(code="sipas-nguoi-dan", version=2)
    assert new.status == "draft" and new.title == "Phiếu mới" and new.spec.version == 2


def _named(text: str) -> io.BytesIO:
    data = io.BytesIO(text.encode())
    data.name = "phieu.yaml"
    return data


def test_editing_the_wording_of_a_published_version_makes_a_new_version(
    world: Any, questionnaires: dict[str, Any]
) -> None:
    q = questionnaires["lanh-dao-cchc"]
    client = _client(world.tuan)
    form = client.get(f"/surveys/questionnaires/{q.pk}/edit/")
    assert "Lưu thành phiên bản mới" in form.content.decode()
    data: dict[str, str] = {"title": q.title, "intro": q.spec.intro}
    for i, section in enumerate(q.spec.sections):
        data[f"s{i}"] = section.title
        for question in section.questions:
            data[f"q_{question.code}"] = question.text
    data["q_cd_quyet_liet"] = "Người đứng đầu sát sao với cải cách hành chính"
    response = client.post(f"/surveys/questionnaires/{q.pk}/edit/", data)
    new = Questionnaire.objects.get(code="lanh-dao-cchc", version=2)
    assert response["Location"] == f"/surveys/questionnaires/{new.pk}/"
    assert new.status == "draft"
    assert _text(new, "cd_quyet_liet") == "Người đứng đầu sát sao với cải cách hành chính"
    assert _text(q, "cd_quyet_liet").startswith("Người đứng đầu quan tâm")
    # an empty question text is refused, naming the question, and nothing changes
    data["q_cd_ke_hoach"] = ""
    bad = client.post(f"/surveys/questionnaires/{new.pk}/edit/", data)
    assert bad.status_code == 400 and "Câu hỏi «cd_ke_hoach»" in bad.content.decode()
    assert Questionnaire.objects.filter(code="lanh-dao-cchc").count() == 2


def _text(q: Questionnaire, code: str) -> str:
    """A question's text as stored in the database now."""
    definition = Questionnaire.objects.get(pk=q.pk).definition
    return next(
        x["text"] for s in definition["sections"] for x in s["questions"] if x["code"] == code
    )


def test_the_yaml_download_loads_back_to_the_same_questionnaire(
    world: Any, questionnaires: dict[str, Any]
) -> None:
    q = questionnaires["sipas-nguoi-dan"]
    response = _client(world.mai).get(f"/surveys/questionnaires/{q.pk}.yaml")
    assert response["Content-Disposition"] == 'attachment; filename="sipas-nguoi-dan-v1.yaml"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert yaml.safe_load(response.content.decode()) == q.definition


def test_the_preview_shows_the_form_as_respondents_see_it_and_saves_nothing(world: Any) -> None:
    client = _client(world.tuan)
    _upload(client, SMALL)
    q = Questionnaire.objects.get(code="thu-nghiem")
    url = f"/surveys/questionnaires/{q.pk}/preview/"
    first = client.get(url).content.decode()
    assert "Phần 1 / 2" in first and "Xem trước" in first
    assert "Ông/bà hài lòng với cơ quan" in first and "Rất hài lòng" in first
    # the public form's own checks: a required question left empty
    missing = client.post(url, {"section": "0", "hai_long": "4"})
    assert missing.status_code == 400 and "chưa trả lời" in missing.content.decode()
    # "harassed: yes" makes the next part ask for details, as for a respondent
    assert client.post(url, {"section": "0", "hai_long": "4", "phien_ha": "2"}).status_code == 302
    second = client.get(f"{url}?phan=2").content.decode()
    assert "Xin ghi rõ sự việc" in second
    assert client.post(url, {"section": "1", "phien_ha_ghi_ro": "Chờ lâu"}).status_code == 302
    end = client.get(f"{url}?phan=3").content.decode()
    assert "Hết phần xem trước" in end
    assert not Response.objects.exists()
