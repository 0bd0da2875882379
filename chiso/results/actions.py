"""The write path for results: score a block with the engine and store it, finalise, publish."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.engine import AgencyInput, score_block
from chiso.frameworks.models import Framework
from chiso.notifications import triggers
from chiso.org.models import Agency, Block
from chiso.results.models import AgencyScore, ResultSet
from chiso.results.serialize import input_to_dict, leaders_to_list, nodes_to_list
from chiso.results.snapshots import append_snapshot


class ResultError(Exception):
    """A request the results cannot satisfy; the message is shown to the user."""


def _authorize(actor: Any) -> None:
    # actor None is the command line, run by whoever administers the server.
    if actor is not None and not scope.is_reform_office(actor):
        raise PermissionDenied


@transaction.atomic
def compute_result_set(
    block: Block,
    framework: Framework,
    inputs: Sequence[AgencyInput],
    *,
    actor: Any,
    source: str,
    note: str = "",
) -> ResultSet:
    """Score every agency of ``block`` under ``framework`` and store the results as a draft.

    Replaces an earlier draft of the same block and framework; refuses when that set is already
    finalised. Raises :class:`chiso.engine.ProblemsError` on bad inputs (nothing written).
    """
    _authorize(actor)
    if not inputs:
        raise ResultError(_("There are no agencies to score."))
    _check_framework_fits(block, framework)
    engine_framework = framework.to_engine()
    block_result = score_block(engine_framework, inputs)
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[i.agency for i in inputs])}
    missing = sorted({i.agency for i in inputs} - set(agencies))
    if missing:
        raise ResultError(_("Unknown agency codes: %(codes)s") % {"codes": ", ".join(missing)})
    members = set(block.agencies.values_list("code", flat=True))
    outside = sorted(set(agencies) - members)
    if outside:
        raise ResultError(
            _("Not in the block %(block)s: %(codes)s")
            % {"block": block.name, "codes": ", ".join(outside)}
        )
    existing = ResultSet.objects.filter(block=block).first()
    if existing is not None:
        if existing.is_locked:
            raise ResultError(_("These results are finalised and cannot be recomputed."))
        existing.delete()
    result_set = ResultSet.objects.create(
        year=block.year,
        block=block,
        framework=framework,
        source=source,
        computed_at=timezone.now(),
        mean_final=block_result.mean_final or 0,
        class_counts=dict(block_result.class_counts),
        note=note,
    )
    by_code = {i.agency: i for i in inputs}
    AgencyScore.objects.bulk_create(
        AgencyScore(
            result_set=result_set,
            agency=agencies[r.agency],
            rank=r.rank or 0,
            base_points=r.base_points,
            base_max=r.base_max,
            base_percent=r.base_percent,
            bonus=r.bonus,
            penalty=r.penalty,
            final=r.final,
            classification=r.classification or "",
            nodes=nodes_to_list(engine_framework, r),
            inputs=input_to_dict(by_code[r.agency]),
            leaders=leaders_to_list(r),
        )
        for r in block_result.agencies
    )
    record(
        "results.computed",
        actor=actor,
        obj=result_set,
        data={
            "framework": str(framework),
            "agencies": len(inputs),
            "mean_final": block_result.mean_final,
            "source": source,
        },
    )
    return result_set


def _check_framework_fits(block: Block, framework: Framework) -> None:
    """Results are only computed under a published framework of the block's year that lists the
    block (a draft could still change, and deleting it would orphan the results)."""
    stored = Framework.objects.filter(pk=framework.pk).values_list("status", flat=True).first()
    if stored != Framework.Status.PUBLISHED:
        raise ResultError(_("Results are computed only under a published framework."))
    if framework.year != block.year or block.code not in framework.blocks:
        raise ResultError(
            _("The framework %(framework)s does not apply to the block %(block)s.")
            % {"framework": framework, "block": block}
        )


@transaction.atomic
def reopen_result_set(result_set: ResultSet, *, actor: Any, reason: str) -> ResultSet:
    """Unlock finalised (not published) results so that they can be recomputed; the reason is
    required and audited. Published results never reopen: their snapshot is public."""
    _authorize(actor)
    if not reason.strip():
        raise ResultError(_("Give the reason for reopening the results."))
    if result_set.status != ResultSet.Status.FINALISED:
        raise ResultError(_("Only finalised, unpublished results can be reopened."))
    result_set.status = ResultSet.Status.DRAFT
    result_set.finalised_at = None
    result_set.save(update_fields=["status", "finalised_at"])
    record("results.reopened", actor=actor, obj=result_set, reason=reason.strip())
    return result_set


@transaction.atomic
def finalise_result_set(
    result_set: ResultSet, *, actor: Any, when: datetime.datetime | None = None
) -> ResultSet:
    """Lock the results: from now on no score of this set changes."""
    _authorize(actor)
    if result_set.status != ResultSet.Status.DRAFT:
        raise ResultError(_("These results are already finalised."))
    result_set.status = ResultSet.Status.FINALISED
    result_set.finalised_at = when or timezone.now()
    result_set.save(update_fields=["status", "finalised_at"])
    record("results.finalised", actor=actor, obj=result_set)
    return result_set


@transaction.atomic
def publish_result_set(
    result_set: ResultSet, *, actor: Any, when: datetime.datetime | None = None
) -> ResultSet:
    """Make finalised results public (every user and the public page ``/cong-khai/``) and
    append their hash-chained snapshot (:mod:`chiso.results.snapshots`)."""
    _authorize(actor)
    if result_set.status != ResultSet.Status.FINALISED:
        raise ResultError(_("Only finalised results can be published."))
    result_set.status = ResultSet.Status.PUBLISHED
    result_set.published_at = when or timezone.now()
    result_set.save(update_fields=["status", "published_at"])
    # Same transaction: a publication without its snapshot never becomes visible.
    snapshot = append_snapshot(result_set)
    record(
        "results.published",
        actor=actor,
        obj=result_set,
        data={"snapshot": snapshot.sequence, "hash": snapshot.hash},
    )
    triggers.results_published(result_set)
    return result_set
