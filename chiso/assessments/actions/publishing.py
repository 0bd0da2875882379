"""Publishing a finalised round: its results become public and the round reaches its last stage.

Kept apart from ``rounds.py`` (the stages before) so that publishing the result set and moving
the round cannot drift apart: both happen here, in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from chiso.assessments.actions.common import StateError, require_reform_office, require_stage
from chiso.assessments.models import Round, Stage
from chiso.audit.actions import record
from chiso.results.actions import ResultError, publish_result_set
from chiso.results.models import ResultSet


def round_result_set(rnd: Round) -> ResultSet | None:
    """The results the round produced when it was finalised (one set per block and framework)."""
    return ResultSet.objects.filter(block_id=rnd.block_id, framework_id=rnd.framework_id).first()


@transaction.atomic
def publish_round(rnd: Round, *, actor: Any) -> ResultSet:
    """Publish the results of a finalised round (``publish_result_set``: public page and
    hash-chained snapshot) and move the round and every assessment to ``published``.

    From then on everyone who reads the whole province (viewers) may open the assessments, and
    the round can no longer reopen (``reopen_round`` accepts only a finalised round).
    """
    require_reform_office(actor)
    # Lock the round: two clicks on "publish" must not both pass the stage guard.
    Round.objects.select_for_update().filter(pk=rnd.pk).values_list("pk").first()
    rnd.refresh_from_db(fields=["stage"])
    require_stage(rnd, Stage.FINALISED)
    result_set = round_result_set(rnd)
    if result_set is None:
        raise StateError(_("This round has no results yet: finalise it first."))
    try:
        publish_result_set(result_set, actor=actor)
    except ResultError as e:
        raise StateError(str(e)) from e
    before = dict(rnd.assessments.values_list("agency__code", "status"))
    old = rnd.stage
    rnd.stage = Stage.PUBLISHED
    rnd.save(update_fields=["stage"])
    rnd.assessments.update(status=Stage.PUBLISHED, version=F("version") + 1)
    record(
        "assessments.round.published",
        actor=actor,
        obj=rnd,
        data={
            "stage": [old, Stage.PUBLISHED.value],
            "assessments": before,
            "result_set": result_set.pk,
        },
    )
    return result_set
