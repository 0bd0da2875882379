"""Evidence files (minh chứng): what may be uploaded, where it is kept, who may read it.

An uploaded file is trusted for nothing: its type is read from its bytes (``filetype`` for the
magic numbers; DOCX and XLSX are zip containers, so the zip is opened and its parts checked),
the name's extension must agree with that type, macro-enabled Office files are refused, and the
file is stored under a random key below ``MEDIA_ROOT/evidence/``, never under the name it came
with. Pages send it back as an attachment only (``views/agency_evidence.py``).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments.actions.common import AssessmentError
from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Evidence,
    ItemEntry,
    Round,
    Stage,
)
from chiso.engine.model import iter_nodes
from chiso.frameworks.models import Framework

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

# The extensions a file of each sniffed type may carry; anything else is refused.
EXTENSIONS = {
    PDF: {".pdf"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
}
ACCEPT = ",".join(sorted({ext for exts in EXTENSIONS.values() for ext in exts}))
FOLDER = "evidence"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    """The size limit of one file (setting ``CHISO_EVIDENCE_MAX_BYTES``, default 20 MB)."""
    return int(getattr(settings, "CHISO_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _office_type(data: bytes, name: str) -> str:
    """DOCX or XLSX for an OOXML zip; refuses other zips and macro-enabled documents."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.namelist()
            types_part = archive.getinfo("[Content_Types].xml")
            # The content-types part is a few kilobytes; a huge one is not an Office file.
            content_types = (
                archive.read(types_part).decode("utf-8", "replace")
                if types_part.file_size < 1024 * 1024
                else ""
            )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise AssessmentError(
            _("The file «%(name)s» is a zip archive, not a Word or Excel document.")
            % {"name": name}
        ) from None
    if any("vbaproject" in p.lower() for p in parts) or "macroenabled" in content_types.lower():
        raise AssessmentError(
            _("The file «%(name)s» contains macros; save it as a plain .docx or .xlsx.")
            % {"name": name}
        )
    if any(p.startswith("word/") for p in parts):
        return DOCX
    if any(p.startswith("xl/") for p in parts):
        return XLSX
    raise AssessmentError(
        _("The file «%(name)s» is a zip archive, not a Word or Excel document.") % {"name": name}
    )


def sniff(data: bytes, name: str) -> str:
    """The content type of an evidence file read from its bytes, or :class:`AssessmentError`
    naming the file when it is not a PDF, DOCX, XLSX, PNG or JPEG, or its name says otherwise."""
    if not data:
        raise AssessmentError(_("The file «%(name)s» is empty.") % {"name": name})
    guessed = filetype.guess_mime(data)
    if data[:4] == b"PK\x03\x04":
        # filetype only glances at the first bytes of a zip; open it to be sure.
        content_type = _office_type(data, name)
    elif guessed in (PDF, PNG, JPEG):
        content_type = guessed
    else:
        raise AssessmentError(
            _(
                "The file «%(name)s» is not an allowed type; upload a PDF, Word (.docx), "
                "Excel (.xlsx), PNG or JPEG file."
            )
            % {"name": name}
        )
    if PurePath(name).suffix.lower() not in EXTENSIONS[content_type]:
        raise AssessmentError(
            _("The name «%(name)s» does not match its content (%(kind)s).")
            % {"name": name, "kind": label(content_type)}
        )
    return content_type


def label(content_type: str) -> str:
    """A short name of a sniffed type for people: "PDF", "Word", "Excel", "PNG", "JPEG"."""
    return {PDF: "PDF", DOCX: "Word", XLSX: "Excel", PNG: "PNG", JPEG: "JPEG"}.get(
        content_type, content_type
    )


