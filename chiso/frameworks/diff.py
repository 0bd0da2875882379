"""What changed between two versions of a framework, in words an official can check.

:func:`diff_frameworks` compares two canonical dicts: changed settings first, then added,
removed, renumbered and changed nodes in tree order (a removed node appears where it used to
be). Nodes are paired by :func:`chiso.frameworks.matching.match_frameworks` (title, measured
quantity, reworded title; never by code), so a criterion that moved from 3.4 to 3.5 because a
new 3.4 was inserted reads "3.4 → 3.5 (đánh số lại)", not as a rename of 3.4 (review s8 §8).
Settings are written in words (:mod:`chiso.frameworks.describe_settings`), never as keys or
JSON. Each :class:`Change` carries a Vietnamese and an English line. No Django import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from chiso.engine.problems import ProblemsError
from chiso.engine.spec import dump_framework, parse_framework
from chiso.frameworks.describe import describe_rule, num
from chiso.frameworks.describe_settings import (
    describe_blocks,
    describe_evidence,
    describe_final_range,
    describe_kind,
    describe_not_applicable,
    describe_rounding,
    describe_scale,
    describe_tie_break,
    describe_weight,
)
from chiso.frameworks.matching import Matching, match_frameworks

__all__ = ["Change", "diff_frameworks"]

Kind = Literal["added", "removed", "renumbered", "changed"]

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
    "leaders.deputy_assigned_weight": (
        "Trọng số lĩnh vực phụ trách của cấp phó",
        "Deputy's weight on assigned fields",
    ),
    "leaders.scale": ("Thang xếp loại lãnh đạo", "Leaders' classification scale"),
    "adjustments.bonus_cap": ("Trần điểm thưởng", "Bonus cap"),
    "adjustments.penalty_cap": ("Trần điểm trừ", "Penalty cap"),
}
NODE_FIELDS: dict[str, tuple[str, str]] = {
    "parent": ("thuộc", "under"),
    "title": ("tên", "title"),
    "max_points": ("điểm tối đa", "max points"),
    "rule": ("quy tắc", "rule"),
    # A colon where the value is a state: "không đánh giá: không cho phép → cho phép".
    "evidence": ("minh chứng:", "evidence:"),
    "not_applicable": ("không đánh giá:", "not applicable:"),
    "guidance": ("hướng dẫn", "guidance"),
}
RENUMBERED = ("đánh số lại", "renumbered")
GUIDANCE_SHOWN = 80  # characters of a guidance text quoted in a change line


@dataclass(frozen=True)
class Change:
    """One difference. ``scope`` is ``setting``, ``adjustment`` or ``node``; ``key`` the
    setting name, bonus/penalty code or node code (the newer one for a node still there);
    ``fields`` the changed node attributes (``code`` when renumbered); ``before_key`` the older
    code of a renumbered node."""

    kind: Kind
    scope: Literal["setting", "adjustment", "node"]
    key: str
    vi: str
    en: str
    fields: tuple[str, ...] = ()
    before: Any = field(default=None, compare=False)
    after: Any = field(default=None, compare=False)
    before_key: str = ""

    def text(self, lang: str = "vi") -> str:
        return self.en if lang.startswith("en") else self.vi


def _canonical(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Compare canonical forms so that ``threshold: 100`` and no threshold are the same."""
    try:
        return dump_framework(parse_framework(data))
    except ProblemsError:
        return data


