"""The engine's inputs for a round: effective values, N/A marks, facts, adjustments, leaders."""

from __future__ import annotations

import datetime

from django.db.models import Q

from chiso.assessments.models import Assessment, Round
from chiso.engine import AgencyInput, LeaderInput
from chiso.facts.importing import facts_for
from chiso.org.models import Agency, Position


def leaders_of(agency: Agency, year: int) -> tuple[LeaderInput, ...]:
    """The heads and deputies who held office at some time in ``year``, with the node codes
    assigned to each deputy for that year (par-index.md §2.4)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    positions = (
        Position.objects.filter(agency=agency, start__lte=last)
        .filter(Q(end=None) | Q(end__gte=first))
        .select_related("person")
        .prefetch_related("assignments")
        .order_by("role", "person__code", "start")
    )
    out = []
    for position in positions:
        assigned: list[str] = next(
            (a.node_codes for a in position.assignments.all() if a.year == year), []
        )
        out.append(
            LeaderInput(
                id=position.person.code,
                name=position.person.full_name,
                role="head" if position.role == Position.Role.HEAD else "deputy",
                assigned=tuple(assigned) if position.role == Position.Role.DEPUTY else (),
            )
        )
    return tuple(out)


def assessment_input(assessment: Assessment) -> AgencyInput:
    """One agency's input: each item's effective value (council → round 2 → round 1 → self)."""
    agency = assessment.agency
    entries = list(assessment.entries.all())
    return AgencyInput(
        agency=agency.code,
        name=agency.name,
        agency_type=agency.type.code,
        values={e.code: v for e in entries if (v := e.effective_value) is not None},
        not_applicable=frozenset(e.code for e in entries if e.self_not_applicable),
        facts=facts_for(agency, assessment.round.year),
        adjustments={a.code: a.count for a in assessment.adjustments.all()},
        leaders=leaders_of(agency, assessment.round.year),
    )


def round_inputs(rnd: Round) -> list[AgencyInput]:
    """Every agency's input, in the order of the block's agencies by name."""
    assessments = rnd.assessments.select_related("agency__type", "round").order_by("agency__name")
    return [assessment_input(a) for a in assessments]
