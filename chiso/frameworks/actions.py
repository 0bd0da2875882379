"""The only write path for frameworks. Views and the CLI parse input, then call these.

Each action runs in one transaction, checks permission (the reform office; ``actor=None`` means
the command line) and state, and writes exactly one audit row. Validation happens before any
write, so an invalid file leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.scope import require_reform_office
from chiso.audit.actions import record
from chiso.engine.model import Node as EngineNode
from chiso.engine.spec import dump_framework, iter_nodes, parse_framework
from chiso.frameworks.facts import KNOWN_FACTS
from chiso.frameworks.models import Framework, FrameworkLocked, Node

__all__ = [
    "FrameworkStateError",
    "archive_framework",
    "clone_framework",
    "delete_draft",
    "import_framework",
    "load_builtin_frameworks",
    "publish_framework",
]

META_KEYS = ("code", "year", "version", "title", "kind", "blocks")


class FrameworkStateError(Exception):
    """The action does not fit the framework's state (e.g. publishing an archived one)."""


def _authorise(actor: Any) -> None:
    if actor is not None:
        require_reform_office(actor)


def _summary(fw: Framework) -> dict[str, Any]:
    return {"key": fw.key, "status": fw.status}


def _write(fw: Framework, canonical: Mapping[str, Any]) -> int:
    """Store the canonical dict's settings on ``fw`` and create its nodes; returns the count."""
    fw.title = canonical["title"]
    fw.kind = canonical["kind"]
    fw.blocks = list(canonical["blocks"])
    fw.settings = {k: v for k, v in canonical.items() if k not in (*META_KEYS, "nodes")}
    fw.save()
    order = 0

    def create(items: list[Mapping[str, Any]], parent: Node | None, depth: int) -> None:
        nonlocal order
        for item in items:
            order += 1
            evidence = item.get("evidence") or {}
            node = Node.objects.create(
                framework=fw,
                parent=parent,
                code=item["code"],
                title=item["title"],
                order=order,
                depth=depth,
                max_points=item["max_points"],
                guidance=item.get("guidance", ""),
                evidence_required=evidence.get("required", False),
                evidence_hint=evidence.get("hint", ""),
                rule=item.get("rule"),
                not_applicable=item.get("not_applicable") or {},
            )
            create(item.get("children", []), node, depth + 1)

    create(canonical["nodes"], None, 1)
    return order


def _leaves(nodes: tuple[EngineNode, ...]) -> int:
    return sum(1 for n in iter_nodes(nodes) if n.is_leaf)


@transaction.atomic
def import_framework(
    data: Mapping[str, Any],
    *,
    actor: Any,
    replace_draft: bool = False,
    known_facts: Set[str] | None = KNOWN_FACTS,
) -> Framework:
    """Create a draft framework from a canonical dict (from YAML, Excel or JSON).

    Raises :class:`~chiso.engine.problems.ProblemsError` with every problem if the data is
    invalid, :class:`FrameworkStateError` if that code/year/version exists (unless it is a
    draft and ``replace_draft``), :class:`FrameworkLocked` if it exists and is published.
    """
    _authorise(actor)
    engine = parse_framework(data, known_facts=known_facts)
    canonical = dump_framework(engine)
    existing = (
        Framework.objects.select_for_update()
        .filter(code=engine.code, year=engine.year, version=engine.version)
        .first()
    )
    if existing is not None and not existing.is_draft:
        raise FrameworkLocked()
    if existing is not None and not replace_draft:
        raise FrameworkStateError(
            _(
                "Framework %(key)s already exists. Choose another version number, or replace "
                "the draft."
            )
            % {"key": existing.key}
        )
    if existing is not None:
        existing.nodes.all().delete()
        fw = existing
    else:
        fw = Framework(code=engine.code, year=engine.year, version=engine.version)
    count = _write(fw, canonical)
    record(
        "framework.imported",
        actor=actor,
        obj=fw,
        data={
            **_summary(fw),
            "replaced": existing is not None,
            "nodes": count,
            "leaves": _leaves(engine.nodes),
            "total_points": engine.total_points,
        },
    )
    return fw


