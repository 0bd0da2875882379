"""Loading questionnaires from YAML (command line or browser upload), revising and publishing
them. A published version is immutable: a change becomes the next version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.frameworks.facts import KNOWN_FACTS
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.models import Questionnaire
from chiso.surveys.spec import SpecError, parse_questionnaire, to_data

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SURVEY_FACTS = frozenset(n.removeprefix("survey.") for n in KNOWN_FACTS if n.startswith("survey."))


# A questionnaire nests about ten levels (sections, questions, options, show_if…); deeper is
# not a questionnaire, and unbounded nesting would exhaust the parser's recursion.
MAX_YAML_DEPTH = 20


class _Refused(yaml.YAMLError):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader without anchors and aliases (``&a`` / ``*a``), nested at most
    ``MAX_YAML_DEPTH`` levels. An alias repeats a whole subtree without repeating its bytes:
    nested aliases turn a file of a few hundred bytes into millions of strings ("billion
    laughs"), which the upload size cap does not bound. Refused as the nodes are composed,
    before anything is expanded. A questionnaire written by hand never needs them."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                "tệp YAML không được dùng neo và tham chiếu (&…, *…): hãy viết đầy đủ nội dung",
                event.start_mark,
            )
        if self.depth >= MAX_YAML_DEPTH:
            raise _Refused(
                f"tệp YAML lồng nhau quá {MAX_YAML_DEPTH} cấp: đây không phải là một bảng hỏi",
                event.start_mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_yaml(text: str | bytes) -> Any:
    """Parse YAML text; a syntax error, an anchor or alias, or too deep a nesting becomes a
    :class:`SpecError` with the line."""
    try:
        return yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - _PlainLoader is a SafeLoader
    except _Refused as error:
        raise SpecError([f"Dòng {error.mark.line + 1}: {error.message}"]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark is not None else ""
        raise SpecError([f"Tệp YAML không đọc được{where}"]) from error


@transaction.atomic
def load_questionnaire(text: str | bytes, *, actor: Any, publish: bool = False) -> Questionnaire:
    """Store a questionnaire as a draft (replacing a draft of the same code and version), or
    publish it. Raise :class:`SpecError` listing every problem, or :class:`SurveyError` when
    that version is already published."""
    require_reform_office(actor)
    spec = parse_questionnaire(read_yaml(text), SURVEY_FACTS)
    existing = Questionnaire.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None and existing.status == Questionnaire.Status.PUBLISHED:
        raise SurveyError(
            _(
                "Questionnaire %(code)s version %(version)s is published and cannot change: "
                "give the file a new version number."
            )
            % {"code": spec.code, "version": spec.version}
        )
    data = to_data(spec)
    if existing is None:
        q = Questionnaire.objects.create(
            code=spec.code, version=spec.version, title=spec.title, definition=data
        )
        record("surveys.questionnaire.created", actor=actor, obj=q, data={"code": spec.code})
    else:
        q = existing
        q.title, q.definition = spec.title, data
        q.save(update_fields=["title", "definition"])
        q.__dict__.pop("spec", None)
        record("surveys.questionnaire.replaced", actor=actor, obj=q, data={"code": spec.code})
    if publish:
        publish_questionnaire(q, actor=actor)
    return q


@transaction.atomic
def publish_questionnaire(q: Questionnaire, *, actor: Any) -> None:
    require_reform_office(actor)
    if q.status == Questionnaire.Status.PUBLISHED:
        raise SurveyError(_("This questionnaire is already published."))
    q.status, q.published_at = Questionnaire.Status.PUBLISHED, timezone.now()
    q.save(update_fields=["status", "published_at"])
    record(
        "surveys.questionnaire.published",
        actor=actor,
        obj=q,
        data={"old": {"status": "draft"}, "new": {"status": "published"}},
    )


def ship_templates(*, actor: Any = None) -> list[Questionnaire]:
    """Load and publish the questionnaires shipped in chiso/surveys/data (once)."""
    out = []
    for path in sorted(DATA_DIR.glob("*.yaml")):
        spec = parse_questionnaire(read_yaml(path.read_text("utf-8")), SURVEY_FACTS)
        found = Questionnaire.objects.filter(code=spec.code, version=spec.version).first()
        out.append(found or load_questionnaire(path.read_text("utf-8"), actor=actor, publish=True))
    return out


@dataclass(frozen=True)
class Upload:
    """What an upload stored; ``renumbered_from`` is the published version the file claimed."""

    questionnaire: Questionnaire
    renumbered_from: int | None = None


def located(text: str, error: SpecError) -> list[str]:
    """The messages of ``error``, each prefixed with the line of the YAML file where the
    question or section it names (``«code»``) is defined, so the author finds it at once."""
    lines = text.splitlines()
    out = []
    for message in error.messages:
        named = re.search(r"«([a-z][a-z0-9_\-.]*)»", message)
        line = None
        if named is not None:
            pattern = re.compile(rf"^\s*(-\s*)?code:\s*['\"]?{re.escape(named[1])}['\"]?\s*(#.*)?$")
            line = next((i for i, ln in enumerate(lines, start=1) if pattern.match(ln)), None)
        out.append(f"Dòng {line}: {message}" if line else message)
    return out


@transaction.atomic
def upload_questionnaire(text: str | bytes, *, actor: Any) -> Upload:
    """Store an uploaded file as a draft. A file naming a version that is already published
    becomes the next version instead (published versions never change), so re-uploading an
    edited file cannot touch the text respondents saw. Raise :class:`SpecError` listing every
    problem; nothing is stored then."""
    require_reform_office(actor)
    spec = parse_questionnaire(read_yaml(text), SURVEY_FACTS)
    taken = Questionnaire.objects.filter(code=spec.code, version=spec.version).first()
    if taken is None or taken.status != Questionnaire.Status.PUBLISHED:
        return Upload(_store_draft(to_data(spec), actor=actor))
    data = to_data(spec) | {"version": _next_version(spec.code)}
    return Upload(_store_draft(data, actor=actor), renumbered_from=spec.version)


@transaction.atomic
def revise_questionnaire(q: Questionnaire, definition: dict[str, Any], *, actor: Any) -> Upload:
    """Save a changed definition (edited in the browser) of ``q``: in place while ``q`` is a
    draft, as the next version when ``q`` is published. The code cannot change here."""
    require_reform_office(actor)
    spec = parse_questionnaire(definition, SURVEY_FACTS)
    if spec.code != q.code:
        raise SpecError([f"Không đổi được mã bảng hỏi «{q.code}» khi sửa"])
    data = to_data(spec) | {"version": q.version}
    if q.status == Questionnaire.Status.PUBLISHED:
        data["version"] = _next_version(q.code)
        return Upload(_store_draft(data, actor=actor), renumbered_from=q.version)
    return Upload(_store_draft(data, actor=actor))


def _next_version(code: str) -> int:
    last = Questionnaire.objects.filter(code=code).aggregate(Max("version"))["version__max"]
    return (last or 0) + 1


def _store_draft(data: dict[str, Any], *, actor: Any) -> Questionnaire:
    """Create the draft of ``data``'s code and version, or replace that draft's text."""
    existing = (
        Questionnaire.objects.select_for_update()
        .filter(code=data["code"], version=data["version"])
        .first()
    )
    if existing is None:
        q = Questionnaire.objects.create(
            code=data["code"], version=data["version"], title=data["title"], definition=data
        )
        record(
            "surveys.questionnaire.created",
            actor=actor,
            obj=q,
            data={"code": q.code, "version": q.version},
        )
        return q
    if existing.status == Questionnaire.Status.PUBLISHED:
        raise SurveyError(_("This questionnaire is already published."))
    old_title = existing.title
    existing.title, existing.definition = data["title"], data
    existing.save(update_fields=["title", "definition"])
    existing.__dict__.pop("spec", None)
    record(
        "surveys.questionnaire.replaced",
        actor=actor,
        obj=existing,
        data={"old": {"title": old_title}, "new": {"title": existing.title}},
    )
    return existing


def as_yaml(q: Questionnaire) -> str:
    """The stored definition as a YAML file that loads back to the same questionnaire."""
    return yaml.safe_dump(q.definition, allow_unicode=True, sort_keys=False, width=100)
