"""The demo province's open 2024 round: every role has something to do (docs/evaluation-round.md).

The 2023 frameworks of both blocks are cloned for 2024 and published. The departments block gets
its round, left in its first stage (self-assessment, approval, appraisal round 1) with a mix:
agencies still drafting, submitted, approved by their leader, and appraised in part by Minh.
Sở Tư pháp is a partly filled draft, so Lan can finish and submit it and Nam approve it. The
district block's round is not opened: the district level still existed in 2024 (abolished on
01/07/2025), and opening that round is left for the reform office to try (Tuấn).

Agencies attach small sample evidence files (PDF, some PNG photos; chiso/demo/evidence_files.py)
through the evidence action while self-assessing: those that submitted, to most items that
require evidence; those still drafting, to some of the items they filled.

Deadlines are counted from the day the demo is built, so a freshly built demo is always in the
middle of its self-assessment: the submissions made here are on time and Lan's will be too for
two weeks. Everything goes through the action functions, by the people who would do it (agency
staff accounts are created for the agencies that have data; they have random passwords and are
not meant to log in), so the audit trail is a real one. Building it again changes nothing.
"""

from __future__ import annotations

import datetime
import random
import secrets
import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from chiso.accounts import actions as accounts
from chiso.accounts.models import Role
from chiso.assessments.actions import (
    add_evidence,
    approve_submission,
    assign_appraiser,
    grant_extension,
    open_round,
    record_appraisal,
    save_self_assessment,
    submit_assessment,
)
from chiso.assessments.inputs import set_late_penalty
from chiso.assessments.models import Assessment, Deadline, ItemEntry, Round
from chiso.demo import province
from chiso.demo.evidence_files import pdf, png
from chiso.demo.inputs import draft_input
from chiso.engine import ManualRule, YesNoRule
from chiso.engine.model import Framework as EngineFramework
from chiso.engine.model import iter_nodes
from chiso.frameworks.actions import clone_framework, publish_framework
from chiso.frameworks.models import Framework
from chiso.org.models import Agency, Block, Position

YEAR = 2024
BLOCK = "so-ban-nganh"
# The sample frameworks' penalty item "Nộp báo cáo tự đánh giá chỉ số CCHC quá hạn".
LATE_PENALTY = "D3"
# Days after the build day (the demo's "today") for each stage's deadline.
DEADLINE_DAYS = {
    Deadline.SELF_ASSESSMENT: 14,
    Deadline.APPROVAL: 21,
    Deadline.APPRAISAL_1: 42,
    Deadline.EXPLANATION: 56,
    Deadline.APPRAISAL_2: 70,
    Deadline.COUNCIL: 84,
}
EXTENSION_DAYS = 28
# Share of the filled items requiring evidence that get a sample file: nearly all for the
# agencies that submitted (a few still missing, as in a real round), half for drafts.
SUBMITTED_EVIDENCE = 0.9
DRAFT_EVIDENCE = 0.5

# Where each agency of the block stands; a draft's number is the share of its items filled.
DRAFTS = {
    "stp": 0.6,  # Lan's: she finishes and submits it, Nam approves
    "syt": 0.4,
    "sgddt": 0.75,
    "sldtbxh": 0.3,  # the agency with an extension
    "sgtvt": 0.85,
    "svhttdl": 0.5,
    "sngv": 0.0,
    "bqlnncnc": 0.0,
}
SUBMITTED = ("snv", "sxd", "stttt", "skhcn")
APPROVED = ("sct", "stc", "skhdt", "ttt")
APPRAISED = ("bqlkkt", "snnptnt", "stnmt")
EXTENDED = "sldtbxh"
EXTENSION_REASON = (
    "Cơ quan kiện toàn lại bộ phận đầu mối CCHC sau khi thay đổi nhân sự; "
    "đề nghị gia hạn bằng Công văn số 215/SLĐTBXH-VP."
)
# Minh (appraiser, Sở Nội vụ): fields per agency. Never Sở Nội vụ itself.
MINH_FIELDS = {
    "bqlkkt": ("1", "2", "3"),
    "snnptnt": ("1", "2", "3"),
    "stnmt": ("1", "2"),
    "sct": ("1", "2"),
    "stc": ("4", "5"),
    "sxd": ("6",),
}
JUSTIFICATIONS = (
    "Đã ban hành kế hoạch và tổ chức thực hiện đầy đủ; minh chứng kèm theo.",
    "Thực hiện đúng thời hạn theo yêu cầu của UBND tỉnh.",
    "Có báo cáo định kỳ gửi Sở Nội vụ đúng hạn.",
    "Số liệu lấy từ hệ thống thông tin giải quyết TTHC của tỉnh.",
    "Thực hiện một phần; đang hoàn thiện hồ sơ.",
)


