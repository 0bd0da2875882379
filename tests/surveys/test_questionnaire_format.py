"""Questionnaires as YAML: the shipped templates load; mistakes are named in Vietnamese."""

from __future__ import annotations

from typing import Any

import pytest

from chiso.surveys.spec import SpecError, parse_questionnaire


def _doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": "thu",
        "version": 1,
        "title": "Phiếu thử",
        "fact": "sipas",
        "sections": [
            {
                "code": "a",
                "title": "Phần A",
                "fact": "sipas.tiep_can",
                "questions": [
                    {"code": "q1", "type": "scale", "text": "Hài lòng?"},
                    {
                        "code": "q2",
                        "type": "single",
                        "text": "Có gặp phiền hà?",
                        "options": ["Không", "Có"],
                    },
                    {
                        "code": "q3",
                        "type": "text",
                        "text": "Kể lại",
                        "show_if": {"question": "q2", "equals": 2},
                    },
                ],
            }
        ],
    }
    doc.update(overrides)
    return doc


def test_the_shipped_templates_are_published_with_their_five_and_six_elements(
    questionnaires: dict[str, Any],
) -> None:
    sipas = questionnaires["sipas-nguoi-dan"]
    leaders = questionnaires["lanh-dao-cchc"]
    assert sipas.status == leaders.status == "published"
    assert [s.fact for s in sipas.spec.sections if s.fact] == [
        "sipas.tiep_can",
        "sipas.thu_tuc",
        "sipas.cong_chuc",
        "sipas.ket_qua",
        "sipas.gop_y",
    ]
    assert len([s for s in leaders.spec.sections if s.fact]) == 6
    assert sipas.spec.question("tc_thong_tin").text_en.startswith("Guidance")


def test_a_condition_shows_a_question_only_for_the_chosen_answer() -> None:
    q = parse_questionnaire(_doc())
    follow_up = q.question("q3")
    assert follow_up is not None
    assert follow_up.asked({"q2": 2}) and not follow_up.asked({"q2": 1})


def test_every_mistake_is_reported_naming_the_question() -> None:
    doc = _doc()
    questions = doc["sections"][0]["questions"]
    questions[1]["options"] = ["Chỉ một"]
    questions[2]["show_if"] = {"question": "q9", "equals": 1}
    questions.append({"code": "q1", "type": "slider", "text": "?"})
    with pytest.raises(SpecError) as error:
        parse_questionnaire(doc, known_facts={"sipas"})
    assert error.value.messages == [
        "Câu hỏi «q2»: cần ít nhất 2 phương án trả lời («options»)",
        "Câu hỏi «q3»: điều kiện dựa vào câu hỏi «q9» không có ở phía trước câu hỏi này",
        "Câu hỏi «q1»: mã câu hỏi bị trùng",
        "Câu hỏi «q1»: loại «slider» không hợp lệ (chọn một trong: scale, single, multiple, "
        "priority, number, text)",
        "Tên dữ liệu «survey.sipas.tiep_can» chưa có trong danh mục dữ liệu "
        "(chiso/frameworks/facts.py)",
    ]


def test_a_published_version_cannot_be_changed(world: Any, questionnaires: dict[str, Any]) -> None:
    from chiso.surveys.actions import SurveyError, load_questionnaire
    from chiso.surveys.actions.questionnaires import DATA_DIR

    text = (DATA_DIR / "lanh-dao-cchc.yaml").read_text("utf-8").replace("Văn bản", "VB")
    with pytest.raises(SurveyError, match="đã công bố, không sửa được"):
        load_questionnaire(text, actor=world.tuan)
    changed = load_questionnaire(text.replace("version: 1", "version: 2"), actor=world.tuan)
    assert changed.status == "draft" and changed.version == 2
    assert questionnaires["lanh-dao-cchc"].spec.sections[1].title == "Văn bản quy phạm pháp luật"


def test_only_the_reform_office_loads_questionnaires(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from chiso.surveys.actions import load_questionnaire
    from chiso.surveys.actions.questionnaires import DATA_DIR

    with pytest.raises(PermissionDenied):
        load_questionnaire((DATA_DIR / "lanh-dao-cchc.yaml").read_text("utf-8"), actor=world.lan)


def test_an_unquoted_comma_in_an_option_is_caught() -> None:
    import yaml

    doc = _doc()
    doc["sections"][0]["questions"][1]["options"] = yaml.safe_load(
        "[{value: 1, text: Giảm giấy tờ, đơn giản thủ tục}, {value: 2, text: Khác}]"
    )
    with pytest.raises(SpecError) as error:
        parse_questionnaire(doc)
    assert error.value.messages == [
        "Câu hỏi «q2», phương án 1: khóa lạ ['đơn giản thủ tục'] (văn bản có dấu phẩy phải "
        "đặt trong ngoặc kép)"
    ]