def _quote(value: Any, lang: str) -> str:
    """A text in quotes, a number as people write it, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return num(value, lang)
    return f"“{value}”"


# ---------------------------------------------------------------------------- settings


def _setting_words(blocks: Mapping[str, str]) -> dict[str, Callable[[Any, str], str]]:
    return {
        "kind": describe_kind,
        "blocks": lambda v, lang: describe_blocks(v, blocks, lang),
        "rounding": describe_rounding,
        "final_range": describe_final_range,
        "classification": describe_scale,
        "tie_break": describe_tie_break,
        "leaders.deputy_assigned_weight": describe_weight,
        "leaders.scale": describe_scale,
    }


def _flat_settings(d: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in d.items() if k not in ("nodes", "adjustments", "leaders")}
    leaders = d.get("leaders") or {}
    out["leaders.deputy_assigned_weight"] = leaders.get("deputy_assigned_weight")
    out["leaders.scale"] = leaders.get("scale") or []
    adjustments = d.get("adjustments") or {}
    out["adjustments.bonus_cap"] = adjustments.get("bonus_cap", 0)
    out["adjustments.penalty_cap"] = adjustments.get("penalty_cap", 0)
    return out


def _settings(
    a: Mapping[str, Any], b: Mapping[str, Any], blocks: Mapping[str, str]
) -> Iterator[Change]:
    words = _setting_words(blocks)
    fa, fb = _flat_settings(a), _flat_settings(b)
    for key, (vi_label, en_label) in SETTING_LABELS.items():
        before, after = fa.get(key), fb.get(key)
        if before == after:
            continue
        say = words.get(key, _quote)
        yield Change(
            "changed",
            "setting",
            key,
            vi=f"{vi_label}: {say(before, 'vi')} → {say(after, 'vi')}",
            en=f"{en_label}: {say(before, 'en')} → {say(after, 'en')}",
            before=before,
            after=after,
        )
    yield from _adjustments(a, b)


def _adjustments(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[Change]:
    items_a = {i["code"]: i for i in (a.get("adjustments") or {}).get("items", [])}
    items_b = {i["code"]: i for i in (b.get("adjustments") or {}).get("items", [])}
    for code in list(items_a) + [c for c in items_b if c not in items_a]:
        old, new = items_a.get(code), items_b.get(code)
        if old == new:
            continue
        kind: Kind
        if old is None:
            kind, vi, en = "added", f"Thêm điểm thưởng/trừ {code}", f"Added adjustment {code}"
        elif new is None:
            kind, vi, en = "removed", f"Bỏ điểm thưởng/trừ {code}", f"Removed adjustment {code}"
        else:
            kind, vi, en = "changed", f"Sửa điểm thưởng/trừ {code}", f"Changed adjustment {code}"
        shown = new or old or {}
        detail = f"{_quote(shown.get('title'), 'vi')}, {num(shown['points_each'])}/lần, tối đa "
        detail += num(shown["max"])
        detail_en = f"{_quote(shown.get('title'), 'en')}, {num(shown['points_each'], 'en')} each, "
        detail_en += f"max {num(shown['max'], 'en')}"
        yield Change(
            kind, "adjustment", code, f"{vi}: {detail}", f"{en}: {detail_en}", (), old, new
        )


# ---------------------------------------------------------------------------- nodes


def _flatten(
    nodes: list[Mapping[str, Any]], parent: str = ""
) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for node in nodes:
        yield str(node["code"]), parent, node
        yield from _flatten(node.get("children", []), str(node["code"]))


Token = tuple[Literal["old", "new"], str]


def _merged_order(old: list[str], new: list[str], old_to_new: Mapping[str, str]) -> list[Token]:
    """The newer tree order, with each removed node placed right after the node that preceded
    it in the older tree (its newer counterpart, or the removed node placed before it)."""
    order: list[Token] = [("new", code) for code in new]
    for i, code in enumerate(old):
        if code in old_to_new:
            continue
        anchor: Token | None = None
        if i > 0:
            previous = old[i - 1]
            anchor = ("new", old_to_new[previous]) if previous in old_to_new else ("old", previous)
        order.insert(order.index(anchor) + 1 if anchor is not None else 0, ("old", code))
    return order


def _describe_field(name: str, node: Mapping[str, Any], value: Any, lang: str) -> str:
    if name == "rule":
        return describe_rule(value, node.get("max_points", 0), lang) if value else "—"
    if name == "evidence":
        return describe_evidence(value, lang)
    if name == "not_applicable":
        return describe_not_applicable(value, lang)
    if name == "parent":
        return value or ("cấp lĩnh vực" if lang == "vi" else "top level")
    if name == "guidance" and value and len(str(value)) > GUIDANCE_SHOWN:
        return _quote(str(value)[: GUIDANCE_SHOWN - 3] + "…", lang)
    return _quote(value, lang)


def _points_en(value: Any) -> str:
    """ "1 point", "0.5 points"."""
    return f"{num(value, 'en')} {'point' if Decimal(str(value)) == 1 else 'points'}"


def _added(code: str, node: Mapping[str, Any]) -> Change:
    return Change(
        "added",
        "node",
        code,
        vi=f"Thêm {code} {_quote(node.get('title'), 'vi')} ({num(node['max_points'])} điểm)",
        en=f"Added {code} {_quote(node.get('title'), 'en')} ({_points_en(node['max_points'])})",
        after=node,
    )


def _removed(code: str, node: Mapping[str, Any]) -> Change:
    return Change(
        "removed",
        "node",
        code,
        vi=f"Bỏ {code} {_quote(node.get('title'), 'vi')} ({num(node['max_points'])} điểm)",
        en=f"Removed {code} {_quote(node.get('title'), 'en')} ({_points_en(node['max_points'])})",
        before=node,
    )


def _paired(
    old_code: str,
    code: str,
    old: tuple[str, Mapping[str, Any]],
    new: tuple[str, Mapping[str, Any]],
    old_to_new: Mapping[str, str],
    parents: tuple[str, str],
) -> Change | None:
    """The change of a node present in both versions, None when nothing changed; ``parents``
    names its field before and after."""
    (pa, na), (pb, nb) = old, new
    # A parent renumbered along with its children is not a move; a parent that has no
    # counterpart (removed) is, even when a new parent reuses its code.
    moved = (old_to_new.get(pa) if pa else "") != pb
    names = tuple(n for n in NODE_FIELDS if (moved if n == "parent" else na.get(n) != nb.get(n)))
    renumbered = old_code != code
    if not names and not renumbered:
        return None
    head_vi, head_en = f"Sửa {code}", f"Changed {code}"
    if renumbered:
        head_vi = f"{old_code} → {code} ({RENUMBERED[0]})"
        head_en = f"{old_code} → {code} ({RENUMBERED[1]})"
    if not names:
        return Change(
            "renumbered",
            "node",
            code,
            vi=f"{head_vi} {_quote(nb.get('title'), 'vi')}",
            en=f"{head_en} {_quote(nb.get('title'), 'en')}",
            fields=("code",),
            before=na,
            after=nb,
            before_key=old_code,
        )
    parts: dict[str, list[str]] = {"vi": [], "en": []}
    for name in names:
        before = parents[0] if name == "parent" else na.get(name)
        after = parents[1] if name == "parent" else nb.get(name)
        for lang, label in zip(("vi", "en"), NODE_FIELDS[name], strict=True):
            parts[lang].append(
                f"{label} {_describe_field(name, na, before, lang)} → "
                f"{_describe_field(name, nb, after, lang)}"
            )
    if renumbered:
        head_vi = f"Sửa {head_vi}"
        head_en = f"Changed {head_en}"
    return Change(
        "changed",
        "node",
        code,
        vi=f"{head_vi}: " + "; ".join(parts["vi"]),
        en=f"{head_en}: " + "; ".join(parts["en"]),
        fields=(("code",) if renumbered else ()) + names,
        before=na,
        after=nb,
        before_key=old_code if renumbered else "",
    )


def _named(code: str, node: Mapping[str, Any]) -> str:
    return f"{code} {node.get('title', '')}".strip()


def _nodes(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[Change]:
    matching: Matching = match_frameworks(a, b)
    old_to_new = {m.before.code: m.after.code for m in matching.matches}
    new_to_old = {m.after.code: m.before.code for m in matching.matches}
    old = {code: (parent, node) for code, parent, node in _flatten(a.get("nodes", []))}
    new = {code: (parent, node) for code, parent, node in _flatten(b.get("nodes", []))}
    for side, code in _merged_order(list(old), list(new), old_to_new):
        if side == "old":
            yield _removed(code, old[code][1])
        elif code not in new_to_old:
            yield _added(code, new[code][1])
        else:
            old_code = new_to_old[code]
            old_parent, new_parent = old[old_code][0], new[code][0]
            # A moved node names its fields by code and title: a removed field's code may be
            # reused by the renumbered field the node moved into ("1 → 1" says nothing).
            parents = (
                _named(old_parent, old[old_parent][1]) if old_parent else "",
                _named(new_parent, new[new_parent][1]) if new_parent else "",
            )
            change = _paired(old_code, code, old[old_code], new[code], old_to_new, parents)
            if change is not None:
                yield change


def diff_frameworks(
    a: Mapping[str, Any], b: Mapping[str, Any], block_names: Mapping[str, str] | None = None
) -> list[Change]:
    """Every difference from ``a`` (older) to ``b`` (newer): settings, then nodes in tree
    order. ``block_names`` maps block codes to the names shown (codes without one stay)."""
    a, b = _canonical(a), _canonical(b)
    return [*_settings(a, b, block_names or {}), *_nodes(a, b)]
