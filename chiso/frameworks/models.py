"""Indicator frameworks stored as versioned data: a framework row and its tree of nodes.

A framework is identified by family code, year and version (``so-ban-nganh`` 2023 v1). It is
edited only as a draft; once published it is frozen, because results computed with it must stay
explainable from exactly the rules that produced them. Changing a published framework means
cloning it into a new draft version. All writes go through :mod:`chiso.frameworks.actions`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.engine.model import Framework as EngineFramework
from chiso.engine.spec import dump_framework
from chiso.frameworks.engine_cache import engine_framework


class FrameworkLocked(Exception):
    """A published or archived framework (or one of its nodes) was about to change."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or gettext(
                "This framework has been published and can no longer be changed. "
                "Clone it into a new draft version instead."
            )
        )


# What a published framework may never change (status and timestamps may still move on).
CONTENT_FIELDS = ("code", "year", "version", "title", "kind", "blocks", "settings")


class Framework(models.Model):
    class Kind(models.TextChoices):
        PAR_INDEX = "par_index", _("Administrative reform index (PAR)")
        SERVICE_INDEX = "service_index", _("Public service index (Decision 766)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    code = models.SlugField(_("code"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PAR_INDEX)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Block codes rather than a relation: a framework may be loaded before that year's blocks
    # exist, and blocks are re-created every year.
    blocks = models.JSONField(_("blocks"), default=list, blank=True)
    # Everything of the canonical dict except the tree and the columns above (rounding,
    # classification, tie-break, leaders, adjustments…). Decimals are stored as strings.
    settings = models.JSONField(_("settings"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    cloned_from = models.ForeignKey(
        "self",
        verbose_name=_("cloned from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clones",
    )

    class Meta:
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")
        ordering = ["-year", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year", "version"], name="framework_code_year_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    # Guards: the actions check state first with friendly errors; these catch any other path.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Framework.objects.filter(pk=self.pk).values(*CONTENT_FIELDS, "status")
            before = stored.first()
            if before is not None and before["status"] != self.Status.DRAFT:
                changed = [
                    f for f in CONTENT_FIELDS if _jsonish(before[f]) != _jsonish(getattr(self, f))
                ]
                moves = (before["status"], self.status)
                allowed = moves in (
                    (self.Status.PUBLISHED, self.Status.PUBLISHED),
                    (self.Status.PUBLISHED, self.Status.ARCHIVED),
                    (self.Status.ARCHIVED, self.Status.ARCHIVED),
                )
                if changed or not allowed:
                    raise FrameworkLocked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != self.Status.DRAFT:
            raise FrameworkLocked()
        return super().delete(*args, **kwargs)

    @property
    def key(self) -> str:
        """``code:year:version``, the name the CLI accepts."""
        return f"{self.code}:{self.year}:{self.version}"

    @property
    def block_codes(self) -> list[str]:
        """The codes of the evaluation blocks this framework applies to."""
        return [str(code) for code in self.blocks]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    # Conversions

    def to_dict(self) -> dict[str, Any]:
        """The canonical dict (as in YAML files), rebuilt from the stored rows."""
        return dump_framework(self.to_engine())

    def to_engine(self) -> EngineFramework:
        """The engine's frozen :class:`chiso.engine.model.Framework` (via ``parse_framework``).

        Built once per process for a published or archived version and shared (it cannot
        change, see :mod:`chiso.frameworks.engine_cache`); rebuilt on every call for a draft.
        """
        return engine_framework(self)

    def raw_dict(self) -> dict[str, Any]:
        """The stored data as a framework dict, numbers possibly as strings (JSON columns)."""
        nodes = list(self.nodes.order_by("order"))
        by_parent: dict[int | None, list[Node]] = {}
        for node in nodes:
            by_parent.setdefault(node.parent_id, []).append(node)

        def tree(parent_id: int | None) -> list[dict[str, Any]]:
            out = []
            for node in by_parent.get(parent_id, []):
                item = node.to_dict()
                children = tree(node.pk)
                if children:
                    item["children"] = children
                out.append(item)
            return out

        data: dict[str, Any] = {
            "code": self.code,
            "year": self.year,
            "version": self.version,
            "title": self.title,
            "kind": self.kind,
            "blocks": list(self.blocks),
        }
        data.update(self.settings)
        data["nodes"] = tree(None)
        return data


def _jsonish(value: Any) -> Any:
    """Compare JSON columns as stored: Decimal and "1.5" are the same number."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


class Node(models.Model):
    """A field (lĩnh vực), criterion (tiêu chí) or sub-criterion of one framework.

    ``order`` is the position in tree (pre-)order over the whole framework, so ordering by it
    lists the tree as it is read. ``rule`` holds the canonical rule dict of a leaf.
    """

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=40)
    title = models.TextField(_("title"))
    order = models.PositiveIntegerField(_("order"))
    depth = models.PositiveSmallIntegerField(_("depth"))
    max_points = models.DecimalField(_("max points"), max_digits=9, decimal_places=4)
    guidance = models.TextField(_("guidance"), blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    evidence_hint = models.CharField(_("evidence hint"), max_length=500, blank=True)
    rule = models.JSONField(_("rule"), null=True, blank=True, encoder=DjangoJSONEncoder)
    not_applicable = models.JSONField(_("not applicable"), default=dict, blank=True)

    class Meta:
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_framework_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._framework_is_draft():
            raise FrameworkLocked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not self._framework_is_draft():
            raise FrameworkLocked()
        return super().delete(*args, **kwargs)

    def _framework_is_draft(self) -> bool:
        # Read the status from the database: a stale in-memory framework must not unlock it.
        status = Framework.objects.filter(pk=self.framework_id).values_list("status", flat=True)
        return status.first() in (None, Framework.Status.DRAFT)

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None

    def to_dict(self) -> dict[str, Any]:
        """This node in the canonical layout, without children."""
        out: dict[str, Any] = {
            "code": self.code,
            "title": self.title,
            # The column keeps 4 decimal places; the framework's own figure is what it says
            # ("3", not "3.0000"), and explanations show it as written.
            "max_points": Decimal(format(self.max_points.normalize(), "f")),
        }
        if self.rule is not None:
            out["rule"] = self.rule
        if self.evidence_required or self.evidence_hint:
            out["evidence"] = {"required": self.evidence_required}
            if self.evidence_hint:
                out["evidence"]["hint"] = self.evidence_hint
        if self.not_applicable:
            out["not_applicable"] = self.not_applicable
        if self.guidance:
            out["guidance"] = self.guidance
        return out
