"""Indicator frameworks as plain data: the canonical dict ⇄ the engine's dataclasses.

The canonical dict is what YAML and Excel files hold and what the database stores; its format is
described in docs/framework-format.md. :func:`parse_framework` validates it completely and
reports every problem at once (never just the first); :func:`dump_framework` writes it back with
a stable key order and defaults omitted, so that ``parse_framework(dump_framework(fw)) == fw``.

Nothing here imports Django. Numbers may be given as ``int``, :class:`~decimal.Decimal`, numeric
strings (as JSON columns store them) or floats (converted through their shortest text); they are
always returned as ``Decimal``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set
from decimal import Decimal, InvalidOperation
from typing import Any

from chiso.engine.model import (
    Adjustment,
    Band,
    ClassBand,
    Framework,
    LeaderPolicy,
    ManualRule,
    MetricRule,
    Node,
    NotApplicable,
    RatioRule,
    Rounding,
    Rule,
    SurveyRule,
    TieredRule,
    YesNoRule,
)
from chiso.engine.problems import Problem, ProblemsError

__all__ = [
    "KINDS",
    "RULE_TYPES",
    "TIE_BREAK_KEYS",
    "dump_framework",
    "fact_names",
    "fmt_decimal",
    "parse_framework",
]

KINDS = ("par_index", "service_index")
RULE_TYPES = ("manual", "yes_no", "tiered", "ratio", "survey", "metric")
TIE_BREAK_KEYS = ("final", "base", "bonus", "penalty", "survey", "name")
ROUNDING_MODES = ("half_up", "half_even", "down")
ADJUSTMENT_KINDS = ("bonus", "penalty")

SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
NODE_CODE = re.compile(r"^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
SURVEY_NAME = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$")

TOP_KEYS = (
    "code",
    "year",
    "version",
    "title",
    "kind",
    "blocks",
    "total_points",
    "rounding",
    "final_range",
    "classification",
    "tie_break",
    "leaders",
    "adjustments",
    "nodes",
)
NODE_KEYS = (
    "code",
    "title",
    "max_points",
    "rule",
    "evidence",
    "not_applicable",
    "guidance",
    "children",
)
RULE_KEYS: dict[str, tuple[str, ...]] = {
    "manual": ("type", "levels"),
    "yes_no": ("type", "no_points"),
    "tiered": ("type", "source", "unit", "bands"),
    "ratio": ("type", "source", "unit", "threshold", "floor_below", "floor_points"),
    "survey": ("type", "survey", "threshold"),
    "metric": ("type", "metric", "bands", "threshold"),
}
HUNDRED = Decimal(100)
ZERO = Decimal(0)

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


def _field_label(where: str, lang: str) -> str:
    """The words for the field a location points at: "1.1 › rule.bands[2].gte" → "ngưỡng ≥"."""
    key = re.sub(r"\[\d+\]$", "", where.split("›")[-1].strip().split(".")[-1])
    vi, en = FIELD_LABELS.get(key, ("giá trị", "the value"))
    return vi if lang == "vi" else en


def fmt_decimal(value: Decimal | int, lang: str = "en") -> str:
    """A number as people write it: no exponent, no trailing zeros, decimal comma in Vietnamese."""
    text = format(Decimal(value).normalize(), "f")
    if text == "-0":
        text = "0"
    return text.replace(".", ",") if lang.startswith("vi") else text


# ---------------------------------------------------------------------------- parsing


class _Parser:
    """Collects problems while building the dataclasses; a bad part yields None, not an error."""

    def __init__(self, known_facts: Set[str] | None) -> None:
        self.problems: list[Problem] = []
        self.known_facts = known_facts
        self.codes: dict[str, str] = {}  # node code -> where first seen

    # -- reporting

    def add(self, problem: str, where: str, vi: str, en: str, /, **params: Any) -> None:
        def fill(template: str, lang: str) -> str:
            shown = {
                k: fmt_decimal(v, lang) if isinstance(v, Decimal) else v for k, v in params.items()
            }
            shown.setdefault("label", _field_label(where, lang))
            text = template.format(**shown)
            return text[:1].upper() + text[1:] if template.startswith("{label}") else text

        self.problems.append(Problem(problem, where, fill(vi, "vi"), fill(en, "en"), dict(params)))

    def unknown_keys(self, raw: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        allowed = set(allowed)
        for key in raw:
            if key not in allowed:
                self.add(
                    "unknown_key",
                    where or str(key),
                    'trường "{key}" không được hỗ trợ',
                    'unknown field "{key}"',
                    key=str(key),
                )

    def mapping(self, value: Any, where: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(
            "not_mapping",
            where,
            "{label} phải là một bảng khóa: giá trị",
            "{label} must be a mapping of keys to values",
        )
        return None

    def sequence(self, value: Any, where: str) -> list[Any] | None:
        if isinstance(value, list | tuple):
            return list(value)
        self.add("not_list", where, "{label} phải là một danh sách", "{label} must be a list")
        return None

    # -- scalars

    def number(self, value: Any, where: str) -> Decimal | None:
        """A finite number, or None after reporting why not."""
        result: Decimal | None = None
        if isinstance(value, bool):
            result = None
        elif isinstance(value, Decimal | int):
            result = Decimal(value)
        elif isinstance(value, float):
            result = Decimal(repr(value))
        elif isinstance(value, str):
            try:
                result = Decimal(value.strip())
            except InvalidOperation:
                result = None
        if result is not None and result.is_finite():
            return result
        self.add(
            "not_number",
            where,
            '{label} phải là một số (đang ghi "{value}")',
            '{label} must be a number (got "{value}")',
            value=str(value),
        )
        return None

    def positive(self, value: Any, where: str) -> Decimal | None:
        d = self.number(value, where)
        if d is not None and d <= 0:
            self.add(
                "not_positive",
                where,
                "{label} phải lớn hơn 0 (đang là {value})",
                "{label} must be greater than 0 (got {value})",
                value=d,
            )
            return None
        return d

    def within(self, d: Decimal | None, where: str, top: Decimal | None) -> None:
        """Report points outside [0, top] (top None: the node's max is itself invalid)."""
        if d is None or top is None:
            return
        if d < 0 or d > top:
            self.add(
                "points_out_of_range",
                where,
                "điểm {value} nằm ngoài khoảng [0; {max}]",
                "points {value} are outside [0, {max}]",
                value=d,
                max=top,
            )

    def integer(self, value: Any, where: str, lo: int, hi: int, vi: str, en: str) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi:
            return value
        if isinstance(value, Decimal) and value == value.to_integral_value() and lo <= value <= hi:
            return int(value)
        if isinstance(value, str) and value.strip().isdigit() and lo <= int(value) <= hi:
            return int(value)
        self.add("bad_integer", where, vi, en, value=str(value), lo=lo, hi=hi)
        return None

    def text(self, value: Any, where: str, *, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.add("missing", where, "chưa có {label}", "{label} is missing")
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)  # YAML turns an unquoted 2023 or 1.1 into a number
        self.add("not_text", where, "{label} phải là chữ", "{label} must be text")
        return ""

    def boolean(self, value: Any, where: str) -> bool:
        if isinstance(value, bool):
            return value
        self.add(
            "not_bool",
            where,
            "{label} phải là true hoặc false",
            "{label} must be true or false",
            value=str(value),
        )
        return False

    def fact(self, name: str, where: str) -> None:
        if not FACT_NAME.match(name):
            self.add(
                "bad_fact_name",
                where,
                'tên dữ liệu "{name}" không hợp lệ (dạng nhom.ten, chữ thường không dấu)',
                'fact name "{name}" is malformed (expected group.name in lower case)',
                name=name,
            )
        elif self.known_facts is not None and name not in self.known_facts:
            self.add(
                "unknown_fact",
                where,
                'dữ liệu "{name}" không có trong danh mục dữ liệu đã biết',
                'fact "{name}" is not in the catalogue of known facts',
                name=name,
            )

    # -- framework

    def framework(self, data: Any) -> Framework | None:
        raw = self.mapping(data, "")
        if raw is None:
            return None
        self.unknown_keys(raw, TOP_KEYS, "")
        code = self.text(raw.get("code"), "code")
        if code and not SLUG.match(code):
            self.add(
                "bad_code",
                "code",
                'mã "{value}" chỉ được gồm chữ thường không dấu, số và dấu gạch ngang '
                "(ví dụ so-ban-nganh)",
                'code "{value}" may only hold lower-case letters, digits and hyphens '
                "(e.g. so-ban-nganh)",
                value=code,
            )
        year = self.integer(
            raw.get("year"),
            "year",
            2000,
            2100,
            "năm phải là số nguyên từ {lo} đến {hi} (đang ghi {value})",
            "year must be a whole number from {lo} to {hi} (got {value})",
        )
        version = self.integer(
            raw.get("version", 1),
            "version",
            1,
            9999,
            "phiên bản phải là số nguyên dương (đang ghi {value})",
            "version must be a positive whole number (got {value})",
        )
        title = self.text(raw.get("title"), "title")
        kind = raw.get("kind", "par_index")
        if kind not in KINDS:
            self.add(
                "bad_kind",
                "kind",
                'loại bộ chỉ số "{value}" không hợp lệ; dùng par_index hoặc service_index',
                'kind "{value}" is not valid; use par_index or service_index',
                value=str(kind),
            )
        blocks = self.blocks(raw.get("blocks", []))
        total = None
        if "total_points" in raw:
            total = self.positive(raw["total_points"], "total_points")
        else:
            self.missing("total_points")
        rounding = self.rounding(raw.get("rounding", {}))
        final_min, final_max = self.final_range(raw.get("final_range", [0, 100]))
        classification = self.scale(raw.get("classification", []), "classification")
        leaders = self.leaders(raw.get("leaders", {}))
        adjustments, bonus_cap, penalty_cap = self.adjustments(raw.get("adjustments", {}))
        nodes = self.roots(raw.get("nodes"), total)
        tie_break = self.tie_break(raw.get("tie_break", ["final", "base"]))
        if self.problems or year is None or version is None or total is None or nodes is None:
            return None
        return Framework(
            code=code,
            year=year,
            version=version,
            title=title,
            total_points=total,
            nodes=nodes,
            blocks=blocks,
            kind=kind,
            adjustments=adjustments,
            bonus_cap=bonus_cap,
            penalty_cap=penalty_cap,
            final_min=final_min,
            final_max=final_max,
            classification=classification,
            tie_break=tie_break,
            rounding=rounding,
            leaders=leaders,
        )

    def missing(self, where: str) -> None:
        self.add("missing", where, "chưa có {label}", "{label} is missing")

    def blocks(self, value: Any) -> tuple[str, ...]:
        items = self.sequence(value, "blocks")
        out: list[str] = []
        for i, item in enumerate(items or [], start=1):
            text = self.text(item, f"blocks[{i}]")
            if text and not SLUG.match(text):
                self.add(
                    "bad_block",
                    f"blocks[{i}]",
                    'mã khối "{value}" không hợp lệ (chữ thường không dấu, số, dấu gạch ngang)',
                    'block code "{value}" is malformed (lower-case letters, digits, hyphens)',
                    value=text,
                )
            out.append(text)
        return tuple(out)

    def rounding(self, value: Any) -> Rounding:
        raw = self.mapping(value, "rounding") or {}
        self.unknown_keys(raw, ("points", "percent", "mode"), "rounding")
        places = []
        for key in ("points", "percent"):
            got = self.integer(
                raw.get(key, 2),
                f"rounding.{key}",
                0,
                6,
                "số chữ số thập phân phải là số nguyên từ {lo} đến {hi} (đang ghi {value})",
                "decimal places must be a whole number from {lo} to {hi} (got {value})",
            )
            places.append(2 if got is None else got)
        mode = raw.get("mode", "half_up")
        if mode not in ROUNDING_MODES:
            self.add(
                "bad_rounding_mode",
                "rounding.mode",
                'cách làm tròn "{value}" không hợp lệ; dùng half_up, half_even hoặc down',
                'rounding mode "{value}" is not valid; use half_up, half_even or down',
                value=str(mode),
            )
            mode = "half_up"
        return Rounding(points=places[0], percent=places[1], mode=mode)

    def final_range(self, value: Any) -> tuple[Decimal, Decimal]:
        items = self.sequence(value, "final_range")
        if items is None:
            return ZERO, HUNDRED
        if len(items) != 2:
            self.add(
                "bad_range",
                "final_range",
                "phải có đúng hai số [tối thiểu, tối đa]",
                "must hold exactly two numbers [min, max]",
            )
            return ZERO, HUNDRED
        lo = self.number(items[0], "final_range[1]")
        hi = self.number(items[1], "final_range[2]")
        if lo is None or hi is None:
            return ZERO, HUNDRED
        if lo >= hi:
            self.add(
                "bad_range",
                "final_range",
                "điểm tối thiểu {lo} phải nhỏ hơn điểm tối đa {hi}",
                "the minimum {lo} must be below the maximum {hi}",
                lo=lo,
                hi=hi,
            )
        return lo, hi

    def scale(self, value: Any, where: str) -> tuple[ClassBand, ...]:
        items = self.sequence(value, where)
        out: list[ClassBand] = []
        labels: set[str] = set()
        previous: Decimal | None = None
        for i, item in enumerate(items or [], start=1):
            w = f"{where}[{i}]"
            raw = self.mapping(item, w)
            if raw is None:
                continue
            self.unknown_keys(raw, ("label", "gte"), w)
            label = self.text(raw.get("label"), f"{w}.label")
            if label in labels:
                self.add(
                    "duplicate_label",
                    f"{w}.label",
                    'nhãn xếp loại "{label}" bị trùng',
                    'classification label "{label}" is used twice',
                    label=label,
                )
            labels.add(label)
            last = i == len(items or [])
            gte = self.number(raw["gte"], f"{w}.gte") if raw.get("gte") is not None else None
            if raw.get("gte") is None and not last:
                self.add(
                    "class_catch_all_not_last",
                    f"{w}.gte",
                    "chỉ loại cuối cùng (thấp nhất) được bỏ trống ngưỡng gte",
                    "only the last (lowest) class may have no gte cut-off",
                )
            if last and raw.get("gte") is not None:
                self.add(
                    "class_last_has_cut_off",
                    f"{w}.gte",
                    "loại cuối cùng (thấp nhất) không được có ngưỡng gte: nó nhận mọi điểm còn lại",
                    "the last (lowest) class must have no gte cut-off: it takes every other score",
                )
            if gte is not None and previous is not None and gte >= previous:
                self.add(
                    "class_order",
                    f"{w}.gte",
                    "ngưỡng xếp loại phải giảm dần: {value} không nhỏ hơn {previous} của loại trước",
                    "cut-offs must strictly decrease: {value} is not below {previous} of the "
                    "class before",
                    value=gte,
                    previous=previous,
                )
            if gte is not None:
                previous = gte
            out.append(ClassBand(label=label, gte=gte))
        return tuple(out)

    def leaders(self, value: Any) -> LeaderPolicy:
        raw = self.mapping(value, "leaders") or {}
        self.unknown_keys(raw, ("deputy_assigned_weight", "scale"), "leaders")
        weight = Decimal("0.7")
        if "deputy_assigned_weight" in raw:
            got = self.number(raw["deputy_assigned_weight"], "leaders.deputy_assigned_weight")
            if got is not None and not ZERO <= got <= 1:
                self.add(
                    "bad_weight",
                    "leaders.deputy_assigned_weight",
                    "trọng số phải nằm trong khoảng [0; 1] (đang là {value})",
                    "the weight must lie in [0, 1] (got {value})",
                    value=got,
                )
            elif got is not None:
                weight = got
        scale = self.scale(raw.get("scale", []), "leaders.scale")
        return LeaderPolicy(deputy_assigned_weight=weight, scale=scale)

    def adjustments(self, value: Any) -> tuple[tuple[Adjustment, ...], Decimal, Decimal]:
        raw = self.mapping(value, "adjustments") or {}
        self.unknown_keys(raw, ("bonus_cap", "penalty_cap", "items"), "adjustments")
        caps = []
        for key in ("bonus_cap", "penalty_cap"):
            got = self.number(raw.get(key, 0), f"adjustments.{key}")
            if got is not None and got < 0:
                self.add(
                    "negative_cap",
                    f"adjustments.{key}",
                    "mức trần không được âm (đang là {value})",
                    "the cap must not be negative (got {value})",
                    value=got,
                )
            caps.append(got if got is not None and got >= 0 else ZERO)
        items: list[Adjustment] = []
        seen: set[str] = set()
        for i, item in enumerate(self.sequence(raw.get("items", []), "adjustments.items") or [], 1):
            adj = self.adjustment(item, f"adjustments.items[{i}]", seen)
            if adj is not None:
                items.append(adj)
        return tuple(items), caps[0], caps[1]

    def adjustment(self, value: Any, where: str, seen: set[str]) -> Adjustment | None:
        raw = self.mapping(value, where)
        if raw is None:
            return None
        keys = ("code", "kind", "title", "points_each", "max", "evidence_required")
        self.unknown_keys(raw, keys, where)
        code = self.text(raw.get("code"), f"{where}.code")
        if code in seen:
            self.add(
                "duplicate_adjustment",
                f"{where}.code",
                'mã điểm thưởng/trừ "{code}" bị trùng',
                'bonus/penalty code "{code}" is used twice',
                code=code,
            )
        seen.add(code)
        kind = raw.get("kind")
        if kind not in ADJUSTMENT_KINDS:
            self.add(
                "bad_adjustment_kind",
                f"{where}.kind",
                'loại "{value}" không hợp lệ; dùng bonus (điểm thưởng) hoặc penalty (điểm trừ)',
                'kind "{value}" is not valid; use bonus or penalty',
                value=str(kind),
            )
        title = self.text(raw.get("title"), f"{where}.title")
        each = self.positive(raw.get("points_each"), f"{where}.points_each")
        top = self.positive(raw.get("max"), f"{where}.max")
        if each is not None and top is not None and top < each:
            self.add(
                "adjustment_max_below_each",
                f"{where}.max",
                "mức tối đa {max} nhỏ hơn số điểm mỗi lần {each}",
                "the maximum {max} is below the points per occurrence {each}",
                max=top,
                each=each,
            )
        evidence = self.boolean(raw.get("evidence_required", False), f"{where}.evidence_required")
        if kind not in ADJUSTMENT_KINDS or each is None or top is None:
            return None
        return Adjustment(
            code=code,
            title=title,
            kind=kind,
            points_each=each,
            max=top,
            evidence_required=evidence,
        )

    def tie_break(self, value: Any) -> tuple[str, ...]:
        items = self.sequence(value, "tie_break")
        out: list[str] = []
        for i, item in enumerate(items or [], start=1):
            key = str(item)
            where = f"tie_break[{i}]"
            if key.startswith("node:"):
                node_code = key[5:]
                if node_code not in self.codes:
                    self.add(
                        "tie_break_unknown_node",
                        where,
                        'không có tiêu chí mã "{code}" cho khóa xếp hạng {value}',
                        'there is no node "{code}" for tie-break key {value}',
                        code=node_code,
                        value=key,
                    )
            elif key not in TIE_BREAK_KEYS:
                self.add(
                    "tie_break_unknown_key",
                    where,
                    'khóa xếp hạng "{value}" không hợp lệ; dùng final, base, bonus, penalty, '
                    "survey, name hoặc node:<mã>",
                    'tie-break key "{value}" is not valid; use final, base, bonus, penalty, '
                    "survey, name or node:<code>",
                    value=key,
                )
            if key in out:
                self.add(
                    "tie_break_duplicate",
                    where,
                    'khóa xếp hạng "{value}" bị lặp',
                    'tie-break key "{value}" is repeated',
                    value=key,
                )
            out.append(key)
        return tuple(out)

    # -- nodes

    def roots(self, value: Any, total: Decimal | None) -> tuple[Node, ...] | None:
        if value is None:
            self.missing("nodes")
            return None
        items = self.sequence(value, "nodes")
        if items is not None and not items:
            self.add(
                "no_nodes",
                "nodes",
                "bộ chỉ số phải có ít nhất một lĩnh vực",
                "a framework needs at least one field",
            )
        nodes = [self.node(item, f"nodes[{i}]", 1) for i, item in enumerate(items or [], 1)]
        self.check_sum(
            nodes,
            total,
            "total_points",
            vi_whole="tổng điểm {total} của bộ chỉ số",
            en_whole="the framework's total points {total}",
            vi_parts="các lĩnh vực",
            en_parts="the fields",
        )
        if any(n is None for n in nodes) or items is None:
            return None
        return tuple(n for n in nodes if n is not None)

    def check_sum(
        self,
        parts: list[Node | None],
        whole: Decimal | None,
        where: str,
        *,
        vi_whole: str,
        en_whole: str,
        vi_parts: str,
        en_parts: str,
    ) -> None:
        maxima = [p.max_points if p is not None else None for p in parts]
        if whole is None or not parts or any(m is None for m in maxima):
            return
        total = sum((m for m in maxima if m is not None), ZERO)
        if total == whole:
            return
        if total > whole:
            vi = "điểm tối đa của {vparts} cộng lại là {sum}, vượt {diff} so với " + vi_whole
            en = "the max points of {eparts} add up to {sum}, {diff} more than " + en_whole
        else:
            vi = "điểm tối đa của {vparts} cộng lại là {sum}, còn thiếu {diff} so với " + vi_whole
            en = "the max points of {eparts} add up to {sum}, {diff} short of " + en_whole
        self.add(
            "sum_exceeds" if total > whole else "sum_short",
            where,
            vi,
            en,
            vparts=vi_parts,
            eparts=en_parts,
            sum=total,
            diff=abs(total - whole),
            total=whole,
        )

    def node(self, value: Any, path: str, depth: int) -> Node | None:
        raw = self.mapping(value, path)
        if raw is None:
            return None
        code = self.text(raw.get("code"), f"{path}.code")
        if code and not NODE_CODE.match(code):
            self.add(
                "bad_node_code",
                f"{path}.code",
                'mã tiêu chí "{value}" chỉ được gồm chữ, số và dấu chấm (ví dụ 3.10)',
                'node code "{value}" may only hold letters, digits and dots (e.g. 3.10)',
                value=code,
            )
        if code and code in self.codes:
            self.add(
                "duplicate_code",
                code,
                "mã tiêu chí {code} bị trùng (đã dùng ở {first})",
                "node code {code} is used twice (first at {first})",
                code=code,
                first=self.codes[code],
            )
        elif code:
            self.codes[code] = path
        w = f"{code} ›" if code else f"{path} ›"
        self.unknown_keys(raw, NODE_KEYS, w.rstrip(" ›"))
        title = self.text(raw.get("title"), f"{w} title")
        top = None
        if raw.get("max_points") is not None:
            top = self.positive(raw["max_points"], f"{w} max_points")
        else:
            self.missing(f"{w} max_points")
        guidance = self.text(raw.get("guidance", ""), f"{w} guidance", required=False)
        evidence_required, evidence_hint = self.evidence(raw.get("evidence", {}), f"{w} evidence")
        na = self.not_applicable(raw.get("not_applicable", {}), f"{w} not_applicable")
        raw_children = raw.get("children", [])
        children_list = self.sequence(raw_children, f"{w} children") or []
        children = [
            self.node(c, f"{path}.children[{i}]", depth + 1)
            for i, c in enumerate(children_list, start=1)
        ]
        rule: Rule | None = None
        if children:
            if raw.get("rule") is not None:
                self.add(
                    "inner_with_rule",
                    f"{w} rule",
                    "tiêu chí có tiêu chí con không được có quy tắc chấm điểm; "
                    "điểm được cộng từ các tiêu chí con",
                    "a node with children must not have a rule; its points are the sum of its "
                    "children's",
                )
            self.check_sum(
                children,
                top,
                f"{w} children",
                vi_whole="điểm tối đa {total} của tiêu chí này",
                en_whole="this node's max points {total}",
                vi_parts="các tiêu chí con",
                en_parts="the children",
            )
        elif raw.get("rule") is None:
            self.add(
                "leaf_without_rule",
                f"{w} rule",
                "tiêu chí không có tiêu chí con thì phải có quy tắc chấm điểm (rule)",
                "a node without children needs a scoring rule (rule)",
            )
        else:
            rule = self.rule(raw["rule"], f"{w} rule", top)
        if top is None or any(c is None for c in children):
            return None  # keep walking to collect every problem, but build nothing broken
        return self.build(
            code, title, top, children, rule, guidance, evidence_required, evidence_hint, na
        )

    @staticmethod
    def build(
        code: str,
        title: str,
        top: Decimal,
        children: list[Node | None],
        rule: Rule | None,
        guidance: str,
        evidence_required: bool,
        evidence_hint: str,
        na: NotApplicable,
    ) -> Node:
        return Node(
            code=code,
            title=title,
            max_points=top,
            children=tuple(c for c in children if c is not None),
            rule=rule,
            guidance=guidance,
            evidence_required=evidence_required,
            evidence_hint=evidence_hint,
            not_applicable=na,
        )

    def evidence(self, value: Any, where: str) -> tuple[bool, str]:
        raw = self.mapping(value, where) or {}
        self.unknown_keys(raw, ("required", "hint"), where)
        required = self.boolean(raw.get("required", False), f"{where}.required")
        hint = self.text(raw.get("hint", ""), f"{where}.hint", required=False)
        return required, hint

    def not_applicable(self, value: Any, where: str) -> NotApplicable:
        raw = self.mapping(value, where) or {}
        self.unknown_keys(raw, ("allowed", "agency_types"), where)
        allowed = self.boolean(raw.get("allowed", False), f"{where}.allowed")
        types = self.sequence(raw.get("agency_types", []), f"{where}.agency_types") or []
        codes = tuple(self.text(t, f"{where}.agency_types") for t in types)
        if codes and not allowed:
            self.add(
                "na_types_without_allowed",
                where,
                "đã liệt kê loại cơ quan nhưng chưa cho phép không đánh giá (allowed: true)",
                "agency types are listed but not_applicable is not allowed (allowed: true)",
            )
        return NotApplicable(allowed=allowed, agency_types=codes)

    # -- rules

    def rule(self, value: Any, where: str, top: Decimal | None) -> Rule | None:
        raw = self.mapping(value, where)
        if raw is None:
            return None
        kind = raw.get("type")
        if kind not in RULE_TYPES:
            self.add(
                "unknown_rule_type",
                f"{where}.type",
                'loại quy tắc "{value}" không hợp lệ; dùng một trong: {types}',
                'rule type "{value}" is not valid; use one of: {types}',
                value=str(kind),
                types=", ".join(RULE_TYPES),
            )
            return None
        self.unknown_keys(raw, RULE_KEYS[kind], where)
        if kind == "manual":
            return self.manual(raw, where, top)
        if kind == "yes_no":
            no = self.number(raw.get("no_points", 0), f"{where}.no_points")
            self.within(no, f"{where}.no_points", top)
            return YesNoRule(no_points=no) if no is not None else None
        if kind == "tiered":
            bands = self.bands(raw.get("bands"), f"{where}.bands", top)
            source = self.source(raw, where)
            unit = self.text(raw.get("unit", ""), f"{where}.unit", required=False)
            return TieredRule(bands=bands, source=source, unit=unit) if bands else None
        if kind == "ratio":
            return self.ratio(raw, where, top)
        if kind == "survey":
            name = self.text(raw.get("survey"), f"{where}.survey")
            if name and not SURVEY_NAME.match(name):
                self.add(
                    "bad_survey_name",
                    f"{where}.survey",
                    'tên khảo sát "{name}" không hợp lệ (chữ thường không dấu, số, dấu _ và dấu .)',
                    'survey name "{name}" is malformed (lower-case letters, digits, _ and .)',
                    name=name,
                )
            elif name and self.known_facts is not None:
                self.fact(f"survey.{name}", f"{where}.survey")
            threshold = self.threshold(raw, where)
            if not name or threshold is None:
                return None
            return SurveyRule(survey=name, threshold=threshold)
        return self.metric(raw, where, top)

    def manual(self, raw: Mapping[str, Any], where: str, top: Decimal | None) -> ManualRule | None:
        items = self.sequence(raw.get("levels", []), f"{where}.levels")
        levels: list[Decimal] = []
        for i, item in enumerate(items or [], start=1):
            d = self.number(item, f"{where}.levels[{i}]")
            if d is None:
                continue
            if top is not None and (d < 0 or d > top):
                self.add(
                    "level_out_of_range",
                    f"{where}.levels[{i}]",
                    "mức điểm {value} nằm ngoài khoảng [0; {max}]",
                    "level {value} is outside [0, {max}]",
                    value=d,
                    max=top,
                )
            if d in levels:
                self.add(
                    "duplicate_level",
                    f"{where}.levels[{i}]",
                    "mức điểm {value} bị lặp",
                    "level {value} is repeated",
                    value=d,
                )
            levels.append(d)
        return ManualRule(levels=tuple(levels))

    def threshold(self, raw: Mapping[str, Any], where: str) -> Decimal | None:
        if "threshold" not in raw:
            return HUNDRED
        d = self.number(raw["threshold"], f"{where}.threshold")
        if d is not None and d <= 0:
            self.add(
                "bad_threshold",
                f"{where}.threshold",
                "ngưỡng phải lớn hơn 0 (đang là {value})",
                "the threshold must be greater than 0 (got {value})",
                value=d,
            )
            return None
        return d

    def source(self, raw: Mapping[str, Any], where: str) -> str | None:
        if raw.get("source") in (None, ""):
            return None
        name = self.text(raw["source"], f"{where}.source")
        self.fact(name, f"{where}.source")
        return name

    def ratio(self, raw: Mapping[str, Any], where: str, top: Decimal | None) -> RatioRule | None:
        threshold = self.threshold(raw, where)
        source = self.source(raw, where)
        unit = self.text(raw.get("unit", "%"), f"{where}.unit", required=False)
        floor_below = None
        if raw.get("floor_below") is not None:
            floor_below = self.number(raw["floor_below"], f"{where}.floor_below")
        floor_points = self.number(raw.get("floor_points", 0), f"{where}.floor_points")
        self.within(floor_points, f"{where}.floor_points", top)
        if floor_points and raw.get("floor_below") is None:
            self.add(
                "floor_points_without_floor",
                f"{where}.floor_points",
                "có floor_points nhưng thiếu floor_below (dưới mức nào thì nhận số điểm này)",
                "floor_points is given without floor_below (the value below which it applies)",
            )
        if threshold is None or floor_points is None:
            return None
        return RatioRule(
            threshold=threshold,
            source=source,
            floor_below=floor_below,
            floor_points=floor_points,
            unit=unit,
        )

    def metric(self, raw: Mapping[str, Any], where: str, top: Decimal | None) -> MetricRule | None:
        name = self.text(raw.get("metric"), f"{where}.metric")
        if name:
            self.fact(name, f"{where}.metric")
        bands: tuple[Band, ...] = ()
        if raw.get("bands") is not None:
            bands = self.bands(raw["bands"], f"{where}.bands", top)
            if "threshold" in raw:
                self.add(
                    "bands_and_threshold",
                    where,
                    "chỉ dùng bands (bậc) hoặc threshold (ngưỡng), không dùng cả hai",
                    "use either bands or threshold, not both",
                )
        threshold = self.threshold(raw, where)
        if not name or threshold is None or (raw.get("bands") is not None and not bands):
            return None
        return MetricRule(metric=name, bands=bands, threshold=threshold)

    def bands(self, value: Any, where: str, top: Decimal | None) -> tuple[Band, ...]:
        if value is None:
            self.add("missing", where, "chưa có các bậc (bands)", "the bands are missing")
            return ()
        items = self.sequence(value, where)
        if items is None:
            return ()
        if not items:
            self.add("no_bands", where, "phải có ít nhất một bậc", "needs at least one band")
            return ()
        out: list[Band] = []
        ok = True
        for i, item in enumerate(items, start=1):
            w = f"{where}[{i}]"
            raw = self.mapping(item, w)
            if raw is None:
                ok = False
                continue
            self.unknown_keys(raw, ("gte", "lte", "points"), w)
            points = self.number(raw.get("points"), f"{w}.points")
            self.within(points, f"{w}.points", top)
            gte = self.number(raw["gte"], f"{w}.gte") if raw.get("gte") is not None else None
            lte = self.number(raw["lte"], f"{w}.lte") if raw.get("lte") is not None else None
            if raw.get("gte") is not None and raw.get("lte") is not None:
                self.add(
                    "band_both",
                    w,
                    "một bậc chỉ được có gte (≥) hoặc lte (≤), không được có cả hai",
                    "a band may have gte or lte, not both",
                )
            catch_all = raw.get("gte") is None and raw.get("lte") is None
            if catch_all and i < len(items):
                self.add(
                    "catch_all_not_last",
                    w,
                    'bậc "còn lại" (không có gte/lte) phải đứng cuối cùng',
                    "the catch-all band (no gte/lte) must be the last one",
                )
            if points is None:
                ok = False
                continue
            out.append(Band(points=points, gte=gte, lte=lte))
        last = items[-1]
        if isinstance(last, Mapping) and (
            last.get("gte") is not None or last.get("lte") is not None
        ):
            self.add(
                "bands_gap",
                where,
                'bậc cuối cùng phải là bậc "còn lại" (không có gte/lte), nếu không sẽ có giá trị '
                "không thuộc bậc nào",
                "the last band must be a catch-all (no gte/lte), otherwise some values fall in "
                "no band",
            )
        self.band_order(items, where)
        return tuple(out) if ok else ()

    def band_order(self, items: list[Any], where: str) -> None:
        maps = [b for b in items if isinstance(b, Mapping)]
        has_gte = any(b.get("gte") is not None for b in maps)
        has_lte = any(b.get("lte") is not None for b in maps)
        if has_gte and has_lte:
            self.add(
                "bands_mixed",
                where,
                "không được trộn bậc ≥ (gte) và bậc ≤ (lte) trong cùng một quy tắc",
                "gte and lte bands must not be mixed in one rule",
            )
            return
        key = "gte" if has_gte else "lte"
        previous: Decimal | None = None
        for i, b in enumerate(items, start=1):
            if not isinstance(b, Mapping) or b.get(key) is None:
                continue
            try:
                value = Decimal(str(b[key]))
            except InvalidOperation:
                continue  # already reported as not a number
            if previous is not None and key == "gte" and value >= previous:
                self.add(
                    "bands_order",
                    f"{where}[{i}].gte",
                    "các ngưỡng ≥ phải giảm dần: {value} không nhỏ hơn {previous} của bậc trước",
                    "gte thresholds must strictly decrease: {value} is not below {previous} of "
                    "the band before",
                    value=value,
                    previous=previous,
                )
            if previous is not None and key == "lte" and value <= previous:
                self.add(
                    "bands_order",
                    f"{where}[{i}].lte",
                    "các ngưỡng ≤ phải tăng dần: {value} không lớn hơn {previous} của bậc trước",
                    "lte thresholds must strictly increase: {value} is not above {previous} of "
                    "the band before",
                    value=value,
                    previous=previous,
                )
            previous = value


def parse_framework(data: Mapping[str, Any], known_facts: Set[str] | None = None) -> Framework:
    """Validate a canonical framework dict and build the engine's :class:`Framework`.

    Raises :class:`ProblemsError` listing every problem found (where, in Vietnamese and
    English). With ``known_facts``, fact names used by rules (``metric``, ``source``,
    ``survey.<name>``) must be in that set.
    """
    parser = _Parser(known_facts)
    fw = parser.framework(data)
    if parser.problems or fw is None:
        raise ProblemsError(parser.problems)
    return fw


# ---------------------------------------------------------------------------- dumping


def _band(b: Band) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if b.gte is not None:
        out["gte"] = b.gte
    if b.lte is not None:
        out["lte"] = b.lte
    out["points"] = b.points
    return out


def _rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"type": rule.type}
    if isinstance(rule, ManualRule):
        if rule.levels:
            out["levels"] = list(rule.levels)
    elif isinstance(rule, YesNoRule):
        if rule.no_points:
            out["no_points"] = rule.no_points
    elif isinstance(rule, TieredRule):
        if rule.source:
            out["source"] = rule.source
        if rule.unit:
            out["unit"] = rule.unit
        out["bands"] = [_band(b) for b in rule.bands]
    elif isinstance(rule, RatioRule):
        if rule.source:
            out["source"] = rule.source
        if rule.unit != "%":
            out["unit"] = rule.unit
        if rule.threshold != HUNDRED:
            out["threshold"] = rule.threshold
        if rule.floor_below is not None:
            out["floor_below"] = rule.floor_below
        if rule.floor_points:
            out["floor_points"] = rule.floor_points
    elif isinstance(rule, SurveyRule):
        out["survey"] = rule.survey
        if rule.threshold != HUNDRED:
            out["threshold"] = rule.threshold
    else:
        out["metric"] = rule.metric
        if rule.bands:
            out["bands"] = [_band(b) for b in rule.bands]
        elif rule.threshold != HUNDRED:
            out["threshold"] = rule.threshold
    return out


