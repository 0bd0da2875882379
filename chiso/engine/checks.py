"""Check scoring inputs against a framework before anything is scored.

:func:`check_inputs` lists every problem with the inputs of one block (and with the framework's
tie-break keys), never just the first, each in Vietnamese and English; the scoring functions
raise :class:`~chiso.engine.problems.ProblemsError` with that list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, localcontext

from .arithmetic import CONTEXT, ONE, ZERO
from .model import (
    TIE_BREAK_KEYS,
    AgencyInput,
    Framework,
    ManualRule,
    Node,
    YesNoRule,
    iter_nodes,
    rule_fact,
)
from .problems import Problem
from .results import format_decimal


def check_inputs(framework: Framework, inputs: Sequence[AgencyInput]) -> list[Problem]:
    """Every problem in ``inputs`` (and in the framework's tie-break keys), never just the first.

    ``where`` names the agency and the node, adjustment or fact concerned.
    """
    with localcontext(CONTEXT):
        index = {node.code: node for node in iter_nodes(framework.nodes)}
        problems = _check_tie_break(framework, index)
        for agency, count in Counter(a.agency for a in inputs).items():
            if count > 1:
                problems.append(_problem("duplicate_agency", agency, count=count))
        for agency_input in inputs:
            problems += _check_agency(framework, index, agency_input)
        return problems


# Problem code → (Vietnamese, English) message; numbers are filled in each language's notation.
_MESSAGES: dict[str, tuple[str, str]] = {
    "duplicate_agency": (
        "Cơ quan xuất hiện {count} lần trong khối",
        "The agency appears {count} times in the block",
    ),
    "unknown_tie_break": (
        "Khóa xếp hạng khi bằng điểm '{key}' không hợp lệ",
        "Unknown tie-break key '{key}'",
    ),
    "not_finite": ("Giá trị {value} không phải là số", "Value {value} is not a finite number"),
    "unknown_node": (
        "Có giá trị nhập nhưng bộ chỉ số không có nội dung này",
        "A value is entered but the framework has no such node",
    ),
    "value_for_inner_node": (
        "Nội dung này gồm các nội dung con; hãy nhập giá trị cho các nội dung con",
        "This node has sub-items; enter values for them instead",
    ),
    "value_for_fact": (
        "Nội dung này tính từ dữ liệu {fact}; giá trị nhập sẽ không được dùng",
        "This node is scored from the fact {fact}; an entered value would be ignored",
    ),
    "points_out_of_range": (
        "Điểm {value} nằm ngoài khoảng từ 0 đến {max}",
        "Points {value} are outside 0 to {max}",
    ),
    "points_not_a_level": (
        "Điểm {value} không thuộc các mức cho phép: {levels}",
        "Points {value} are not one of the allowed levels: {levels}",
    ),
    "yes_no_value": (
        "Giá trị có/không phải là 1 (có) hoặc 0 (không), nhận được {value}",
        "A yes/no value must be 1 (yes) or 0 (no), got {value}",
    ),
    "na_unknown_node": (
        "Đánh dấu không đánh giá nhưng bộ chỉ số không có nội dung này",
        "Marked not applicable but the framework has no such node",
    ),
    "na_not_allowed": (
        "Nội dung này không được đánh dấu không đánh giá",
        "This node may not be marked not applicable",
    ),
    "na_not_for_type": (
        "Loại cơ quan '{agency_type}' không được đánh dấu không đánh giá nội dung này "
        "(chỉ: {types})",
        "Agency type '{agency_type}' may not mark this node not applicable (only: {types})",
    ),
    "all_not_applicable": (
        "Mọi nội dung đều không đánh giá; không còn điểm tối đa để tính chỉ số",
        "Every node is not applicable; no maximum is left to compute the index",
    ),
    "unknown_adjustment": (
        "Bộ chỉ số không có khoản điểm thưởng/điểm trừ này",
        "The framework has no such bonus or penalty item",
    ),
    "negative_count": ("Số lần {count} không được âm", "Count {count} must not be negative"),
    "leader_unknown_node": (
        "{leader} được phân công nội dung không có trong bộ chỉ số",
        "{leader} is assigned a node the framework does not have",
    ),
}


def _problem(code: str, where: str, **params: Decimal | str | int | tuple[Decimal, ...]) -> Problem:
    vi, en = _MESSAGES[code]

    def fill(template: str, lang: str) -> str:
        separator = ", " if lang == "en" else "; "
        shown: dict[str, object] = {}
        for name, value in params.items():
            if isinstance(value, Decimal):
                shown[name] = format_decimal(value, lang)
            elif isinstance(value, tuple):
                shown[name] = separator.join(format_decimal(v, lang) for v in value)
            else:
                shown[name] = value
        return template.format(**shown)

    return Problem(code, where, fill(vi, "vi"), fill(en, "en"), dict(params))


def _check_tie_break(framework: Framework, index: Mapping[str, Node]) -> list[Problem]:
    return [
        _problem("unknown_tie_break", "tie_break", key=key)
        for key in framework.tie_break
        if key not in TIE_BREAK_KEYS
        and not (key.startswith("node:") and key.removeprefix("node:") in index)
    ]


def _check_value(where: str, node: Node | None, value: Decimal) -> Problem | None:
    """The first thing wrong with one entered value, or None."""
    if not value.is_finite():
        return _problem("not_finite", where, value=str(value))
    if node is None:
        return _problem("unknown_node", where)
    if not node.is_leaf:
        return _problem("value_for_inner_node", where)
    rule = node.rule or ManualRule()
    fact = rule_fact(rule)
    if fact is not None:
        return _problem("value_for_fact", where, fact=fact)
    if isinstance(rule, ManualRule):
        if not ZERO <= value <= node.max_points:
            return _problem("points_out_of_range", where, value=value, max=node.max_points)
        if rule.levels and value not in rule.levels:
            return _problem("points_not_a_level", where, value=value, levels=rule.levels)
    if isinstance(rule, YesNoRule) and value not in (ZERO, ONE):
        return _problem("yes_no_value", where, value=value)
    return None


def _check_not_applicable(agency: AgencyInput, node: Node | None, where: str) -> Problem | None:
    if node is None:
        return _problem("na_unknown_node", where)
    allowed = node.not_applicable
    if not allowed.allowed:
        return _problem("na_not_allowed", where)
    if allowed.agency_types and agency.agency_type not in allowed.agency_types:
        types = ", ".join(allowed.agency_types)
        return _problem("na_not_for_type", where, agency_type=agency.agency_type, types=types)
    return None


def _removed_max(nodes: Iterable[Node], not_applicable: frozenset[str]) -> Decimal:
    """Σ max of the outermost N/A nodes: what N/A takes out of the denominator."""
    return sum(
        (
            node.max_points
            if node.code in not_applicable
            else _removed_max(node.children, not_applicable)
            for node in nodes
        ),
        ZERO,
    )


def _check_adjustment(known: set[str], code: str, count: Decimal, where: str) -> list[Problem]:
    problems = [] if code in known else [_problem("unknown_adjustment", where)]
    if not count.is_finite():
        problems.append(_problem("not_finite", where, value=str(count)))
    elif count < 0:
        problems.append(_problem("negative_count", where, count=count))
    return problems


def _check_agency(
    framework: Framework, index: Mapping[str, Node], agency: AgencyInput
) -> list[Problem]:
    def at(code: str) -> str:
        return f"{agency.agency} › {code}"

    found: list[Problem | None] = []
    for code, value in agency.values.items():
        found.append(_check_value(at(code), index.get(code), value))
    for name, value in agency.facts.items():
        if not value.is_finite():
            found.append(_problem("not_finite", at(name), value=str(value)))
    valid = set()
    for code in sorted(agency.not_applicable):
        problem = _check_not_applicable(agency, index.get(code), at(code))
        found.append(problem)
        if problem is None:
            valid.add(code)
    # Only N/A marks that are allowed count, so that one wrong mark is not reported twice.
    if framework.total_points - _removed_max(framework.nodes, frozenset(valid)) <= 0:
        found.append(_problem("all_not_applicable", agency.agency))
    known = {a.code for a in framework.adjustments}
    for code, count in agency.adjustments.items():
        found += _check_adjustment(known, code, count, at(code))
    for leader in agency.leaders:
        for code in leader.assigned:
            if code not in index:
                found.append(
                    _problem("leader_unknown_node", at(code), leader=leader.name or leader.id)
                )
    return [problem for problem in found if problem is not None]
