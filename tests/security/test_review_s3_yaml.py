"""Security review (session 3): the questionnaire upload parses YAML with ``yaml.safe_load`` and
then calls ``str()`` on the values it reads (``code``, ``title_en``…). YAML aliases make a
file of a few hundred bytes expand into millions of strings ("billion laughs"): the 10 MB
upload cap does not bound the work. Nine levels (≈430 bytes) take minutes and gigabytes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chiso.surveys.models import Questionnaire


def laughs(levels: int) -> bytes:
    lines = ["a0: &a0 [" + ",".join(['"lol"'] * 10) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    lines.append(f"code: *a{levels - 1}")
    return "\n".join(lines).encode()


def _upload(client: Client, body: bytes) -> tuple[float, int]:
    started = time.monotonic()
    response = client.post(
        reverse("surveys:questionnaire_upload"),
        {"file": SimpleUploadedFile("bang-hoi.yaml", body, "application/yaml")},
    )
    return time.monotonic() - started, response.status_code


def test_a_tiny_yaml_with_nested_aliases_is_refused_without_expanding_it(world: Any) -> None:
    bomb = laughs(7)  # 379 bytes, 10**7 strings once expanded
    plain = ("code: [" + ",".join(['"lol"'] * 60) + "]").encode()  # as small, no alias
    client = Client()
    client.force_login(world.tuan)
    _upload(client, plain)  # templates compiled, caches warm

    baseline, plain_status = _upload(client, plain)
    elapsed, status = _upload(client, bomb)

    assert len(bomb) < 400 and plain_status == status == 400
    assert not Questionnaire.objects.exists()
    assert elapsed < baseline + 0.5, (
        f"a {len(bomb)}-byte upload kept the server busy {elapsed:.1f} s (a plain file of the "
        f"same size: {baseline:.2f} s) expanding YAML aliases"
    )


def test_the_upload_says_why_an_anchor_is_refused(world: Any) -> None:
    client = Client()
    client.force_login(world.tuan)
    body = b"code: &c sipas\ntitle: *c\n"

    response = client.post(
        reverse("surveys:questionnaire_upload"),
        {"file": SimpleUploadedFile("bang-hoi.yaml", body, "application/yaml")},
    )

    assert response.status_code == 400
    assert "không được dùng neo và tham chiếu" in response.content.decode()


def test_a_list_or_mapping_where_a_code_or_title_belongs_is_told_not_a_server_error(
    world: Any,
) -> None:
    from chiso.surveys.actions.questionnaires import read_yaml
    from chiso.surveys.spec import SpecError, parse_questionnaire

    text = """code: [a, b]
version: 1
title: Khảo sát
title_en: {x: 1}
sections:
  - code: {p: 1}
    title: Phần một
    questions:
      - code: [q1]
        type: scale
        text: Anh/chị hài lòng không?
"""
    with pytest.raises(SpecError) as error:
        parse_questionnaire(read_yaml(text))

    assert "Bảng hỏi: «code» phải là một đoạn chữ" in error.value.messages
    assert "Bảng hỏi: «title_en» phải là một đoạn chữ" in error.value.messages
    assert "Phần 1: «code» phải là một đoạn chữ" in error.value.messages
    assert "Phần 1, câu 1: «code» phải là một đoạn chữ" in error.value.messages


def test_a_file_nested_deeper_than_any_questionnaire_is_refused(world: Any) -> None:
    from chiso.surveys.actions.questionnaires import MAX_YAML_DEPTH, read_yaml
    from chiso.surveys.spec import SpecError

    deep = "code: " + "[" * 5000 + "]" * 5000

    with pytest.raises(SpecError) as error:
        read_yaml(deep)

    assert error.value.messages == [
        f"Dòng 1: tệp YAML lồng nhau quá {MAX_YAML_DEPTH} cấp: đây không phải là một bảng hỏi"
    ]
