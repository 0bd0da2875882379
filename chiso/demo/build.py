"""Build the demo province: registry, users, frameworks and finalised results for 2022–2023.

Deterministic (fixed seeds, stable hashes) and idempotent: every object is looked up by its
code first, so running it again changes nothing. Everything is written through the action
functions, so the demo's audit trail looks like a real installation's.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from chiso.accounts import actions as accounts
from chiso.accounts.models import Role
from chiso.assessments.demo import build_round_2024
from chiso.dossiers.demo import build_dossiers
from chiso.engine import LeaderInput
from chiso.frameworks.actions import load_builtin_frameworks, publish_framework
from chiso.frameworks.models import Framework
from chiso.org import actions as org
from chiso.org.models import Agency, AgencyType, Block, Lineage, Person, Position
from chiso.plans.demo import build_plans
from chiso.results.actions import compute_result_set, finalise_result_set, publish_result_set
from chiso.results.models import ResultSet
from chiso.surveys.demo import build_surveys

from . import province
from .inputs import balanced_input
from .passwords import demo_password_hashing

YEARS = (2022, 2023)
BLOCKS = {"so-ban-nganh": ("Khối sở, ban, ngành", "so"), "huyen": ("Khối UBND cấp huyện", "huyen")}
TERM_START = datetime.date(2021, 7, 1)
# Results conferences: 2022 results by Decision 498/QĐ-UBND (24/04/2023); 2023 results
# announced on 28/12/2023 (source-article.txt).
PUBLISHED = {2022: datetime.date(2023, 4, 24), 2023: datetime.date(2023, 12, 28)}
DEMO_PASSWORD = "chiso-demo"
# The demo's logins have addresses so that their e-mails (deadlines, returns, a cancelled
# round) show where the demo sends mail: the console in development (settings.EMAIL_BACKEND).
# ".invalid" is reserved and never resolves (RFC 2606 §2): a demo pointed at a real SMTP
# server still delivers nothing to anyone.
DEMO_MAIL_DOMAIN = "demo.chiso.invalid"


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_MAIL_DOMAIN}"


# (username, full name, role, agency code or None)
DEMO_USERS = [
    ("tuan", "Trương Ngọc Tuấn", Role.REFORM_OFFICE, "snv"),
    ("lan", "Nguyễn Thị Lan", Role.FOCAL_OFFICER, "stp"),
    ("nam", "Lê Văn Nam", Role.AGENCY_LEADER, "stp"),
    ("minh", "Trần Văn Minh", Role.APPRAISER, "snv"),
    ("hanh", "Phạm Thị Hạnh", Role.VIEWER, None),
    ("mai", "Võ Thị Mai", Role.SURVEY_OPERATOR, None),
]


def stable_seed(*parts: object) -> int:
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def _person_name(rng: random.Random) -> str:
    return (
        f"{rng.choice(province.FAMILY)} {rng.choice(province.MIDDLE)} {rng.choice(province.GIVEN)}"
    )


def _agency_types() -> dict[str, AgencyType]:
    wanted = {"so": "Sở, ban, ngành", "huyen": "UBND cấp huyện"}
    out = {}
    for code, name in wanted.items():
        existing = AgencyType.objects.filter(code=code).first()
        out[code] = existing or org.create_agency_type(code=code, name=name, actor=None)
    return out


def _agencies(types: dict[str, AgencyType]) -> dict[str, Agency]:
    out = {}
    for kind, rows in (("so", province.DEPARTMENTS), ("huyen", province.DISTRICTS)):
        for code, eid, name, short in rows:
            existing = Agency.objects.filter(code=code).first()
            out[code] = existing or org.create_agency(
                code=code,
                name=name,
                short_name=short,
                electronic_id=eid,
                type=types[kind],
                valid_from=datetime.date(2008, 1, 1),
                actor=None,
            )
    return out


def _reorganisation_2025(types: dict[str, AgencyType], agencies: dict[str, Agency]) -> None:
    """Department mergers of 01/03/2025 and the end of district level on 30/06/2025."""
    for code, name, eid, predecessors in province.MERGERS_2025:
        successor = Agency.objects.filter(code=code).first() or org.create_agency(
            code=code,
            name=name,
            electronic_id=eid,
            type=types["so"],
            valid_from=province.MERGER_DAY,
            actor=None,
        )
        for old in predecessors:
            if not Lineage.objects.filter(predecessor=agencies[old], successor=successor).exists():
                org.add_lineage(
                    agencies[old],
                    successor,
                    kind=Lineage.Kind.MERGED_INTO,
                    effective_date=province.MERGER_DAY,
                    legal_basis="Nghị quyết của HĐND tỉnh về sắp xếp cơ quan chuyên môn (2025)",
                    actor=None,
                )
    for code, *_rest in province.DISTRICTS:
        agency = agencies[code]
        agency.refresh_from_db()
        if agency.valid_to is None:
            org.update_agency(agency, {"valid_to": province.DISTRICTS_END}, actor=None)


def _blocks(agencies: dict[str, Agency]) -> dict[tuple[str, int], Block]:
    out = {}
    for year in (*YEARS, 2024):
        for order, (code, (name, type_code)) in enumerate(BLOCKS.items()):
            block = Block.objects.filter(code=code, year=year).first() or org.create_block(
                code=code, year=year, name=name, order=order, actor=None
            )
            out[(code, year)] = block
            for agency in agencies.values():
                if agency.type.code == type_code and agency.valid_from is not None:
                    if not agency.blocks.filter(pk=block.pk).exists():
                        org.set_block_membership(agency, year, [block], actor=None)
    return out


def _titles(agency: Agency) -> tuple[str, str]:
    """The head's and a deputy's titles: a People's Committee has a chairman, the provincial
    inspectorate a chief inspector, a management board a head of board, a department a
    director."""
    if agency.type.code == "huyen":
        return "Chủ tịch UBND", "Phó Chủ tịch UBND"
    if agency.name.startswith("Thanh tra"):
        return "Chánh Thanh tra", "Phó Chánh Thanh tra"
    if agency.name.startswith("Ban "):
        return "Trưởng ban", "Phó Trưởng ban"
    return "Giám đốc", "Phó Giám đốc"


def _leaders(agencies: dict[str, Agency]) -> None:
    """A director and two or three deputies per agency; deputies split the eight fields."""
    for code, agency in agencies.items():
        rng = random.Random(stable_seed("leaders", code))
        deputies = 3 if agency.type.code == "huyen" or rng.random() < 0.3 else 2
        for index in range(deputies + 1):
            person_code = f"{code}-ld{index}"
            person = Person.objects.filter(code=person_code).first() or org.create_person(
                code=person_code, full_name=_person_name(rng), actor=None
            )
            role = Position.Role.HEAD if index == 0 else Position.Role.DEPUTY
            head, deputy = _titles(agency)
            title = head if index == 0 else deputy
            position = Position.objects.filter(person=person, agency=agency).first()
            if position is None:
                position = org.create_position(
                    person, agency, role=role, start=TERM_START, title=title, actor=None
                )
            if role == Position.Role.DEPUTY:
                fields = [str(f) for f in range(1, 9) if (f - 1) % deputies == index - 1]
                for year in YEARS:
                    if not position.assignments.filter(year=year).exists():
                        org.set_assignment(
                            position,
                            year,
                            fields,
                            decision=f"Quyết định phân công nhiệm vụ năm {year}",
                            actor=None,
                        )


def _leader_inputs(agency: Agency, year: int) -> tuple[LeaderInput, ...]:
    out = []
    for position in agency.positions.select_related("person").order_by("role", "person__code"):
        assignment = position.assignments.filter(year=year).first()
        out.append(
            LeaderInput(
                id=position.person.code,
                name=position.person.full_name,
                role="head" if position.role == Position.Role.HEAD else "deputy",
                assigned=tuple(assignment.node_codes) if assignment else (),
            )
        )
    return tuple(out)


def _users(agencies: dict[str, Agency]) -> None:
    for username, full_name, role, agency_code in DEMO_USERS:
        user = User.objects.filter(username=username).first() or accounts.create_user(
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            actor=None,
            email=demo_email(username),
        )
        agency = agencies[agency_code] if agency_code else None
        accounts.grant_role(user, role, agency=agency, actor=None)
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = accounts.create_user(
            username="admin",
            full_name="Quản trị hệ thống",
            password=DEMO_PASSWORD,
            actor=None,
            email=demo_email("admin"),
        )
        accounts.set_superuser(admin, True, actor=None)
    accounts.grant_role(admin, Role.REFORM_OFFICE, agency=agencies["snv"], actor=None)


def _frameworks() -> None:
    # Only the shipped frameworks: drafts someone else is preparing are left alone.
    for framework in load_builtin_frameworks(actor=None):
        if framework.status == Framework.Status.DRAFT:
            publish_framework(framework, actor=None)


def _results(agencies: dict[str, Agency], blocks: dict[tuple[str, int], Block]) -> None:
    for year in YEARS:
        when = timezone.make_aware(datetime.datetime.combine(PUBLISHED[year], datetime.time(9)))
        for code in BLOCKS:
            block = blocks[(code, year)]
            candidates = Framework.objects.filter(
                year=year, status=Framework.Status.PUBLISHED, kind="par_index"
            )
            framework = next(f for f in candidates if code in f.blocks)
            if ResultSet.objects.filter(block=block, framework=framework).exists():
                continue
            engine_framework = framework.to_engine()
            inputs = [
                balanced_input(
                    engine_framework,
                    agency.code,
                    agency.name,
                    agency.type.code,
                    Decimal(province.TARGETS[year][agency.code]),
                    stable_seed("inputs", year, agency.code),
                    _leader_inputs(agency, year),
                )
                for agency in block.agencies.order_by("code")
            ]
            result_set = compute_result_set(
                block, framework, inputs, actor=None, source=ResultSet.Source.DEMO
            )
            finalise_result_set(result_set, actor=None, when=when)
            publish_result_set(result_set, actor=None, when=when)


def build(progress: Callable[[str], Any] = print) -> None:
    """Build (or complete) the demo province."""
    with demo_password_hashing(), transaction.atomic():
        types = _agency_types()
        agencies = _agencies(types)
        progress(f"  {len(agencies)} cơ quan, đơn vị")
        blocks = _blocks(agencies)
        _reorganisation_2025(types, agencies)
        _leaders(agencies)
        _users(agencies)
        progress("  người dùng, lãnh đạo, phân công")
        _frameworks()
        progress(f"  {Framework.objects.count()} bộ chỉ số")
        _results(agencies, blocks)
        progress(f"  {ResultSet.objects.count()} bảng kết quả")
        build_round_2024(progress)
        build_plans(progress)
        if settings.CHISO_DEMO_DOSSIERS:
            build_dossiers(progress)
        build_surveys(progress)
