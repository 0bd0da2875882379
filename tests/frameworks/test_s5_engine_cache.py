"""A published framework's engine form is built once per process and shared; drafts never are."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from chiso.engine.spec import parse_framework
from chiso.frameworks import actions
from chiso.frameworks.models import Framework
from tests.frameworks.helpers import sample, tiny

pytestmark = pytest.mark.django_db


def _published(data: dict[str, Any]) -> Framework:
    return actions.publish_framework(actions.import_framework(data, actor=None), actor=None)


def test_a_published_framework_is_built_once_and_then_answers_without_queries(
    django_assert_num_queries: Any,
) -> None:
    fw = _published(sample())
    first = Framework.objects.get(pk=fw.pk).to_engine()
    again = Framework.objects.get(pk=fw.pk)  # another request's instance of the same row
    with django_assert_num_queries(0):
        second = again.to_engine()
    assert second is first
    # The shared copy is exactly what an uncached build gives, and what the file says.
    assert second == parse_framework(again.raw_dict()) == parse_framework(sample())
    assert second.total_points == Decimal(100) and len(second.nodes) == 8


def test_an_archived_framework_keeps_answering_from_the_cache(
    django_assert_num_queries: Any,
) -> None:
    v1 = _published(tiny())
    built = Framework.objects.get(pk=v1.pk).to_engine()
    actions.publish_framework(actions.clone_framework(v1, year=2024, actor=None), actor=None)
    archived = Framework.objects.get(pk=v1.pk)
    assert archived.status == Framework.Status.ARCHIVED
    with django_assert_num_queries(0):
        assert archived.to_engine() is built


def test_a_draft_edited_between_two_reads_shows_the_new_content(
    django_assert_num_queries: Any,
) -> None:
    draft = actions.import_framework(tiny(), actor=None)
    before = Framework.objects.get(pk=draft.pk).to_engine()
    assert before.title == "Bộ chỉ số thử nghiệm năm 2024"
    changed = tiny(title="Bộ chỉ số đã sửa")
    changed["nodes"][0]["children"][0]["title"] = "Kế hoạch CCHC năm (đã sửa)"
    actions.import_framework(changed, actor=None, replace_draft=True)
    after = Framework.objects.get(pk=draft.pk)
    with django_assert_num_queries(1):  # the nodes, read again: a draft is never cached
        engine = after.to_engine()
    assert engine.title == "Bộ chỉ số đã sửa"
    assert engine.nodes[0].children[0].title == "Kế hoạch CCHC năm (đã sửa)"
    assert engine == parse_framework(changed)
    # Publishing the edited draft serves the edited content, not anything read earlier.
    published = Framework.objects.get(pk=actions.publish_framework(after, actor=None).pk)
    assert published.to_engine() == parse_framework(changed) != before


def test_a_framework_created_after_a_rolled_back_one_gets_its_own_content() -> None:
    # A rolled-back transaction can give the same id to the next framework (SQLite does).
    with transaction.atomic():
        gone = _published(tiny(title="Bộ chỉ số bị hủy"))
        assert gone.to_engine().title == "Bộ chỉ số bị hủy"
        transaction.set_rollback(True)
    kept = _published(tiny(title="Bộ chỉ số còn lại"))
    assert Framework.objects.get(pk=kept.pk).to_engine().title == "Bộ chỉ số còn lại"


SHAREABLE_LEAVES = (str, int, bool, Decimal, type(None))


def _assert_deeply_frozen(value: Any, path: str) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, f"{path} is a mutable dataclass"  # type: ignore[attr-defined]
        for f in dataclasses.fields(value):
            _assert_deeply_frozen(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            _assert_deeply_frozen(item, f"{path}[{index}]")
    else:
        assert isinstance(value, SHAREABLE_LEAVES), f"{path} is a {type(value).__name__}"


def test_the_shared_engine_framework_cannot_be_changed_by_whoever_reads_it() -> None:
    fw = _published(sample())
    engine = Framework.objects.get(pk=fw.pk).to_engine()
    _assert_deeply_frozen(engine, "framework")
    with pytest.raises(dataclasses.FrozenInstanceError):
        engine.title = "Đổi tên"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        engine.nodes[0].children[0].max_points = Decimal(0)  # type: ignore[misc]
    assert Framework.objects.get(pk=fw.pk).to_engine().title == sample()["title"]