def _seed(*parts: object) -> int:
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def _frameworks(progress: Callable[[str], Any]) -> dict[str, Framework]:
    """The 2024 framework of each block: a published clone of the 2023 one, same structure."""
    out = {}
    for code in ("so-ban-nganh", "huyen"):
        existing = Framework.objects.filter(
            code=code, year=YEAR, status=Framework.Status.PUBLISHED
        ).first()
        if existing is None:
            source = Framework.objects.get(
                code=code, year=YEAR - 1, status=Framework.Status.PUBLISHED
            )
            existing = publish_framework(clone_framework(source, year=YEAR, actor=None), actor=None)
            progress(f"  bộ chỉ số {existing.key} (sao từ {source.key})")
        out[code] = existing
    return out


def _staff(agency: Agency, role: str) -> User:
    """The agency's focal officer or leader account (the leader is the head in the registry)."""
    suffix = "daumoi" if role == Role.FOCAL_OFFICER else "lanhdao"
    username = f"{agency.code}.{suffix}"
    user = User.objects.filter(username=username).first()
    if user is None:
        if role == Role.AGENCY_LEADER:
            head = Position.objects.filter(agency=agency, role=Position.Role.HEAD).first()
            full_name = head.person.full_name if head else f"Lãnh đạo {agency.name}"
        else:
            rng = random.Random(_seed("focal", agency.code))
            full_name = " ".join(
                rng.choice(names) for names in (province.FAMILY, province.MIDDLE, province.GIVEN)
            )
        # Random password: these accounts only make the audit trail real; the demo's logins
        # are DEMO_USERS.
        user = accounts.create_user(
            username=username,
            full_name=full_name,
            password=secrets.token_urlsafe(18),
            actor=None,
        )
    accounts.grant_role(user, role, agency=agency, actor=None)
    return user


def _self_values(framework: EngineFramework, agency: Agency) -> dict[str, Decimal]:
    target = Decimal(province.TARGETS[YEAR - 1][agency.code])
    agency_input, _base = draft_input(
        framework,
        agency.code,
        agency.name,
        agency.type.code,
        target,
        random.Random(_seed("round", YEAR, agency.code)),
    )
    return dict(agency_input.values)


def _fill(assessment: Assessment, framework: EngineFramework, share: float, officer: User) -> None:
    values = _self_values(framework, assessment.agency)
    entries = list(assessment.entries.order_by("order"))
    for i, entry in enumerate(entries[: round(len(entries) * share)]):
        save_self_assessment(
            assessment,
            entry.code,
            value=values[entry.code],
            not_applicable=False,
            justification=JUSTIFICATIONS[i % len(JUSTIFICATIONS)],
            expected_version=entry.version,
            actor=officer,
        )


def _attach_evidence(
    assessment: Assessment, framework: EngineFramework, officer: User, share: float
) -> int:
    """Sample files for ``share`` of the filled items that require evidence (every fifth one
    a photo, the others a report); returns the number of files attached."""
    required = {n.code for n in iter_nodes(framework.nodes) if n.is_leaf and n.evidence_required}
    entries = [
        e
        for e in assessment.entries.order_by("order")
        if e.code in required and e.self_value is not None and not e.self_not_applicable
    ]
    chosen = entries[: round(len(entries) * share)]
    agency = assessment.agency
    for i, entry in enumerate(chosen):
        if i % 5 == 4:
            upload = ContentFile(
                png(_seed(agency.code, i)), name=f"anh-minh-chung-{entry.code}.png"
            )
            description = f"Ảnh chụp hoạt động, mục {entry.code} (dữ liệu mẫu)"
        else:
            lines = [
                agency.name,
                f"Báo cáo kết quả thực hiện năm {YEAR}, mục {entry.code}",
                f"Số: {10 + i}/BC-{agency.short_name or agency.code.upper()} (dữ liệu mẫu)",
                "Tài liệu minh họa của bản demo chiso, không phải văn bản thật.",
            ]
            upload = ContentFile(pdf(lines), name=f"bao-cao-muc-{entry.code}.pdf")
            description = f"Báo cáo kết quả thực hiện, mục {entry.code} (dữ liệu mẫu)"
        add_evidence(assessment, upload, entry=entry, description=description, actor=officer)
    return len(chosen)


