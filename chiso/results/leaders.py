"""Heads and deputies of a block, province-wide: who they are, what they answer for, and their
score and classification (review s8, finding 6; par-index.md §2.4).

Scores and classes are read from the stored result rows (``AgencyScore.leaders``), the very
numbers each agency's scorecard shows; nothing is recomputed here. Job titles come from the
people registry. When the block has no result set the user may see (not computed yet, or not
published for an agency user), the table lists the registry's heads and deputies of that year,
with the fields assigned to them and no score.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from chiso.accounts import scope
from chiso.assessments.inputs import leaders_of
from chiso.frameworks.models import Framework
from chiso.org.models import Agency, Block, Position
from chiso.results.models import AgencyScore, ResultSet

HEAD = "head"
DEPUTY = "deputy"

# How the table may be ordered: the official order (agency rank, head first) or by score.
SORTS = ("", "score-desc", "score-asc")


@dataclass(frozen=True)
class AssignedField:
    code: str
    title: str


@dataclass(frozen=True)
class LeaderRow:
    """One head or deputy. ``score`` and ``classification`` are None without a result set."""

    agency: Agency
    name: str
    role: str  # HEAD or DEPUTY
    title: str  # the job title in the registry ("Giám đốc"), "" when none is recorded
    fields: tuple[AssignedField, ...]
    score: Decimal | None
    classification: str | None

    @property
    def is_head(self) -> bool:
        return self.role == HEAD

    @property
    def unassigned(self) -> bool:
        """A deputy without fields for the year: the page says so instead of a blank cell."""
        return self.role == DEPUTY and not self.fields


@dataclass(frozen=True)
class ClassCount:
    label: str
    heads: int
    deputies: int

    @property
    def total(self) -> int:
        return self.heads + self.deputies


@dataclass
class LeaderTable:
    year: int
    block: Block
    result_set: ResultSet | None
    rows: list[LeaderRow] = field(default_factory=list)
    counts: list[ClassCount] = field(default_factory=list)

    @property
    def heads(self) -> int:
        return sum(1 for r in self.rows if r.is_head)

    @property
    def deputies(self) -> int:
        return len(self.rows) - self.heads

    @property
    def fields_named(self) -> list[AssignedField]:
        """Every field or criterion assigned to someone in the table, once, in code order: the
        legend under the table, whose cells give the codes only."""
        found = {f.code: f for row in self.rows for f in row.fields}
        return [found[code] for code in sorted(found, key=_code_key)]

    @property
    def heads_summary(self) -> str:
        """The heads' classes as provinces publish them: "14 Xuất sắc, 6 Tốt"."""
        return ", ".join(f"{c.heads} {c.label}" for c in self.counts if c.heads)

    @property
    def deputies_summary(self) -> str:
        return ", ".join(f"{c.deputies} {c.label}" for c in self.counts if c.deputies)


def _code_key(code: str) -> tuple[int | str, ...]:
    """ "1.2" before "1.10" before "2"."""
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))


def _titles(agency_ids: list[int], year: int) -> dict[tuple[int, str, str], str]:
    """Job titles of the terms held in ``year``, keyed by (agency id, person code, role)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    positions = (
        Position.objects.filter(agency_id__in=agency_ids, start__lte=last)
        .filter(Q(end=None) | Q(end__gte=first))
        .select_related("person")
        .order_by("start")
    )
    role_of: dict[str, str] = {Position.Role.HEAD: HEAD, Position.Role.DEPUTY: DEPUTY}
    # Later terms win: the title the person held last in the year.
    return {(p.agency_id, p.person.code, role_of[p.role]): p.title for p in positions}


def _scale(result_set: ResultSet | None) -> list[str]:
    """The leaders' classification labels, best first: the leader policy's own scale, else the
    framework's (chiso.engine.model.LeaderPolicy)."""
    if result_set is None:
        return []
    settings: dict[str, Any] = result_set.framework.settings
    bands = (settings.get("leaders") or {}).get("scale") or settings.get("classification", [])
    return [b["label"] for b in bands]


