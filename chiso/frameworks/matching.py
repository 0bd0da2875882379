"""Which node of one framework version is the same field or criterion in another.

Frameworks carry no stable identity for a node: the code is its *position* ("3.7"), and
versions renumber it when a criterion is inserted (so-ban-nganh 2022 → 2023 inserted a new 3.4,
so the 2022 "3.7 satisfaction" is the 2023 "3.10"). Comparing nodes by code compares different
criteria. :func:`match_frameworks` pairs the nodes of two canonical framework dicts
(``Framework.to_dict()`` or a YAML file) on evidence, strongest first, one depth at a time:

1. the same title (case, spacing and punctuation ignored);
2. the same measured quantity (``rule.metric``, ``rule.survey`` or ``rule.source``, e.g.
   ``dossier.online_rate``) when exactly one node on each side measures it;
3. a reworded title (difflib similarity ≥ :data:`SIMILAR`, most similar first) under parents
   already paired (depth 0: any field).

A node of the newer version that nothing pairs is *new*; one of the older version is *removed*.
Codes are never evidence. Each :class:`Match` lists what differs (``code``, ``title``,
``max_points``, ``rule_type``) and says whether figures of the two versions may be compared
(:attr:`Match.comparable`: same title, same maximum, same kind of rule). Changes of rule
details (bands, thresholds) do not make a node another criterion; the framework diff lists them.

:func:`match_nodes` works on plain :class:`NodeRef` lists, so callers holding only stored
results (code, title, depth, max) can use it too. Pure Python, no Django import. Used by the
losses' year-over-year column (:mod:`chiso.plans.losses`) and the framework diff
(:mod:`chiso.frameworks.diff`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any, Literal

__all__ = [
    "SIMILAR",
    "Match",
    "Matching",
    "NodeRef",
    "match_frameworks",
    "match_nodes",
    "node_refs",
]

SIMILAR = 0.8  # difflib ratio of two normalised titles treated as the same criterion reworded

Evidence = Literal["title", "measure", "similar_title"]


@dataclass(frozen=True)
class NodeRef:
    """What matching needs of one node. ``measure`` is the quantity its rule reads, if any."""

    code: str
    title: str
    depth: int
    max_points: Decimal
    parent: str | None = None
    rule_type: str | None = None
    measure: str | None = None

    @property
    def key(self) -> str:
        return normalise_title(self.title)


@dataclass(frozen=True)
class Match:
    """A node of the older version (``before``) paired with one of the newer (``after``)."""

    before: NodeRef
    after: NodeRef
    evidence: Evidence
    moved: bool = False  # the node sits under another field than its counterpart's

    @property
    def changes(self) -> tuple[str, ...]:
        """The attributes that differ, of ``code``, ``parent`` (moved to another field),
        ``title``, ``max_points``, ``rule_type``, ``measure`` (what the rule reads, e.g. an
        entered rate becoming one computed from the system's data)."""
        out = []
        if self.moved:
            out.append("parent")
        if self.before.code != self.after.code:
            out.append("code")
        if self.before.key != self.after.key:
            out.append("title")
        if self.before.max_points != self.after.max_points:
            out.append("max_points")
        if self.before.rule_type != self.after.rule_type:
            out.append("rule_type")
        if self.before.measure != self.after.measure:
            out.append("measure")
        return tuple(out)

    @property
    def renumbered(self) -> bool:
        return self.before.code != self.after.code

    @property
    def comparable(self) -> bool:
        """Whether last version's figure may be set against this one's: the same field, title,
        maximum, kind of rule and measured quantity (a renumbering alone does not matter). A
        title found under another field may be a generic one ("Ban hành kế hoạch") naming
        another criterion; a rate the agency entered is not the rate the system computes."""
        return not {"parent", "title", "max_points", "rule_type", "measure"} & set(self.changes)


@dataclass(frozen=True)
class Matching:
    """The result of matching two versions: pairs, and the nodes left on either side."""

    matches: tuple[Match, ...]
    added: tuple[NodeRef, ...]  # nodes of the newer version with no counterpart
    removed: tuple[NodeRef, ...]  # nodes of the older version with no counterpart

    def for_new(self, code: str) -> Match | None:
        """The pair whose newer node has ``code`` (None for a new node)."""
        return next((m for m in self.matches if m.after.code == code), None)

    def for_old(self, code: str) -> Match | None:
        """The pair whose older node has ``code`` (None for a removed node)."""
        return next((m for m in self.matches if m.before.code == code), None)


def normalise_title(title: str) -> str:
    """Lower case, NFC, punctuation dropped, spaces collapsed: "Tỷ lệ  hồ sơ." == "tỷ lệ hồ sơ"."""
    text = unicodedata.normalize("NFC", title).casefold()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def _measure(rule: Mapping[str, Any] | None) -> str | None:
    if not rule:
        return None
    for key in ("metric", "survey", "source"):
        if rule.get(key):
            return f"{key}:{rule[key]}"
    return None


def node_refs(framework: Mapping[str, Any]) -> list[NodeRef]:
    """Every node of a canonical framework dict, in tree order."""

    def walk(
        nodes: Iterable[Mapping[str, Any]], parent: str | None, depth: int
    ) -> Iterator[NodeRef]:
        for node in nodes:
            rule = node.get("rule")
            yield NodeRef(
                code=str(node["code"]),
                title=str(node["title"]),
                depth=depth,
                max_points=Decimal(str(node["max_points"])),
                parent=parent,
                rule_type=rule.get("type") if rule else None,
                measure=_measure(rule),
            )
            yield from walk(node.get("children") or (), str(node["code"]), depth + 1)

    return list(walk(framework.get("nodes") or (), None, 0))


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_nodes(before: Sequence[NodeRef], after: Sequence[NodeRef]) -> Matching:
    """Pair ``before`` (older version) with ``after`` (newer), each node at most once."""
    pairs: dict[str, Match] = {}  # by the newer node's code
    taken: set[str] = set()  # older codes already paired

    def free(refs: Sequence[NodeRef], depth: int, paired: Iterable[str]) -> list[NodeRef]:
        used = set(paired)
        return [r for r in refs if r.depth == depth and r.code not in used]

    def pair(old: NodeRef, new: NodeRef, evidence: Evidence) -> None:
        # Parents are paired before their children (one depth at a time).
        pairs[new.code] = Match(old, new, evidence, moved=not _parents_paired(old, new, pairs))
        taken.add(old.code)

    def unique_on(attr: str, depth: int, evidence: Evidence) -> None:
        olds = free(before, depth, taken)
        news = free(after, depth, pairs)
        old_by: dict[str, list[NodeRef]] = {}
        for r in olds:
            if getattr(r, attr):
                old_by.setdefault(getattr(r, attr), []).append(r)
        new_by: dict[str, list[NodeRef]] = {}
        for r in news:
            if getattr(r, attr):
                new_by.setdefault(getattr(r, attr), []).append(r)
        for value, new_list in new_by.items():
            old_list = old_by.get(value, [])
            if len(new_list) == 1 and len(old_list) == 1:
                pair(old_list[0], new_list[0], evidence)
            elif attr == "key" and new_list and old_list:
                # The same title twice in one version (rare): pair within the same parent.
                for new in new_list:
                    same_parent = [
                        o
                        for o in old_list
                        if o.code not in taken and _parents_paired(o, new, pairs)
                    ]
                    if len(same_parent) == 1:
                        pair(same_parent[0], new, evidence)

    depths = sorted({r.depth for r in after} | {r.depth for r in before})
    for depth in depths:
        unique_on("key", depth, "title")
        unique_on("measure", depth, "measure")
        candidates = sorted(
            (
                (_similar(old.key, new.key), i, j, old, new)
                for j, new in enumerate(free(after, depth, pairs))
                for i, old in enumerate(free(before, depth, taken))
                if _parents_paired(old, new, pairs)
            ),
            key=lambda c: (-c[0], c[1], c[2]),
        )
        for score, _i, _j, old, new in candidates:
            if score >= SIMILAR and old.code not in taken and new.code not in pairs:
                pair(old, new, "similar_title")

    order = {r.code: n for n, r in enumerate(after)}
    matches = tuple(sorted(pairs.values(), key=lambda m: order[m.after.code]))
    return Matching(
        matches=matches,
        added=tuple(r for r in after if r.code not in pairs),
        removed=tuple(r for r in before if r.code not in taken),
    )


def _parents_paired(old: NodeRef, new: NodeRef, pairs: Mapping[str, Match]) -> bool:
    if new.parent is None or old.parent is None:
        return new.parent is None and old.parent is None
    parent = pairs.get(new.parent)
    return parent is not None and parent.before.code == old.parent


def match_frameworks(before: Mapping[str, Any], after: Mapping[str, Any]) -> Matching:
    """Match the nodes of two canonical framework dicts (older first)."""
    return match_nodes(node_refs(before), node_refs(after))
