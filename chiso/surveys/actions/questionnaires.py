"""Loading questionnaires from YAML and publishing them (a published version is immutable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.frameworks.facts import KNOWN_FACTS
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.models import Questionnaire
from chiso.surveys.spec import SpecError, parse_questionnaire, to_data

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SURVEY_FACTS = frozenset(n.removeprefix("survey.") for n in KNOWN_FACTS if n.startswith("survey."))


def read_yaml(text: str | bytes) -> Any:
    """Parse YAML text; a syntax error becomes a :class:`SpecError` with the line."""
    try:
        return yaml.safe_load(text)
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
