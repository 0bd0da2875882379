"""Publication snapshots: the published numbers frozen as canonical JSON, chained by hash.

Publishing a result set appends one :class:`~chiso.results.models.PublishedSnapshot`:

    payload        canonical JSON of the set's numbers (:func:`payload_for`)
    payload_sha256 sha256(payload)
    previous_hash  the previous snapshot's ``hash`` (64 zeros for the first)
    hash           sha256(previous_hash + payload_sha256 + sequence + published_at in UTC ISO)

:func:`verify_snapshots` recomputes all of it from the rows stored now and re-scores the stored
inputs with the engine, so a number changed behind the application's back is named.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from chiso.results.models import AgencyScore, PublishedSnapshot, ResultSet
from chiso.results.verification import SnapshotProblem, compare_payloads, rescore

# A concurrent publication that took the same sequence number makes ours fail on the unique
# constraint; the retry reads the new last snapshot. Three attempts cover any realistic race.
ATTEMPTS = 3


def canonical_json(data: Any) -> str:
    """One text for one value: sorted keys, no whitespace, UTF-8 characters kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fixed(value: Any, places: int) -> str:
    # Quantised explicitly: an unsaved engine Decimal ("0") and the column read back ("0.00")
    # must give the same text, on SQLite and on PostgreSQL.
    return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))


def _agency_payload(score: AgencyScore) -> dict[str, Any]:
    return {
        "agency": score.agency.code,
        "rank": score.rank,
        "base_points": _fixed(score.base_points, 4),
        "base_max": _fixed(score.base_max, 4),
        "base_percent": _fixed(score.base_percent, 2),
        "bonus": _fixed(score.bonus, 2),
        "penalty": _fixed(score.penalty, 2),
        "final": _fixed(score.final, 2),
        "classification": score.classification,
        "nodes": [
            {k: n.get(k) for k in ("code", "depth", "points", "max", "percent", "not_applicable")}
            for n in score.nodes
        ],
        "leaders": [
            {k: ld.get(k) for k in ("id", "name", "role", "assigned", "score", "classification")}
            for ld in score.leaders
        ],
        # The inputs are not published, but their hash is: a changed input is evident too.
        "inputs_sha256": sha256(canonical_json(score.inputs)),
    }


def payload_for(result_set: ResultSet) -> dict[str, Any]:
    """The published numbers of ``result_set`` as read from the database now.

    Agencies and blocks by code only: names may be corrected in the registry later without
    touching what was published.
    """
    framework = result_set.framework
    scores = AgencyScore.objects.filter(result_set=result_set).select_related("agency")
    return {
        "framework": {"code": framework.code, "year": framework.year, "version": framework.version},
        "block": {"code": result_set.block.code, "year": result_set.block.year},
        "year": result_set.year,
        "status": result_set.status,
        "mean_final": _fixed(result_set.mean_final, 2),
        "class_counts": result_set.class_counts,
        "agencies": [_agency_payload(s) for s in scores.order_by("agency__code")],
    }


def chain_hash(
    previous_hash: str, payload_sha256: str, sequence: int, published_at: datetime.datetime
) -> str:
    # UTC ISO: the same instant read back from either database gives the same text.
    when = published_at.astimezone(datetime.UTC).isoformat()
    return sha256(f"{previous_hash}{payload_sha256}{sequence}{when}")


def append_snapshot(result_set: ResultSet) -> PublishedSnapshot:
    """Freeze ``result_set`` (just published, in the caller's transaction) as the next link."""
    assert result_set.published_at is not None
    payload = canonical_json(payload_for(result_set))
    payload_hash = sha256(payload)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: a lost race undoes only this attempt
                # Locks the last link on PostgreSQL so concurrent publications queue here;
                # SQLite serialises writers anyway. The unique sequence catches the rest.
                last = PublishedSnapshot.objects.select_for_update().order_by("-sequence").first()
                sequence = last.sequence + 1 if last else 1
                previous = last.hash if last else PublishedSnapshot.GENESIS
                return PublishedSnapshot.objects.create(
                    result_set=result_set,
                    sequence=sequence,
                    published_at=result_set.published_at,
                    payload=payload,
                    payload_sha256=payload_hash,
                    previous_hash=previous,
                    hash=chain_hash(previous, payload_hash, sequence, result_set.published_at),
                )
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def label(result_set: ResultSet) -> str:
    return f"{result_set.block.code} {result_set.year} (id {result_set.pk})"


def _check_chain(snapshots: list[PublishedSnapshot]) -> list[SnapshotProblem]:
    problems = []
    previous, expected = PublishedSnapshot.GENESIS, 1
    for snap in snapshots:
        where = label(snap.result_set)
        problems += [
            SnapshotProblem("missing", f"#{n}", sequence=n) for n in range(expected, snap.sequence)
        ]
        if snap.previous_hash != previous:
            problems.append(SnapshotProblem("previous_hash", where, sequence=snap.sequence))
        if sha256(snap.payload) != snap.payload_sha256:
            problems.append(SnapshotProblem("payload_hash", where, sequence=snap.sequence))
        recomputed = chain_hash(
            snap.previous_hash, snap.payload_sha256, snap.sequence, snap.published_at
        )
        if recomputed != snap.hash:
            problems.append(SnapshotProblem("hash", where, sequence=snap.sequence))
        previous, expected = snap.hash, snap.sequence + 1
    return problems


def verify_snapshots() -> list[SnapshotProblem]:
    """Every problem found in the snapshots and the published results; empty when all is well.

    Checks, in order: the chain (sequence gaps, links, payload and chain hashes); every
    snapshot's payload against the rows stored now (each differing number named with its
    agency); published sets without a snapshot; and the stored inputs re-scored by the engine
    against the stored finals, ranks and classes.
    """
    snapshots = list(
        PublishedSnapshot.objects.select_related("result_set__block").order_by("sequence")
    )
    problems = _check_chain(snapshots)
    for snap in snapshots:
        rs = ResultSet.objects.select_related("block", "framework").get(pk=snap.result_set_id)
        try:
            published = json.loads(snap.payload)
        except ValueError:
            problems.append(SnapshotProblem("payload_hash", label(rs), sequence=snap.sequence))
            continue
        problems += compare_payloads(label(rs), snap.sequence, published, payload_for(rs))
    published_sets = ResultSet.objects.filter(status=ResultSet.Status.PUBLISHED)
    for rs in published_sets.filter(snapshot__isnull=True).select_related("block"):
        problems.append(SnapshotProblem("no_snapshot", label(rs)))
    for rs in published_sets.select_related("block", "framework").order_by("year", "pk"):
        problems += rescore(rs, label(rs))
    return problems
