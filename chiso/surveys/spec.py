"""Questionnaires as data: the structure a YAML file describes, checked before it is stored.

A questionnaire has sections; a section has questions. Question types:

- ``scale``: the 5-level satisfaction scale (1 very dissatisfied … 5 very satisfied) plus 0 for
  "no opinion" (sipas.md §2: "Rất không hài lòng / Không hài lòng / Bình thường / Hài lòng /
  Rất hài lòng");
- ``single`` / ``multiple``: choice among numbered options;
- ``priority``: "what should improve first", a multiple choice with at most ``max_choices``;
- ``number`` (integer, optional ``min``/``max``) and ``text`` (short text).

A question may carry ``show_if: {question: CODE, equals: VALUE}`` (or ``in: [..]``): it is
asked only when that earlier question got that answer. A section or the questionnaire may name
the ``fact`` its index feeds (``survey.<fact>``, see chiso/frameworks/facts.py). Messages are
Vietnamese and name the question, because the people who write these files are Vietnamese
officials. No Django import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NO_OPINION",
    "QUESTION_TYPES",
    "SCALE_LABELS",
    "Condition",
    "Option",
    "Question",
    "Questionnaire",
    "Section",
    "SpecError",
    "parse_questionnaire",
]

QUESTION_TYPES = ("scale", "single", "multiple", "priority", "number", "text")
NO_OPINION = 0
# Value → (Vietnamese, English); 4 and 5 count as satisfied.
SCALE_LABELS: dict[int, tuple[str, str]] = {
    1: ("Rất không hài lòng", "Very dissatisfied"),
    2: ("Không hài lòng", "Dissatisfied"),
    3: ("Bình thường", "Neutral"),
    4: ("Hài lòng", "Satisfied"),
    5: ("Rất hài lòng", "Very satisfied"),
    NO_OPINION: ("Không có ý kiến", "No opinion"),
}
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FACT_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
TEXT_MAX = 500
OPTION_KEYS = frozenset({"value", "text", "text_en", "group"})
# The respondent groups an option may stand for (chiso.surveys.models.Group; no Django here).
GROUP_CODES = (
    "citizen",
    "organisation",
    "council_delegate",
    "agency_leader",
    "commune_leader",
    "civil_servant",
)
QUESTION_KEYS = frozenset(
    {"code", "type", "text", "text_en", "required", "options", "max_choices", "min", "max"}
    | {"show_if", "fact"}
)


class SpecError(Exception):
    """The file is not a valid questionnaire; ``messages`` lists every problem (Vietnamese)."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Option:
    """One answer. ``group``: the respondent group this answer means (a question such as "you
    answer as: individual / organisation"), so that a respondent whose group is already known
    is not asked it again."""

    value: int
    text: str
    text_en: str = ""
    group: str = ""


@dataclass(frozen=True)
class Condition:
    question: str
    values: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        given = answers.get(self.question)
        if isinstance(given, list):
            return any(v in given for v in self.values)
        return given in self.values


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    text: str
    text_en: str = ""
    required: bool = True
    options: tuple[Option, ...] = ()
    max_choices: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    show_if: Condition | None = None
    fact: str = ""

    def option_values(self) -> tuple[int, ...]:
        if self.type == "scale":
            return (1, 2, 3, 4, 5, NO_OPINION)
        return tuple(o.value for o in self.options)

    def asked(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)

    def answer_for_group(self, group: str) -> int | None:
        """The option that says ``group``, when this question asks the respondent's group."""
        return next((o.value for o in self.options if group and o.group == group), None)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    title_en: str = ""
    fact: str = ""  # the element index of this section feeds survey.<fact>
    questions: tuple[Question, ...] = ()

    @property
    def scale_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.type == "scale")


@dataclass(frozen=True)
class Questionnaire:
    code: str
    version: int
    title: str
    title_en: str = ""
    intro: str = ""
    intro_en: str = ""
    fact: str = ""  # the overall index (mean of element indices) feeds survey.<fact>
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions() if q.code == code), None)

    def facts(self) -> list[str]:
        names = [self.fact] if self.fact else []
        names += [s.fact for s in self.sections if s.fact]
        names += [q.fact for q in self.questions() if q.fact]
        return names


