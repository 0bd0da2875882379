"""What changed between two versions of a framework, in words an official can check.

:func:`diff_frameworks` compares two canonical dicts: changed settings first, then added,
removed and changed nodes in tree order (a removed node appears where it used to be). Each
:class:`Change` carries a Vietnamese and an English line. No Django import.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from chiso.engine.problems import ProblemsError
from chiso.engine.spec import dump_framework, parse_framework
from chiso.frameworks.describe import describe_rule, num

__all__ = ["Change", "diff_frameworks"]

SETTING_LABELS: dict[str, tuple[str, str]] = {
    "code": ("Mã bộ chỉ số", "Code"),
    "year": ("Năm", "Year"),
    "version": ("Phiên bản", "Version"),
    "title": ("Tên", "Title"),
    "kind": ("Loại", "Kind"),
    "blocks": ("Khối áp dụng", "Blocks"),
    "total_points": ("Tổng điểm", "Total points"),
    "rounding": ("Làm tròn", "Rounding"),
    "final_range": ("Khoảng điểm cuối cùng", "Final range"),
    "classification": ("Xếp loại", "Classification"),
    "tie_break": ("Tiêu chí phụ khi bằng điểm", "Tie-break"),
    "leaders": ("Điểm lãnh đạo", "Leader scores"),
    "adjustments.bonus_cap": ("Trần điểm thưởng", "Bonus cap"),
    "adjustments.penalty_cap": ("Trần điểm trừ", "Penalty cap"),
}
NODE_FIELDS: dict[str, tuple[str, str]] = {
    "parent": ("tiêu chí cha", "parent"),
    "title": ("tên", "title"),
    "max_points": ("điểm tối đa", "max points"),
    "rule": ("quy tắc", "rule"),
    "evidence": ("minh chứng", "evidence"),
    "not_applicable": ("không đánh giá", "not applicable"),
    "guidance": ("hướng dẫn", "guidance"),
}


@dataclass(frozen=True)
class Change:
    """One difference. ``scope`` is ``setting``, ``adjustment`` or ``node``; ``key`` the
    setting name, bonus/penalty code or node code; ``fields`` the changed node attributes."""

    kind: Literal["added", "removed", "changed"]
    scope: Literal["setting", "adjustment", "node"]
    key: str
    vi: str
    en: str
    fields: tuple[str, ...] = ()
    before: Any = field(default=None, compare=False)
    after: Any = field(default=None, compare=False)

    def text(self, lang: str = "vi") -> str:
        return self.en if lang.startswith("en") else self.vi


def _canonical(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Compare canonical forms so that ``threshold: 100`` and no threshold are the same."""
    try:
        return dump_framework(parse_framework(data))
    except ProblemsError:
        return data


def _show(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return num(value, lang)
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, Mapping) and "label" in v for v in value):
            return "; ".join(
                f"{v['label']} ≥ {num(v['gte'], lang)}" if v.get("gte") is not None else v["label"]
                for v in value
            )
        return "[" + ", ".join(_show(v, lang) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v, lang)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    return f"“{value}”"


