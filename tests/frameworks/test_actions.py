"""Importing, publishing, cloning and archiving frameworks: the only write path."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from chiso.audit.models import AuditEvent
from chiso.engine.problems import ProblemsError
from chiso.engine.spec import dump_framework, parse_framework
from chiso.frameworks import actions
from chiso.frameworks.models import Framework, FrameworkLocked, Node
from tests.frameworks.helpers import sample, tiny

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Framework.objects.count(), Node.objects.count(), AuditEvent.objects.count()


def test_import_stores_the_tree_and_reads_back_the_same_dict(world) -> None:
    fw = actions.import_framework(sample(), actor=world.tuan)
    assert fw.status == "draft" and fw.key == "so-ban-nganh:2023:1"
    assert fw.nodes.count() == 48 and fw.nodes.filter(rule__isnull=False).count() == 40
    assert fw.to_dict() == dump_framework(parse_framework(sample()))
    assert fw.to_engine() == parse_framework(sample())
    node = fw.nodes.get(code="3.3")
    assert node.parent.code == "3" and node.depth == 2 and node.max_points == Decimal(3)
    event = AuditEvent.objects.get(action="framework.imported")
    assert event.actor == world.tuan and event.data["leaves"] == 40


def test_import_writes_nothing_when_the_data_is_invalid(world) -> None:
    before = counts()
    broken = tiny()
    broken["nodes"][0]["max_points"] = Decimal(99)
    broken["nodes"][1]["children"][0]["rule"] = {"type": "survey", "survey": "unknown_survey"}
    with pytest.raises(ProblemsError) as caught:
        actions.import_framework(broken, actor=world.tuan)
    assert len(caught.value.problems) == 3  # node sum, total sum, unknown survey fact
    assert counts() == before


def test_only_the_reform_office_or_the_cli_may_import(world) -> None:
    for user in (world.lan, world.minh, world.hanh, world.khach):
        with pytest.raises(PermissionDenied):
            actions.import_framework(tiny(), actor=user)
    assert Framework.objects.count() == 0
    actions.import_framework(tiny(), actor=None)
    assert AuditEvent.objects.get().actor_label.startswith("CLI")


def test_an_existing_version_is_not_overwritten_unless_it_is_a_replaceable_draft(world) -> None:
    actions.import_framework(tiny(), actor=world.tuan)
    with pytest.raises(actions.FrameworkStateError, match="already exists|đã có"):
        actions.import_framework(tiny(), actor=world.tuan)
    changed = tiny(title="Bộ chỉ số đã sửa")
    fw = actions.import_framework(changed, actor=world.tuan, replace_draft=True)
    assert fw.title == "Bộ chỉ số đã sửa" and Framework.objects.count() == 1
    actions.publish_framework(fw, actor=world.tuan)
    with pytest.raises(FrameworkLocked):
        actions.import_framework(tiny(), actor=world.tuan, replace_draft=True)


def test_a_published_framework_is_immutable(world) -> None:
    fw = actions.publish_framework(
        actions.import_framework(tiny(), actor=world.tuan), actor=world.tuan
    )
    assert fw.status == "published" and fw.published_at is not None
    fw.title = "Sửa sau khi công bố"
    with pytest.raises(FrameworkLocked, match="công bố|published"):
        fw.save()
    node = Node.objects.get(framework=fw, code="1.1")
    node.max_points = Decimal(2)
    with pytest.raises(FrameworkLocked):
        node.save()
    with pytest.raises(FrameworkLocked):
        node.delete()
    with pytest.raises(FrameworkLocked):
        Framework.objects.get(pk=fw.pk).delete()
    with pytest.raises(actions.FrameworkStateError):
        actions.publish_framework(fw, actor=world.tuan)
    with pytest.raises(FrameworkLocked):
        actions.delete_draft(fw, actor=world.tuan)
    assert Framework.objects.get(pk=fw.pk).title == tiny()["title"]


def test_the_locked_error_is_in_vietnamese_by_default(world) -> None:
    fw = actions.publish_framework(actions.import_framework(tiny(), actor=None), actor=None)
    fw.title = "x"
    with pytest.raises(FrameworkLocked) as caught:
        fw.save()
    assert str(caught.value) == (
        "Bộ chỉ số này đã được công bố nên không thể sửa nữa. Hãy nhân bản thành một phiên bản "
        "nháp mới."
    )


def test_publishing_a_new_version_archives_the_one_in_force(world) -> None:
    v1 = actions.publish_framework(actions.import_framework(tiny(), actor=None), actor=None)
    v2 = actions.clone_framework(v1, year=2024, actor=world.tuan)
    assert (v2.year, v2.version, v2.status, v2.cloned_from) == (2024, 2, "draft", v1)
    actions.publish_framework(v2, actor=world.tuan)
    v1.refresh_from_db()
    assert v1.status == "archived" and v1.archived_at is not None
    event = AuditEvent.objects.filter(action="framework.published").first()
    assert event.data["superseded"] == ["thu-nghiem:2024:1"]


def test_clone_to_another_year_renames_the_title_and_keeps_the_content(world) -> None:
    fw = actions.import_framework(sample(), actor=world.tuan)
    clone = actions.clone_framework(fw, year=2024, actor=world.tuan)
    assert (clone.key, clone.title) == (
        "so-ban-nganh:2024:1",
        "Bộ chỉ số CCHC của các sở, ban, ngành năm 2024",
    )
    a, b = fw.to_dict(), clone.to_dict()
    assert a["nodes"] == b["nodes"] and a["adjustments"] == b["adjustments"]
    again = actions.clone_framework(fw, year=2024, actor=world.tuan)
    assert again.version == 2


def test_archive_and_delete_follow_the_states(world) -> None:
    draft = actions.import_framework(tiny(), actor=world.tuan)
    with pytest.raises(actions.FrameworkStateError):
        actions.archive_framework(draft, actor=world.tuan)
    actions.publish_framework(draft, actor=world.tuan)
    archived = actions.archive_framework(draft, actor=world.tuan)
    assert archived.status == "archived"
    other = actions.import_framework(tiny(version=2), actor=world.tuan)
    actions.delete_draft(other, actor=world.tuan)
    assert not Framework.objects.filter(version=2).exists()
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "framework.imported",
        "framework.published",
        "framework.archived",
        "framework.imported",
        "framework.deleted",
    ]


def test_builtin_frameworks_load_idempotently(db) -> None:
    first = actions.load_builtin_frameworks()
    assert sorted(f.key for f in first) == [
        "huyen:2022:1",
        "huyen:2023:1",
        "service-index-766:2024:1",
        "so-ban-nganh:2022:1",
        "so-ban-nganh:2023:1",
    ]
    events = AuditEvent.objects.count()
    actions.publish_framework(first[0], actor=None)
    again = actions.load_builtin_frameworks()
    assert [f.pk for f in again] == [f.pk for f in first]
    assert AuditEvent.objects.count() == events + 1  # only the publication
    assert Framework.objects.get(code="so-ban-nganh", year=2023).block_codes == ["so-ban-nganh"]