def _text(raw: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: thiếu nội dung «{key}»")
        return ""
    return value.strip()


def _word(raw: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    """An optional piece of text (a code, an English title, a fact name): "" when absent.
    Anything but text (or a whole number, for codes like ``2024``) is a problem, so a list or
    a mapping written where a word belongs is told, not turned into its Python repr."""
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    problems.append(f"{where}: «{key}» phải là một đoạn chữ")
    return ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _options(raw: Any, where: str, problems: list[str]) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append(f"{where}: cần ít nhất 2 phương án trả lời («options»)")
        return ()
    out: list[Option] = []
    for i, item in enumerate(raw, start=1):
        if isinstance(item, str):
            out.append(Option(i, item.strip()))
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            # An unquoted comma in a flow mapping ({text: A, B}) silently makes a key "B".
            extra = sorted(str(k) for k in item if k not in OPTION_KEYS)
            if extra:
                problems.append(
                    f"{where}, phương án {i}: khóa lạ {extra} (văn bản có dấu phẩy phải đặt "
                    "trong ngoặc kép)"
                )
            value = _int(item.get("value", i))
            if value is None or value < 1:
                problems.append(f"{where}, phương án {i}: «value» phải là số nguyên dương")
                continue
            text_en = _word(item, "text_en", f"{where}, phương án {i}", problems)
            group = _word(item, "group", f"{where}, phương án {i}", problems)
            if group and group not in GROUP_CODES:
                problems.append(
                    f"{where}, phương án {i}: «group» phải là một trong {', '.join(GROUP_CODES)}"
                )
                group = ""
            out.append(Option(value, item["text"].strip(), text_en, group))
        else:
            problems.append(f"{where}, phương án {i}: phải là một đoạn chữ hoặc có «text»")
    values = [o.value for o in out]
    if len(set(values)) != len(values):
        problems.append(f"{where}: hai phương án trùng số thứ tự")
    return tuple(out)


def _condition(raw: Any, where: str, earlier: dict[str, Question], problems: list[str]) -> Any:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("question"), str):
        problems.append(f"{where}: «show_if» cần «question» và «equals» hoặc «in»")
        return None
    target = earlier.get(raw["question"])
    if target is None:
        problems.append(
            f"{where}: điều kiện dựa vào câu hỏi «{raw['question']}» "
            "không có ở phía trước câu hỏi này"
        )
        return None
    values = tuple(raw["in"]) if isinstance(raw.get("in"), list) else (raw.get("equals"),)
    allowed = target.option_values()
    if allowed and any(v not in allowed for v in values):
        problems.append(
            f"{where}: giá trị điều kiện {list(values)} không phải phương án của "
            f"câu hỏi «{target.code}»"
        )
    return Condition(target.code, values)


def _question(
    raw: Any, where: str, earlier: dict[str, Question], problems: list[str]
) -> Question | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: phải là một câu hỏi có «code», «type», «text»")
        return None
    code = _word(raw, "code", where, problems)
    where = f"Câu hỏi «{code}»" if code else where
    extra = sorted(str(k) for k in raw if k not in QUESTION_KEYS)
    if extra:
        problems.append(f"{where}: khóa lạ {extra}")
    if not CODE_RE.match(code):
        problems.append(f"{where}: mã câu hỏi phải gồm chữ thường không dấu, số và «_»")
    elif code in earlier:
        problems.append(f"{where}: mã câu hỏi bị trùng")
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        problems.append(
            f"{where}: loại «{qtype}» không hợp lệ (chọn một trong: {', '.join(QUESTION_TYPES)})"
        )
        return None
    text = _text(raw, "text", where, problems)
    options: tuple[Option, ...] = ()
    if qtype in ("single", "multiple", "priority"):
        options = _options(raw.get("options"), where, problems)
    elif "options" in raw:
        problems.append(f"{where}: câu hỏi loại «{qtype}» không có «options»")
    max_choices = _int(raw.get("max_choices"))
    if qtype == "priority":
        if max_choices is None or not 1 <= max_choices <= max(len(options), 1):
            problems.append(f"{where}: «max_choices» phải từ 1 đến số phương án")
    minimum, maximum = _int(raw.get("min")), _int(raw.get("max"))
    if minimum is not None and maximum is not None and minimum > maximum:
        problems.append(f"{where}: «min» lớn hơn «max»")
    fact = _word(raw, "fact", where, problems)
    if fact and (qtype != "scale" or not FACT_RE.match(fact)):
        problems.append(f"{where}: chỉ câu hỏi thang hài lòng mới có «fact» (dạng a.b)")
    return Question(
        code=code,
        type=qtype,
        text=text,
        text_en=_word(raw, "text_en", where, problems),
        required=bool(raw.get("required", True)),
        options=options,
        max_choices=max_choices,
        minimum=minimum,
        maximum=maximum,
        show_if=_condition(raw.get("show_if"), where, earlier, problems),
        fact=fact,
    )


def parse_questionnaire(
    data: Any, known_facts: frozenset[str] | set[str] | None = None
) -> Questionnaire:
    """Check a parsed YAML document and return the questionnaire, or raise :class:`SpecError`
    with every problem found. ``known_facts`` (names without the ``survey.`` prefix) catches a
    misspelt fact name."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise SpecError(["Tệp không phải là một bảng hỏi (cần «code», «version», «sections»)"])
    code = _word(data, "code", "Bảng hỏi", problems)
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", code):
        problems.append("Bảng hỏi: «code» phải gồm chữ thường không dấu, số và «-»")
    version = _int(data.get("version"))
    if version is None or version < 1:
        problems.append("Bảng hỏi: «version» phải là số nguyên từ 1")
    title = _text(data, "title", "Bảng hỏi", problems)
    earlier: dict[str, Question] = {}
    sections: list[Section] = []
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append("Bảng hỏi: cần ít nhất một phần («sections»)")
        raw_sections = []
    section_codes: set[str] = set()
    for i, raw in enumerate(raw_sections, start=1):
        where = f"Phần {i}"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: phải có «code», «title», «questions»")
            continue
        scode = _word(raw, "code", where, problems)
        if not CODE_RE.match(scode) or scode in section_codes:
            problems.append(f"{where}: mã phần «{scode}» không hợp lệ hoặc bị trùng")
        section_codes.add(scode)
        questions: list[Question] = []
        raw_questions = raw.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            problems.append(f"{where}: cần ít nhất một câu hỏi")
            raw_questions = []
        for j, rq in enumerate(raw_questions, start=1):
            question = _question(rq, f"{where}, câu {j}", earlier, problems)
            if question is not None:
                questions.append(question)
                earlier[question.code] = question
        fact = _word(raw, "fact", where, problems)
        if fact and not any(q.type == "scale" for q in questions):
            problems.append(f"{where}: phần có «fact» phải có câu hỏi thang hài lòng")
        sections.append(
            Section(
                code=scode,
                title=_text(raw, "title", where, problems),
                title_en=_word(raw, "title_en", where, problems),
                fact=fact,
                questions=tuple(questions),
            )
        )
    questionnaire = Questionnaire(
        code=code,
        version=version or 0,
        title=title,
        title_en=_word(data, "title_en", "Bảng hỏi", problems),
        intro=_word(data, "intro", "Bảng hỏi", problems),
        intro_en=_word(data, "intro_en", "Bảng hỏi", problems),
        fact=_word(data, "fact", "Bảng hỏi", problems),
        sections=tuple(sections),
    )
    for name in questionnaire.facts():
        if not FACT_RE.match(name):
            problems.append(f"Tên dữ liệu «{name}» không hợp lệ")
        elif known_facts is not None and name not in known_facts:
            problems.append(
                f"Tên dữ liệu «survey.{name}» chưa có trong danh mục dữ liệu "
                "(chiso/frameworks/facts.py)"
            )
    if questionnaire.fact and not any(s.fact for s in sections):
        problems.append("Bảng hỏi có «fact» chung thì phải có phần có «fact» (yếu tố)")
    if problems:
        raise SpecError(problems)
    return questionnaire


def to_data(q: Questionnaire) -> dict[str, Any]:
    """The plain-data form stored in the database (the same shape the YAML file has)."""

    def question(x: Question) -> dict[str, Any]:
        out: dict[str, Any] = {"code": x.code, "type": x.type, "text": x.text}
        if x.text_en:
            out["text_en"] = x.text_en
        if not x.required:
            out["required"] = False
        if x.options:
            out["options"] = [
                {
                    "value": o.value,
                    "text": o.text,
                    **({"text_en": o.text_en} if o.text_en else {}),
                    **({"group": o.group} if o.group else {}),
                }
                for o in x.options
            ]
        for key, value in (("max_choices", x.max_choices), ("min", x.minimum), ("max", x.maximum)):
            if value is not None:
                out[key] = value
        if x.show_if:
            out["show_if"] = {"question": x.show_if.question, "in": list(x.show_if.values)}
        if x.fact:
            out["fact"] = x.fact
        return out

    return {
        "code": q.code,
        "version": q.version,
        "title": q.title,
        "title_en": q.title_en,
        "intro": q.intro,
        "intro_en": q.intro_en,
        "fact": q.fact,
        "sections": [
            {
                "code": s.code,
                "title": s.title,
                "title_en": s.title_en,
                "fact": s.fact,
                "questions": [question(x) for x in s.questions],
            }
            for s in q.sections
        ],
    }
