"""What every assessment action shares: errors, who may act, the engine's view of a round."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments.measures import range_problem
from chiso.assessments.models import Assessment, ItemEntry, Round, Stage
from chiso.engine import AgencyInput, check_inputs
from chiso.engine.model import Framework as EngineFramework
from chiso.engine.model import Node, iter_nodes


class AssessmentError(Exception):
    """A request the evaluation round cannot satisfy; the message is shown to the user."""


class StateError(AssessmentError):
    """The action does not fit the stage of the round or of the assessment."""


class ConflictError(AssessmentError):
    """Someone else changed the item since the page was loaded (optimistic locking)."""


def require_reform_office(actor: Any) -> None:
    # actor None is the command line, run by whoever administers the server.
    if actor is not None:
        scope.require_reform_office(actor)


def _agency_role(actor: Any, role: str, agency_id: int) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.memberships.filter(role=role, agency_id=agency_id).exists()
    )


def require_focal_officer(actor: Any, assessment: Assessment) -> None:
    """Only a focal officer of the assessed agency itself (not of a parent) enters its scores."""
    if not _agency_role(actor, Role.FOCAL_OFFICER, assessment.agency_id):
        raise PermissionDenied


def require_agency_leader(actor: Any, assessment: Assessment) -> None:
    if not _agency_role(actor, Role.AGENCY_LEADER, assessment.agency_id):
        raise PermissionDenied


def own_agencies(user: Any) -> set[int]:
    """Agencies a user must never appraise: their appraiser home unit and every agency they act
    for through an agency role (with the units below it)."""
    home = set(
        user.memberships.filter(role=Role.APPRAISER)
        .exclude(agency=None)
        .values_list("agency_id", flat=True)
    )
    return home | scope.own_agency_ids(user)


def require_stage(obj: Round | Assessment, *allowed: str) -> None:
    current = obj.stage if isinstance(obj, Round) else obj.status
    if current not in allowed:
        raise StateError(
            _("This cannot be done at the stage «%(stage)s».") % {"stage": Stage(current).label}
        )


def lock_entry(entry: ItemEntry, expected_version: int) -> ItemEntry:
    """The entry as stored, locked for this transaction; raises :class:`ConflictError` when it
    changed since ``expected_version`` was read, so that no edit silently overwrites another."""
    current = ItemEntry.objects.select_for_update().get(pk=entry.pk)
    if current.version != expected_version:
        who = current.updated_by
        name = (who.get_full_name() or who.get_username()) if who else _("the command line")
        when = timezone.localtime(current.updated_at) if current.updated_at else None
        raise ConflictError(
            _("This item was just changed by %(who)s at %(when)s; reload it.")
            % {"who": name, "when": f"{when:%H:%M %d/%m/%Y}" if when else "?"}
        )
    return current


def bump(entry: ItemEntry, actor: Any, fields: list[str]) -> None:
    """Save the changed ``fields`` with a new version, who changed them and when."""
    entry.version += 1
    entry.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.updated_at = timezone.now()
    entry.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


def leaf(framework: EngineFramework, code: str) -> Node | None:
    return next((n for n in iter_nodes(framework.nodes) if n.code == code and n.is_leaf), None)


def check_value(
    framework: EngineFramework,
    assessment: Assessment,
    code: str,
    *,
    value: Decimal | None,
    not_applicable: bool = False,
) -> None:
    """Check one item's value and N/A mark with the engine's own rules (``check_inputs`` on a
    one-agency input), so the round accepts exactly what the engine will score."""
    agency = assessment.agency
    one = AgencyInput(
        agency=agency.code,
        agency_type=agency.type.code,
        values={code: value} if value is not None else {},
        not_applicable=frozenset({code}) if not_applicable else frozenset(),
    )
    # "Everything N/A" concerns the whole assessment, not one item; finalising reports it.
    problems = [p for p in check_inputs(framework, [one]) if p.code != "all_not_applicable"]
    lang = get_language() or "vi"
    said = [p.en if lang.startswith("en") else p.vi for p in problems]
    node = leaf(framework, code)
    # The engine scores any number on a tiered or ratio item; a rate of 150 % or -5 days late
    # is a typing slip, refused here so it is never scored (review s6, M4).
    out_of_range = None if not_applicable else range_problem(node, value)
    if out_of_range:
        said.append(out_of_range)
    if said:
        raise AssessmentError(
            "; ".join(
                _("Item %(code)s «%(title)s»: %(problem)s")
                % {"code": code, "title": node.title if node else "", "problem": problem}
                for problem in said
            )
        )


def plain(value: Decimal | None) -> str | None:
    """A value as the audit trail stores it."""
    return None if value is None else format(value.normalize(), "f")