@dataclass(frozen=True)
class Stored:
    """A file written to storage: its key (path below the storage root), size and SHA-256."""

    key: str
    size: int
    sha256: str


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file, refusing one above the size limit before reading it all."""
    limit = max_bytes()
    name = getattr(upload, "name", "") or "?"
    size = getattr(upload, "size", None)
    too_big = AssessmentError(
        _("The file «%(name)s» is larger than the limit of %(limit)s MB.")
        % {"name": name, "limit": f"{limit / (1024 * 1024):g}".replace(".", ",")}
    )
    if size is not None and size > limit:
        raise too_big
    if hasattr(upload, "seek"):
        upload.seek(0)
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


def store(data: bytes) -> Stored:
    """Write the bytes under a fresh random key; the uploaded name never reaches the disk."""
    key = f"{FOLDER}/{secrets.token_hex(20)}"
    saved = default_storage.save(key, ContentFile(data))
    return Stored(key=saved, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def open_file(evidence: Evidence) -> IO[bytes]:
    """The stored file of an evidence row, opened for reading."""
    opened: IO[bytes] = default_storage.open(evidence.storage_key, "rb")
    return opened


def delete_stored(key: str) -> None:
    """Remove a stored file whose row was never written (a failed upload)."""
    default_storage.delete(key)


def clean_name(name: str) -> str:
    """An uploaded name cut to its last path part (browsers on Windows may send a full path)."""
    return PurePath(name.replace("\\", "/")).name.strip() or "minh-chung"


# ---------------------------------------------------------------------------- who may read


def appraiser_fields(user: Any, assessment: Assessment) -> set[str]:
    """The field codes of this agency the user appraises in the assessment's round."""
    if not scope.has_role(user, Role.APPRAISER):
        return set()
    return set(
        AppraiserAssignment.objects.filter(
            round_id=assessment.round_id, agency_id=assessment.agency_id, user=user
        ).values_list("field_code", flat=True)
    )


def can_see_assessment(user: Any, assessment: Assessment) -> bool:
    """The agency's own users, the reform office and the appraisers assigned to the agency; once
    published, everyone who sees the whole province."""
    if not getattr(user, "is_authenticated", False):
        return False
    if scope.is_reform_office(user) or assessment.agency_id in scope.own_agency_ids(user):
        return True
    if assessment.status == Stage.PUBLISHED and scope.sees_whole_province(user):
        return True
    return bool(appraiser_fields(user, assessment))


def can_download(user: Any, evidence: Evidence) -> bool:
    """Like :func:`can_see_assessment`, but an appraiser reads only the evidence of the fields
    assigned to them (bonus and penalty evidence: any field of the agency)."""
    assessment = evidence.assessment
    if not getattr(user, "is_authenticated", False):
        return False
    if scope.is_reform_office(user) or assessment.agency_id in scope.own_agency_ids(user):
        return True
    if assessment.status == Stage.PUBLISHED and scope.sees_whole_province(user):
        return True
    fields = appraiser_fields(user, assessment)
    if evidence.entry_id is None:
        return bool(fields)
    return evidence.entry is not None and evidence.entry.field_code in fields


# ---------------------------------------------------------------------------- what is missing


def missing_evidence(assessment: Assessment) -> list[str]:
    """Codes of the items whose framework node requires evidence while none is attached (items
    marked not applicable need none), in framework order."""
    return missing_evidence_of([assessment])[assessment.pk]


def missing_evidence_of(assessments: Iterable[Assessment]) -> dict[int, list[str]]:
    """:func:`missing_evidence` of many assessments by id, in a few queries whatever their
    number (one framework read per framework, not per assessment)."""
    assessments = list(assessments)
    ids = [x.pk for x in assessments]
    round_frameworks = dict(
        Round.objects.filter(assessments__pk__in=ids).values_list("pk", "framework_id").distinct()
    )
    frameworks = {
        fw.pk: fw for fw in Framework.objects.filter(pk__in=set(round_frameworks.values()))
    }
    required: dict[int, list[str]] = {}
    for pk, framework in frameworks.items():
        engine = framework.to_engine()
        required[pk] = [
            n.code for n in iter_nodes(engine.nodes) if n.is_leaf and n.evidence_required
        ]
    codes = {code for wanted in required.values() for code in wanted}
    entered = set(
        ItemEntry.objects.filter(
            assessment_id__in=ids, code__in=codes, self_not_applicable=False
        ).values_list("assessment_id", "code")
    )
    with_files = set(
        Evidence.objects.filter(
            assessment_id__in=ids, entry__code__in=codes, removed_at=None
        ).values_list("assessment_id", "entry__code")
    )
    out = {}
    for x in assessments:
        wanted = required.get(round_frameworks.get(x.round_id, 0), [])
        out[x.pk] = [
            code for code in wanted if (x.pk, code) in entered and (x.pk, code) not in with_files
        ]
    return out