@transaction.atomic
def clone_framework(fw: Framework, *, year: int, actor: Any) -> Framework:
    """A new draft with the same content for ``year``, numbered after the latest version."""
    _authorise(actor)
    data = fw.to_dict()
    latest = Framework.objects.filter(code=fw.code, year=year).aggregate(v=Max("version"))["v"]
    data["year"] = year
    data["version"] = (latest or 0) + 1
    if year != fw.year:
        # Titles usually end with "năm 2023": keep them true for the new year.
        data["title"] = data["title"].replace(str(fw.year), str(year))
    clone = Framework(code=fw.code, year=year, version=data["version"], cloned_from=fw)
    count = _write(clone, dump_framework(parse_framework(data)))
    record(
        "framework.cloned",
        actor=actor,
        obj=clone,
        data={**_summary(clone), "from": fw.key, "nodes": count},
    )
    return clone


def _locked(fw: Framework) -> Framework:
    return Framework.objects.select_for_update().get(pk=fw.pk)


@transaction.atomic
def publish_framework(fw: Framework, *, actor: Any) -> Framework:
    """Publish a draft (it becomes immutable); a published version of the same code and year
    is archived, so exactly one version is in force."""
    _authorise(actor)
    fw = _locked(fw)
    if not fw.is_draft:
        raise FrameworkStateError(_("Only a draft can be published."))
    fw.to_engine()  # re-validate: raises ProblemsError if the stored data is inconsistent
    now = timezone.now()
    superseded = []
    for other in Framework.objects.select_for_update().filter(
        code=fw.code, year=fw.year, status=Framework.Status.PUBLISHED
    ):
        other.status, other.archived_at = Framework.Status.ARCHIVED, now
        other.save(update_fields=["status", "archived_at"])
        superseded.append(other.key)
    fw.status, fw.published_at = Framework.Status.PUBLISHED, now
    fw.save(update_fields=["status", "published_at"])
    record(
        "framework.published", actor=actor, obj=fw, data={**_summary(fw), "superseded": superseded}
    )
    return fw


@transaction.atomic
def archive_framework(fw: Framework, *, actor: Any) -> Framework:
    """Withdraw a published framework; it stays readable for the results computed with it."""
    _authorise(actor)
    fw = _locked(fw)
    if fw.status != Framework.Status.PUBLISHED:
        raise FrameworkStateError(_("Only a published framework can be archived."))
    fw.status, fw.archived_at = Framework.Status.ARCHIVED, timezone.now()
    fw.save(update_fields=["status", "archived_at"])
    record("framework.archived", actor=actor, obj=fw, data=_summary(fw))
    return fw


@transaction.atomic
def delete_draft(fw: Framework, *, actor: Any) -> None:
    """Delete a draft (published and archived frameworks are kept for ever)."""
    _authorise(actor)
    fw = _locked(fw)
    if not fw.is_draft:
        raise FrameworkLocked()
    record("framework.deleted", actor=actor, obj=fw, data=_summary(fw))
    fw.delete()


BUILTIN_DIR = Path(__file__).resolve().parent.parent / "data" / "frameworks"


@transaction.atomic
def load_builtin_frameworks(actor: Any = None) -> list[Framework]:
    """Import every framework shipped in chiso/data/frameworks, idempotently (for the demo).

    A missing framework is imported as a draft; a draft that differs from its file is replaced;
    a published or archived one is left as it is. Returns the frameworks, in file order.
    """
    from chiso.frameworks.yamlio import load_yaml

    out = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"))
        canonical = dump_framework(parse_framework(data, known_facts=KNOWN_FACTS))
        existing = Framework.objects.filter(
            code=canonical["code"], year=canonical["year"], version=canonical["version"]
        ).first()
        if existing is None:
            out.append(import_framework(canonical, actor=actor))
        elif existing.is_draft and existing.to_dict() != canonical:
            out.append(import_framework(canonical, actor=actor, replace_draft=True))
        else:
            out.append(existing)
    return out