def _lower(framework: EngineFramework, entry: ItemEntry) -> Decimal | None:
    """A lower value the appraiser finds better supported, or None to agree with the agency."""
    node = next(n for n in iter_nodes(framework.nodes) if n.code == entry.code)
    value = entry.self_value
    if value is None or value == 0:
        return None
    if isinstance(node.rule, ManualRule):
        lower = [level for level in node.rule.levels if level < value]
        if node.rule.levels:
            return max(lower) if lower else None
        return max(value - Decimal("0.5"), Decimal(0))
    if isinstance(node.rule, YesNoRule):
        return Decimal(0)
    return None


def _appraise(assessment: Assessment, framework: EngineFramework, minh: User) -> int:
    """Minh's round 1 on his fields: every item of the first field, then half of the others;
    every other item that can go lower is scored lower and marked for explanation. Returns
    the number of items appraised."""
    done = candidates = 0
    for number, field in enumerate(MINH_FIELDS[assessment.agency.code]):
        entries = list(assessment.entries.filter(field_code=field).order_by("order"))
        if number:
            entries = entries[: len(entries) // 2]
        for entry in entries:
            done += 1
            lower = _lower(framework, entry)
            if lower is not None:
                candidates += 1
                lower = lower if candidates % 2 else None
            record_appraisal(
                entry,
                1,
                value=entry.self_value if lower is None else lower,
                comment=(
                    "Minh chứng chưa thể hiện đủ kết quả; đề nghị giải trình, bổ sung."
                    if lower is not None
                    else "Phù hợp với minh chứng."
                    if entry.evidence.filter(removed_at=None).exists()
                    else "Phù hợp với nội dung tự đánh giá."
                ),
                needs_explanation=lower is not None,
                expected_version=entry.version,
                actor=minh,
            )
    return done


def build_round_2024(progress: Callable[[str], Any]) -> Round:
    """Open (or find) the demo's 2024 round of the departments block, in progress."""
    frameworks = _frameworks(progress)
    block = Block.objects.get(code=BLOCK, year=YEAR)
    existing = Round.objects.filter(block=block, framework=frameworks[BLOCK]).first()
    if existing is not None:
        progress(f"  đợt đánh giá {YEAR} {block.name}: đã có")
        return existing
    tuan = User.objects.get(username="tuan")
    minh = User.objects.get(username="minh")
    today = timezone.localdate()
    deadlines = {d.value: today + datetime.timedelta(days=n) for d, n in DEADLINE_DAYS.items()}
    rnd = open_round(block, frameworks[BLOCK], deadlines, actor=tuan)
    set_late_penalty(rnd, LATE_PENALTY, actor=tuan)
    framework = rnd.framework.to_engine()
    assessments = {a.agency.code: a for a in rnd.assessments.select_related("agency__type")}
    for code, share in DRAFTS.items():
        if share:
            officer = User.objects.get(username="lan") if code == "stp" else None
            officer = officer or _staff(assessments[code].agency, Role.FOCAL_OFFICER)
            _fill(assessments[code], framework, share, officer)
            _attach_evidence(assessments[code], framework, officer, DRAFT_EVIDENCE)
    grant_extension(
        rnd,
        assessments[EXTENDED].agency,
        Deadline.SELF_ASSESSMENT,
        today + datetime.timedelta(days=EXTENSION_DAYS),
        reason=EXTENSION_REASON,
        actor=tuan,
    )
    for code in (*SUBMITTED, *APPROVED, *APPRAISED):
        assessment = assessments[code]
        _fill(assessment, framework, 1.0, _staff(assessment.agency, Role.FOCAL_OFFICER))
        _attach_evidence(
            assessment, framework, _staff(assessment.agency, Role.FOCAL_OFFICER), SUBMITTED_EVIDENCE
        )
        submit_assessment(assessment, actor=_staff(assessment.agency, Role.FOCAL_OFFICER))
        if code not in SUBMITTED:
            approve_submission(assessment, actor=_staff(assessment.agency, Role.AGENCY_LEADER))
    for code, fields in MINH_FIELDS.items():
        for field in fields:
            assign_appraiser(rnd, assessments[code].agency, field, minh, actor=tuan)
    appraised = sum(_appraise(assessments[code], framework, minh) for code in APPRAISED)
    progress(
        f"  đợt đánh giá {YEAR} {block.name}: {len(assessments)} cơ quan — "
        f"{len(DRAFTS)} đang tự đánh giá, {len(SUBMITTED)} chờ lãnh đạo duyệt, "
        f"{len(APPROVED)} đã duyệt, {len(APPRAISED)} đang thẩm định "
        f"({appraised} mục đã chấm vòng 1); hạn tự đánh giá "
        f"{deadlines[Deadline.SELF_ASSESSMENT]:%d/%m/%Y}"
    )
    return rnd