def _counts(rows: list[LeaderRow], scale: list[str]) -> list[ClassCount]:
    labels = scale + sorted(
        {r.classification for r in rows if r.classification and r.classification not in scale}
    )
    return [
        ClassCount(
            label,
            sum(1 for r in rows if r.is_head and r.classification == label),
            sum(1 for r in rows if not r.is_head and r.classification == label),
        )
        for label in labels
    ]


def _scored_rows(result_set: ResultSet, agency_ids: set[int] | None) -> list[LeaderRow]:
    scores = result_set.scores.select_related("agency").order_by("rank", "agency__name")
    if agency_ids is not None:
        scores = scores.filter(agency_id__in=agency_ids)
    scores_list: list[AgencyScore] = list(scores)
    titles = _titles([s.agency_id for s in scores_list], result_set.year)
    rows = []
    for score in scores_list:
        names = {n["code"]: n["title"] for n in score.nodes}
        for leader in score.leaders_in_order:
            rows.append(
                LeaderRow(
                    agency=score.agency,
                    name=leader["name"],
                    role=leader["role"],
                    title=titles.get((score.agency_id, leader["id"], leader["role"]), ""),
                    fields=tuple(
                        AssignedField(code, names.get(code, "")) for code in leader["assigned"]
                    ),
                    score=Decimal(leader["score"]) if leader.get("score") is not None else None,
                    classification=leader.get("classification"),
                )
            )
    return rows


def _field_titles(block: Block) -> dict[str, str]:
    """Titles of the nodes of the year's published index framework of ``block`` (latest
    version); empty when there is none yet."""
    candidates = Framework.objects.filter(
        year=block.year, kind="par_index", status=Framework.Status.PUBLISHED
    ).order_by("-version")
    framework = next((f for f in candidates if block.code in f.block_codes), None)
    if framework is None:
        return {}
    return dict(framework.nodes.values_list("code", "title"))


def _registry_rows(block: Block, agency_ids: set[int] | None) -> list[LeaderRow]:
    agencies = block.agencies.order_by("name")
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=agency_ids)
    agency_list = list(agencies)
    titles = _titles([a.pk for a in agency_list], block.year)
    names = _field_titles(block)
    rows = []
    for agency in agency_list:
        # The same reading of the registry as the evaluation round's inputs.
        for leader in sorted(leaders_of(agency, block.year), key=lambda ld: ld.role != HEAD):
            rows.append(
                LeaderRow(
                    agency=agency,
                    name=leader.name,
                    role=leader.role,
                    title=titles.get((agency.pk, leader.id, leader.role), ""),
                    fields=tuple(AssignedField(c, names.get(c, "")) for c in leader.assigned),
                    score=None,
                    classification=None,
                )
            )
    return rows


def visible_agency_ids(user: Any, result_set: ResultSet | None) -> set[int] | None:
    """The agencies whose rows ``user`` sees; None: every row. Published results are public
    (the public scorecards show every leader's score), so everyone sees all of them; otherwise
    province-wide roles see every row and an agency's people their own agency's."""
    if result_set is not None and result_set.status == ResultSet.Status.PUBLISHED:
        return None
    return None if scope.sees_whole_province(user) else scope.own_agency_ids(user)


def leader_table(
    block: Block, result_set: ResultSet | None, agency_ids: set[int] | None
) -> LeaderTable:
    """Every head and deputy of ``block`` in agencies ``agency_ids`` (None: all), in the
    official order: the agency's rank, then the head before the deputies."""
    if result_set is not None:
        rows = _scored_rows(result_set, agency_ids)
    else:
        rows = _registry_rows(block, agency_ids)
    return LeaderTable(block.year, block, result_set, rows, _counts(rows, _scale(result_set)))


def sorted_rows(rows: list[LeaderRow], sort: str) -> list[LeaderRow]:
    """``rows`` in the order asked for: "score-desc" (best first), "score-asc" (those who lag
    first), anything else keeps the official order. Ties: agency name, head first."""
    if sort not in ("score-desc", "score-asc"):
        return rows
    sign = -1 if sort == "score-desc" else 1
    scored = [r for r in rows if r.score is not None]
    unscored = [r for r in rows if r.score is None]
    scored.sort(key=lambda r: (sign * (r.score or 0), r.agency.name, not r.is_head, r.name))
    return scored + unscored