def _settings(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[Change]:
    def flat(d: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in d.items() if k not in ("nodes", "adjustments")}
        adjustments = d.get("adjustments") or {}
        out["adjustments.bonus_cap"] = adjustments.get("bonus_cap", 0)
        out["adjustments.penalty_cap"] = adjustments.get("penalty_cap", 0)
        return out

    fa, fb = flat(a), flat(b)
    for key in SETTING_LABELS:
        before, after = fa.get(key), fb.get(key)
        if before == after:
            continue
        vi_label, en_label = SETTING_LABELS[key]
        yield Change(
            "changed",
            "setting",
            key,
            vi=f"{vi_label}: {_show(before, 'vi')} → {_show(after, 'vi')}",
            en=f"{en_label}: {_show(before, 'en')} → {_show(after, 'en')}",
            before=before,
            after=after,
        )
    items_a = {i["code"]: i for i in (a.get("adjustments") or {}).get("items", [])}
    items_b = {i["code"]: i for i in (b.get("adjustments") or {}).get("items", [])}
    for code in list(items_a) + [c for c in items_b if c not in items_a]:
        old, new = items_a.get(code), items_b.get(code)
        if old == new:
            continue
        if old is None:
            kind: Literal["added", "removed", "changed"] = "added"
            vi, en = f"Thêm điểm thưởng/trừ {code}", f"Added adjustment {code}"
        elif new is None:
            kind, vi, en = "removed", f"Bỏ điểm thưởng/trừ {code}", f"Removed adjustment {code}"
        else:
            kind, vi, en = "changed", f"Sửa điểm thưởng/trừ {code}", f"Changed adjustment {code}"
        shown = new or old or {}
        detail = f"{_show(shown.get('title'), 'vi')}, {num(shown['points_each'])}/lần, tối đa "
        detail += num(shown["max"])
        detail_en = f"{_show(shown.get('title'), 'en')}, {num(shown['points_each'], 'en')} each, "
        detail_en += f"max {num(shown['max'], 'en')}"
        yield Change(
            kind, "adjustment", code, f"{vi}: {detail}", f"{en}: {detail_en}", (), old, new
        )


def _flatten(
    nodes: list[Mapping[str, Any]], parent: str = ""
) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for node in nodes:
        yield str(node["code"]), parent, node
        yield from _flatten(node.get("children", []), str(node["code"]))


def _merged_order(old: list[str], new: list[str]) -> list[str]:
    """New tree order, with each removed code placed after its nearest surviving predecessor."""
    order = list(new)
    for i, code in enumerate(old):
        if code in order:
            continue
        anchor = next((c for c in reversed(old[:i]) if c in order), None)
        order.insert(order.index(anchor) + 1 if anchor is not None else 0, code)
    return order


def _node_value(node: Mapping[str, Any], parent: str, name: str) -> Any:
    if name == "parent":
        return parent
    return node.get(name)


def _describe_field(name: str, node: Mapping[str, Any], value: Any, lang: str) -> str:
    if name == "rule":
        return describe_rule(value, node.get("max_points", 0), lang) if value else "—"
    if name == "guidance":
        return (
            _show(value, lang)
            if value and len(str(value)) <= 80
            else _show((str(value)[:77] + "…") if value else None, lang)
        )
    return _show(value, lang)


def diff_frameworks(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Change]:
    """Every difference from ``a`` (older) to ``b`` (newer): settings, then nodes in tree order."""
    a, b = _canonical(a), _canonical(b)
    changes = list(_settings(a, b))
    old = {code: (parent, node) for code, parent, node in _flatten(a.get("nodes", []))}
    new = {code: (parent, node) for code, parent, node in _flatten(b.get("nodes", []))}
    for code in _merged_order(list(old), list(new)):
        if code not in old:
            _parent, node = new[code]
            points = num(node["max_points"])
            changes.append(
                Change(
                    "added",
                    "node",
                    code,
                    vi=f"Thêm {code} {_show(node.get('title'), 'vi')} ({points} điểm)",
                    en=f"Added {code} {_show(node.get('title'), 'en')} "
                    f"({num(node['max_points'], 'en')} points)",
                    after=node,
                )
            )
            continue
        if code not in new:
            _parent, node = old[code]
            changes.append(
                Change(
                    "removed",
                    "node",
                    code,
                    vi=f"Bỏ {code} {_show(node.get('title'), 'vi')} ({num(node['max_points'])} điểm)",
                    en=f"Removed {code} {_show(node.get('title'), 'en')} "
                    f"({num(node['max_points'], 'en')} points)",
                    before=node,
                )
            )
            continue
        (pa, na), (pb, nb) = old[code], new[code]
        names = tuple(n for n in NODE_FIELDS if _node_value(na, pa, n) != _node_value(nb, pb, n))
        if not names:
            continue
        parts_vi, parts_en = [], []
        for n in names:
            before, after = _node_value(na, pa, n), _node_value(nb, pb, n)
            vi_label, en_label = NODE_FIELDS[n]
            parts_vi.append(
                f"{vi_label} {_describe_field(n, na, before, 'vi')} → "
                f"{_describe_field(n, nb, after, 'vi')}"
            )
            parts_en.append(
                f"{en_label} {_describe_field(n, na, before, 'en')} → "
                f"{_describe_field(n, nb, after, 'en')}"
            )
        changes.append(
            Change(
                "changed",
                "node",
                code,
                vi=f"Sửa {code}: " + "; ".join(parts_vi),
                en=f"Changed {code}: " + "; ".join(parts_en),
                fields=names,
                before=na,
                after=nb,
            )
        )
    return changes