def _node(node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"code": node.code, "title": node.title, "max_points": node.max_points}
    if node.rule is not None:
        out["rule"] = _rule(node.rule)
    if node.evidence_required or node.evidence_hint:
        out["evidence"] = {"required": node.evidence_required}
        if node.evidence_hint:
            out["evidence"]["hint"] = node.evidence_hint
    if node.not_applicable.allowed or node.not_applicable.agency_types:
        out["not_applicable"] = {"allowed": node.not_applicable.allowed}
        if node.not_applicable.agency_types:
            out["not_applicable"]["agency_types"] = list(node.not_applicable.agency_types)
    if node.guidance:
        out["guidance"] = node.guidance
    if node.children:
        out["children"] = [_node(c) for c in node.children]
    return out


def _scale(scale: tuple[ClassBand, ...]) -> list[dict[str, Any]]:
    return [{"label": c.label, **({"gte": c.gte} if c.gte is not None else {})} for c in scale]


def dump_framework(fw: Framework) -> dict[str, Any]:
    """The canonical dict of ``fw``: stable key order, Decimals kept, rule defaults omitted."""
    leaders: dict[str, Any] = {"deputy_assigned_weight": fw.leaders.deputy_assigned_weight}
    if fw.leaders.scale:
        leaders["scale"] = _scale(fw.leaders.scale)
    out: dict[str, Any] = {
        "code": fw.code,
        "year": fw.year,
        "version": fw.version,
        "title": fw.title,
        "kind": fw.kind,
        "blocks": list(fw.blocks),
        "total_points": fw.total_points,
        "rounding": {
            "points": fw.rounding.points,
            "percent": fw.rounding.percent,
            "mode": fw.rounding.mode,
        },
        "final_range": [fw.final_min, fw.final_max],
        "classification": _scale(fw.classification),
        "tie_break": list(fw.tie_break),
        "leaders": leaders,
    }
    if fw.adjustments or fw.bonus_cap or fw.penalty_cap:
        items = []
        for a in fw.adjustments:
            item: dict[str, Any] = {
                "code": a.code,
                "kind": a.kind,
                "title": a.title,
                "points_each": a.points_each,
                "max": a.max,
            }
            if a.evidence_required:
                item["evidence_required"] = True
            items.append(item)
        out["adjustments"] = {
            "bonus_cap": fw.bonus_cap,
            "penalty_cap": fw.penalty_cap,
            "items": items,
        }
    out["nodes"] = [_node(n) for n in fw.nodes]
    return out


# ---------------------------------------------------------------------------- helpers


def iter_nodes(nodes: Iterable[Node]) -> Iterable[Node]:
    """Every node in tree (pre-)order."""
    for node in nodes:
        yield node
        yield from iter_nodes(node.children)


def fact_names(fw: Framework) -> set[str]:
    """The fact names the framework's rules read (``survey.<name>`` for surveys)."""
    names: set[str] = set()
    for node in iter_nodes(fw.nodes):
        rule = node.rule
        if isinstance(rule, TieredRule | RatioRule) and rule.source:
            names.add(rule.source)
        elif isinstance(rule, SurveyRule):
            names.add(rule.fact_name)
        elif isinstance(rule, MetricRule):
            names.add(rule.metric)
    return names
