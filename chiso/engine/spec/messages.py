"""The words of framework problems: every message in Vietnamese and English, and field names.

A message key is the problem's code, or ``code/variant`` where one problem has several wordings.
Messages are ``str.format`` templates: numbers appear in each language's notation, and
``{label}``, unless a parameter gives it, is the name of the field that ``where`` points at.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from chiso.engine.problems import Problem

# Names of the fields in messages, so that "1.1 › max_points: chưa có điểm tối đa" says in words
# what the technical key means.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "code": ("mã", "code"),
    "year": ("năm", "year"),
    "version": ("phiên bản", "version"),
    "title": ("tên, nội dung", "title"),
    "kind": ("loại bộ chỉ số", "kind"),
    "blocks": ("danh sách khối", "block list"),
    "total_points": ("tổng điểm", "total points"),
    "rounding": ("quy tắc làm tròn", "rounding"),
    "final_range": ("khoảng điểm cuối cùng", "final range"),
    "classification": ("thang xếp loại", "classification"),
    "scale": ("thang xếp loại", "scale"),
    "label": ("nhãn xếp loại", "class label"),
    "tie_break": ("tiêu chí phụ xếp hạng", "tie-break keys"),
    "leaders": ("cách tính điểm lãnh đạo", "leader policy"),
    "deputy_assigned_weight": ("trọng số phần được phân công của cấp phó", "deputy weight"),
    "adjustments": ("điểm thưởng, điểm trừ", "adjustments"),
    "items": ("danh sách điểm thưởng, trừ", "adjustment items"),
    "bonus_cap": ("trần điểm thưởng", "bonus cap"),
    "penalty_cap": ("trần điểm trừ", "penalty cap"),
    "points_each": ("điểm mỗi lần", "points each"),
    "max": ("mức tối đa", "maximum"),
    "evidence_required": ("yêu cầu minh chứng", "evidence required"),
    "nodes": ("danh sách lĩnh vực", "nodes"),
    "children": ("danh sách tiêu chí con", "children"),
    "max_points": ("điểm tối đa", "max points"),
    "rule": ("quy tắc chấm điểm", "scoring rule"),
    "type": ("loại quy tắc", "rule type"),
    "levels": ("các mức điểm", "levels"),
    "no_points": ('điểm khi "không"', 'points for "no"'),
    "bands": ("các bậc", "bands"),
    "points": ("điểm", "points"),
    "gte": ("ngưỡng ≥", "gte threshold"),
    "lte": ("ngưỡng ≤", "lte threshold"),
    "threshold": ("ngưỡng", "threshold"),
    "floor_below": ("ngưỡng sàn", "floor"),
    "floor_points": ("điểm dưới ngưỡng sàn", "floor points"),
    "source": ("nguồn dữ liệu", "data source"),
    "unit": ("đơn vị tính", "unit"),
    "survey": ("tên khảo sát", "survey name"),
    "metric": ("tên chỉ số dữ liệu", "metric name"),
    "evidence": ("minh chứng", "evidence"),
    "required": ("yêu cầu minh chứng", "evidence required"),
    "hint": ("gợi ý minh chứng", "evidence hint"),
    "not_applicable": ("không đánh giá (N/A)", "not applicable"),
    "allowed": ("cho phép không đánh giá", "not applicable allowed"),
    "agency_types": ("loại cơ quan", "agency types"),
    "guidance": ("hướng dẫn", "guidance"),
}


MESSAGES: dict[str, tuple[str, str]] = {
    # -- values of any field
    "unknown_key": ('trường "{key}" không được hỗ trợ', 'unknown field "{key}"'),
    "missing": ("chưa có {label}", "{label} is missing"),
    "missing/bands": ("chưa có các bậc (bands)", "the bands are missing"),
    "not_mapping": (
        "{label} phải là một bảng khóa: giá trị",
        "{label} must be a mapping of keys to values",
    ),
    "not_list": ("{label} phải là một danh sách", "{label} must be a list"),
    "not_number": (
        '{label} phải là một số (đang ghi "{value}")',
        '{label} must be a number (got "{value}")',
    ),
    "not_positive": (
        "{label} phải lớn hơn 0 (đang là {value})",
        "{label} must be greater than 0 (got {value})",
    ),
    "points_out_of_range": (
        "điểm {value} nằm ngoài khoảng [0; {max}]",
        "points {value} are outside [0, {max}]",
    ),
    "bad_integer/year": (
        "năm phải là số nguyên từ {lo} đến {hi} (đang ghi {value})",
        "year must be a whole number from {lo} to {hi} (got {value})",
    ),
    "bad_integer/version": (
        "phiên bản phải là số nguyên dương (đang ghi {value})",
        "version must be a positive whole number (got {value})",
    ),
    "bad_integer/places": (
        "số chữ số thập phân phải là số nguyên từ {lo} đến {hi} (đang ghi {value})",
        "decimal places must be a whole number from {lo} to {hi} (got {value})",
    ),
    "not_text": ("{label} phải là chữ", "{label} must be text"),
    "not_bool": ("{label} phải là true hoặc false", "{label} must be true or false"),
    "bad_fact_name": (
        'tên dữ liệu "{name}" không hợp lệ (dạng nhom.ten, chữ thường không dấu)',
        'fact name "{name}" is malformed (expected group.name in lower case)',
    ),
    "unknown_fact": (
        'dữ liệu "{name}" không có trong danh mục dữ liệu đã biết',
        'fact "{name}" is not in the catalogue of known facts',
    ),
    # -- framework settings
    "bad_code": (
        'mã "{value}" chỉ được gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ so-ban-nganh)',
        'code "{value}" may only hold lower-case letters, digits and hyphens (e.g. so-ban-nganh)',
    ),
    "bad_kind": (
        'loại bộ chỉ số "{value}" không hợp lệ; dùng par_index hoặc service_index',
        'kind "{value}" is not valid; use par_index or service_index',
    ),
    "bad_block": (
        'mã khối "{value}" không hợp lệ (chữ thường không dấu, số, dấu gạch ngang)',
        'block code "{value}" is malformed (lower-case letters, digits, hyphens)',
    ),
    "bad_rounding_mode": (
        'cách làm tròn "{value}" không hợp lệ; dùng half_up, half_even hoặc down',
        'rounding mode "{value}" is not valid; use half_up, half_even or down',
    ),
    "bad_range/count": (
        "phải có đúng hai số [tối thiểu, tối đa]",
        "must hold exactly two numbers [min, max]",
    ),
    "bad_range/order": (
        "điểm tối thiểu {lo} phải nhỏ hơn điểm tối đa {hi}",
        "the minimum {lo} must be below the maximum {hi}",
    ),
    "duplicate_label": (
        'nhãn xếp loại "{label}" bị trùng',
        'classification label "{label}" is used twice',
    ),
    "class_catch_all_not_last": (
        "chỉ loại cuối cùng (thấp nhất) được bỏ trống ngưỡng gte",
        "only the last (lowest) class may have no gte cut-off",
    ),
    "class_last_has_cut_off": (
        "loại cuối cùng (thấp nhất) không được có ngưỡng gte: nó nhận mọi điểm còn lại",
        "the last (lowest) class must have no gte cut-off: it takes every other score",
    ),
    "class_order": (
        "ngưỡng xếp loại phải giảm dần: {value} không nhỏ hơn {previous} của loại trước",
        "cut-offs must strictly decrease: {value} is not below {previous} of the class before",
    ),
    "bad_weight": (
        "trọng số phải nằm trong khoảng [0; 1] (đang là {value})",
        "the weight must lie in [0, 1] (got {value})",
    ),
    "negative_cap": (
        "mức trần không được âm (đang là {value})",
        "the cap must not be negative (got {value})",
    ),
    "duplicate_adjustment": (
        'mã điểm thưởng/trừ "{code}" bị trùng',
        'bonus/penalty code "{code}" is used twice',
    ),
    "bad_adjustment_kind": (
        'loại "{value}" không hợp lệ; dùng bonus (điểm thưởng) hoặc penalty (điểm trừ)',
        'kind "{value}" is not valid; use bonus or penalty',
    ),
    "adjustment_max_below_each": (
        "mức tối đa {max} nhỏ hơn số điểm mỗi lần {each}",
        "the maximum {max} is below the points per occurrence {each}",
    ),
    "tie_break_unknown_node": (
        'không có tiêu chí mã "{code}" cho khóa xếp hạng {value}',
        'there is no node "{code}" for tie-break key {value}',
    ),
    "tie_break_unknown_key": (
        'khóa xếp hạng "{value}" không hợp lệ; dùng final, base, bonus, penalty, '
        "survey, name hoặc node:<mã>",
        'tie-break key "{value}" is not valid; use final, base, bonus, penalty, '
        "survey, name or node:<code>",
    ),
    "tie_break_duplicate": (
        'khóa xếp hạng "{value}" bị lặp',
        'tie-break key "{value}" is repeated',
    ),
    # -- nodes; the sums compare {vparts}/{eparts} (SUM_PARTS) with the whole they make up
    "no_nodes": ("bộ chỉ số phải có ít nhất một lĩnh vực", "a framework needs at least one field"),
    "sum_exceeds/fields": (
        "điểm tối đa của {vparts} cộng lại là {sum}, vượt {diff} so với "
        "tổng điểm {total} của bộ chỉ số",
        "the max points of {eparts} add up to {sum}, {diff} more than "
        "the framework's total points {total}",
    ),
    "sum_short/fields": (
        "điểm tối đa của {vparts} cộng lại là {sum}, còn thiếu {diff} so với "
        "tổng điểm {total} của bộ chỉ số",
        "the max points of {eparts} add up to {sum}, {diff} short of "
        "the framework's total points {total}",
    ),
    "sum_exceeds/children": (
        "điểm tối đa của {vparts} cộng lại là {sum}, vượt {diff} so với "
        "điểm tối đa {total} của tiêu chí này",
        "the max points of {eparts} add up to {sum}, {diff} more than "
        "this node's max points {total}",
    ),
    "sum_short/children": (
        "điểm tối đa của {vparts} cộng lại là {sum}, còn thiếu {diff} so với "
        "điểm tối đa {total} của tiêu chí này",
        "the max points of {eparts} add up to {sum}, {diff} short of "
        "this node's max points {total}",
    ),
    "bad_node_code": (
        'mã tiêu chí "{value}" chỉ được gồm chữ, số và dấu chấm (ví dụ 3.10)',
        'node code "{value}" may only hold letters, digits and dots (e.g. 3.10)',
    ),
    "duplicate_code": (
        "mã tiêu chí {code} bị trùng (đã dùng ở {first})",
        "node code {code} is used twice (first at {first})",
    ),
    "inner_with_rule": (
        "tiêu chí có tiêu chí con không được có quy tắc chấm điểm; "
        "điểm được cộng từ các tiêu chí con",
        "a node with children must not have a rule; its points are the sum of its children's",
    ),
    "leaf_without_rule": (
        "tiêu chí không có tiêu chí con thì phải có quy tắc chấm điểm (rule)",
        "a node without children needs a scoring rule (rule)",
    ),
    "na_types_without_allowed": (
        "đã liệt kê loại cơ quan nhưng chưa cho phép không đánh giá (allowed: true)",
        "agency types are listed but not_applicable is not allowed (allowed: true)",
    ),
    # -- rules
    "unknown_rule_type": (
        'loại quy tắc "{value}" không hợp lệ; dùng một trong: {types}',
        'rule type "{value}" is not valid; use one of: {types}',
    ),
    "bad_survey_name": (
        'tên khảo sát "{name}" không hợp lệ (chữ thường không dấu, số, dấu _ và dấu .)',
        'survey name "{name}" is malformed (lower-case letters, digits, _ and .)',
    ),
    "level_out_of_range": (
        "mức điểm {value} nằm ngoài khoảng [0; {max}]",
        "level {value} is outside [0, {max}]",
    ),
    "duplicate_level": ("mức điểm {value} bị lặp", "level {value} is repeated"),
    "bad_threshold": (
        "ngưỡng phải lớn hơn 0 (đang là {value})",
        "the threshold must be greater than 0 (got {value})",
    ),
    "floor_points_without_floor": (
        "có floor_points nhưng thiếu floor_below (dưới mức nào thì nhận số điểm này)",
        "floor_points is given without floor_below (the value below which it applies)",
    ),
    "bands_and_threshold": (
        "chỉ dùng bands (bậc) hoặc threshold (ngưỡng), không dùng cả hai",
        "use either bands or threshold, not both",
    ),
    "no_bands": ("phải có ít nhất một bậc", "needs at least one band"),
    "band_both": (
        "một bậc chỉ được có gte (≥) hoặc lte (≤), không được có cả hai",
        "a band may have gte or lte, not both",
    ),
    "catch_all_not_last": (
        'bậc "còn lại" (không có gte/lte) phải đứng cuối cùng',
        "the catch-all band (no gte/lte) must be the last one",
    ),
    "bands_gap": (
        'bậc cuối cùng phải là bậc "còn lại" (không có gte/lte), nếu không sẽ có giá trị '
        "không thuộc bậc nào",
        "the last band must be a catch-all (no gte/lte), otherwise some values fall in no band",
    ),
    "bands_mixed": (
        "không được trộn bậc ≥ (gte) và bậc ≤ (lte) trong cùng một quy tắc",
        "gte and lte bands must not be mixed in one rule",
    ),
    "bands_order/gte": (
        "các ngưỡng ≥ phải giảm dần: {value} không nhỏ hơn {previous} của bậc trước",
        "gte thresholds must strictly decrease: {value} is not below {previous} of the band before",
    ),
    "bands_order/lte": (
        "các ngưỡng ≤ phải tăng dần: {value} không lớn hơn {previous} của bậc trước",
        "lte thresholds must strictly increase: {value} is not above {previous} of the band before",
    ),
}

# What the maxima of a sum are, by the variant of sum_exceeds/sum_short: (Vietnamese, English).
SUM_PARTS: dict[str, tuple[str, str]] = {
    "fields": ("các lĩnh vực", "the fields"),
    "children": ("các tiêu chí con", "the children"),
}


def fmt_decimal(value: Decimal | int, lang: str = "en") -> str:
    """A number as people write it: no exponent, no trailing zeros, decimal comma in Vietnamese."""
    text = format(Decimal(value).normalize(), "f")
    if text == "-0":
        text = "0"
    return text.replace(".", ",") if lang.startswith("vi") else text


def field_label(where: str, lang: str) -> str:
    """The words for the field a location points at: "1.1 › rule.bands[2].gte" → "ngưỡng ≥"."""
    key = re.sub(r"\[\d+\]$", "", where.split("›")[-1].strip().split(".")[-1])
    vi, en = FIELD_LABELS.get(key, ("giá trị", "the value"))
    return vi if lang == "vi" else en


def framework_problem(key: str, where: str, /, **params: Any) -> Problem:
    """The problem :data:`MESSAGES` names by ``key``, at ``where``, filled from ``params``."""
    vi, en = MESSAGES[key]

    def fill(template: str, lang: str) -> str:
        shown = {
            k: fmt_decimal(v, lang) if isinstance(v, Decimal) else v for k, v in params.items()
        }
        shown.setdefault("label", field_label(where, lang))
        text = template.format(**shown)
        return text[:1].upper() + text[1:] if template.startswith("{label}") else text

    return Problem(key.partition("/")[0], where, fill(vi, "vi"), fill(en, "en"), dict(params))
