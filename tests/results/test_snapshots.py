"""Publishing freezes the numbers in a hash chain; any later change to them is named by verify."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.frameworks.actions import clone_framework, publish_framework
from chiso.frameworks.models import Framework
from chiso.org.models import Block
from chiso.results.actions import compute_result_set, finalise_result_set, publish_result_set
from chiso.results.models import AgencyScore, PublishedSnapshot, ResultSet
from chiso.results.serialize import input_from_dict
from chiso.results.snapshots import chain_hash, sha256, verify_snapshots


def kinds(problems: list[Any]) -> set[str]:
    return {p.kind for p in problems}


def test_the_demo_publications_form_a_verified_chain(demo: None) -> None:
    snaps = list(PublishedSnapshot.objects.order_by("sequence"))
    assert [s.sequence for s in snaps] == [1, 2, 3, 4]
    assert snaps[0].previous_hash == "0" * 64
    for before, after in zip(snaps, snaps[1:], strict=False):
        assert after.previous_hash == before.hash
    for s in snaps:
        assert s.payload_sha256 == sha256(s.payload)
        assert s.hash == chain_hash(s.previous_hash, s.payload_sha256, s.sequence, s.published_at)
    payload = json.loads(snaps[3].payload)
    assert payload["framework"] == {"code": "huyen", "year": 2023, "version": 1}
    assert payload["mean_final"] and all(isinstance(a["final"], str) for a in payload["agencies"])
    assert verify_snapshots() == []


def test_publishing_appends_the_next_link(demo: None) -> None:
    last = PublishedSnapshot.objects.get(sequence=4)
    framework = publish_framework(
        clone_framework(Framework.objects.get(code="huyen", year=2023), year=2024, actor=None),
        actor=None,
    )
    block = Block.objects.get(code="huyen", year=2024)
    inputs = [
        input_from_dict(s.inputs) for s in AgencyScore.objects.filter(result_set=last.result_set)
    ]
    result_set = compute_result_set(block, framework, inputs, actor=None, source="import")
    assert not PublishedSnapshot.objects.filter(result_set=result_set).exists()
    finalise_result_set(result_set, actor=None)
    publish_result_set(result_set, actor=None)
    snap = PublishedSnapshot.objects.get(result_set=result_set)
    assert (snap.sequence, snap.previous_hash) == (5, last.hash)
    assert verify_snapshots() == []


def test_snapshots_cannot_be_changed_or_deleted(demo: None) -> None:
    snap = PublishedSnapshot.objects.first()
    assert snap is not None
    with pytest.raises(TypeError):
        snap.save()
    with pytest.raises(TypeError):
        snap.delete()


def test_a_number_changed_behind_the_application_is_named(demo: None) -> None:
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    assert score.final == Decimal("90.36")
    AgencyScore.objects.filter(pk=score.pk).update(final=Decimal("99.99"))  # bypasses the guards
    problems = verify_snapshots()
    changed = [p for p in problems if p.kind == "changed"]
    assert [(p.agency, p.field, p.published, p.stored) for p in changed] == [
        ("stp", "final", "90.36", "99.99")
    ]
    assert changed[0].sequence == 3 and "so-ban-nganh 2023" in changed[0].result_set
    rescored = [(p.agency, p.field, p.published, p.stored) for p in problems if p.kind == "rescore"]
    assert rescored == [("stp", "final", "90.36", "99.99")]
    assert "stp: final khi công bố là 90.36, nay lưu 99.99" in changed[0].text("vi")


def test_a_changed_input_shows_in_the_chain_and_in_the_rescore(demo: None) -> None:
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    inputs = dict(score.inputs, adjustments={**score.inputs["adjustments"]})
    inputs["values"] = {k: "0" for k in inputs["values"]}
    AgencyScore.objects.filter(pk=score.pk).update(inputs=inputs)
    problems = verify_snapshots()
    assert ("stp", "inputs_sha256") in {(p.agency, p.field) for p in problems}
    assert ("stp", "final") in {(p.agency, p.field) for p in problems if p.kind == "rescore"}


def test_a_tampered_snapshot_payload_breaks_the_chain(demo: None) -> None:
    snap = PublishedSnapshot.objects.get(sequence=2)
    forged = snap.payload.replace('"rank":1}', '"rank":2}', 1)
    assert forged != snap.payload
    PublishedSnapshot.objects.filter(pk=snap.pk).update(payload=forged)
    problems = verify_snapshots()
    assert "payload_hash" in kinds(problems)
    assert {p.sequence for p in problems if p.kind == "payload_hash"} == {2}
    assert any(p.kind == "changed" and p.field == "rank" for p in problems)

    # Recomputing the payload hash too only moves the break to the chain hash.
    PublishedSnapshot.objects.filter(pk=snap.pk).update(payload_sha256=sha256(forged))
    assert "hash" in kinds(verify_snapshots())


def test_a_deleted_snapshot_is_reported(demo: None) -> None:
    PublishedSnapshot.objects.filter(sequence=2).delete()  # a raw delete, past the guard
    problems = verify_snapshots()
    assert {"missing", "previous_hash", "no_snapshot"} <= kinds(problems)
    assert [p.sequence for p in problems if p.kind == "missing"] == [2]
    assert [p.sequence for p in problems if p.kind == "previous_hash"] == [3]


def test_deleting_the_last_snapshot_leaves_a_published_set_without_one(demo: None) -> None:
    PublishedSnapshot.objects.filter(sequence=4).delete()
    problems = verify_snapshots()
    assert [(p.kind, p.result_set.split(" (")[0]) for p in problems] == [
        ("no_snapshot", "huyen 2023")
    ]


def test_the_command_exits_0_when_intact_and_1_with_problems(
    demo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("results", "verify")
    assert "Toàn vẹn: 4 ảnh chụp công bố" in capsys.readouterr().out
    call_command("results", "verify", "--lang", "en")
    assert "Intact: 4 snapshot(s)" in capsys.readouterr().out

    AgencyScore.objects.filter(result_set__year=2022, agency__code="bqlkkt").update(rank=9)
    with pytest.raises(CommandError) as raised:
        call_command("results", "verify")
    assert raised.value.returncode == 1
    assert "vấn đề" in str(raised.value)
    assert "bqlkkt: rank khi công bố là 1, nay lưu 9" in capsys.readouterr().err

    with pytest.raises(CommandError):
        call_command("results", "verify", "--json", "--lang", "en")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["snapshots"] == 4
    assert {"kind": "changed", "agency": "bqlkkt", "field": "rank"}.items() <= report["problems"][
        0
    ].items()
    assert "was 1 when published, now stored as 9" in report["problems"][0]["text"]


def test_the_list_command(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("results", "list", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["sequence"], r["year"], r["block"]) for r in rows] == [
        (1, 2022, "so-ban-nganh"),
        (2, 2022, "huyen"),
        (3, 2023, "so-ban-nganh"),
        (4, 2023, "huyen"),
    ]
    call_command("results", "list")
    assert rows[3]["hash"][:16] in capsys.readouterr().out


def test_an_unpublished_set_has_no_snapshot(demo: None) -> None:
    assert not ResultSet.objects.exclude(status="published").filter(snapshot__isnull=False).exists()


def test_a_publication_that_loses_the_race_for_a_number_retries(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import IntegrityError

    create = PublishedSnapshot.objects.create
    calls: list[int] = []

    def lose_once(**kwargs: Any) -> PublishedSnapshot:
        calls.append(kwargs["sequence"])
        if len(calls) == 1:  # another publication took this number first
            raise IntegrityError("UNIQUE constraint failed: sequence")
        return create(**kwargs)

    monkeypatch.setattr(PublishedSnapshot.objects, "create", lose_once)
    framework = publish_framework(
        clone_framework(Framework.objects.get(code="huyen", year=2023), year=2024, actor=None),
        actor=None,
    )
    block = Block.objects.get(code="huyen", year=2024)
    inputs = [
        input_from_dict(s.inputs)
        for s in AgencyScore.objects.filter(result_set__block__code="huyen", result_set__year=2023)
    ]
    result_set = compute_result_set(block, framework, inputs, actor=None, source="import")
    finalise_result_set(result_set, actor=None)
    publish_result_set(result_set, actor=None)
    assert calls == [5, 5]
    assert PublishedSnapshot.objects.get(result_set=result_set).sequence == 5
    assert verify_snapshots() == []
