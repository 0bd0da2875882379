"""The demo province's reform plans, inspection findings and national indices.

Deterministic and idempotent (a plan that exists is left alone). The 2024 plan is history: its
tasks have 2024 deadlines, and those not finished by 31/12/2024 were finished late in early
2025, so its completion facts are judged as of 31/12/2024 (plans.completion). The plan of the
current year is live: its deadlines are counted from the day the demo is built (kept within
that year), so that the statuses not started, in progress, due soon and overdue are always on
show. Index values are the province's published figures, each with its source.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chiso.org.models import Agency, Person
from chiso.plans import actions
from chiso.plans.facts import write_facts
from chiso.plans.models import IndexKind, Plan

PLAN_CODE = "cchc-2024"
D = datetime.date

# (number, lead, co-operating, leader index (0 head, 1 deputy), title, output, PPC,
#  deadline, completed on, progress)
TASKS: list[tuple[str, str, str, int, str, str, bool, Any, Any, int]] = [
    (
        "1",
        "snv",
        "stp",
        0,
        "Ban hành Kế hoạch kiểm tra công tác CCHC năm 2024",
        "Kế hoạch kiểm tra",
        True,
        D(2024, 2, 29),
        D(2024, 2, 20),
        100,
    ),
    (
        "2",
        "snv",
        "",
        1,
        "Tổ chức xác định Chỉ số CCHC năm 2023 của các sở, ngành, địa phương",
        "Quyết định công bố Chỉ số CCHC",
        True,
        D(2024, 4, 30),
        D(2024, 5, 20),
        100,
    ),
    (
        "3",
        "snv",
        "stttt",
        1,
        "Tập huấn nghiệp vụ CCHC cho công chức đầu mối",
        "Hội nghị tập huấn",
        False,
        D(2024, 10, 31),
        D(2024, 10, 24),
        100,
    ),
    (
        "4",
        "stp",
        "snv",
        1,
        "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch, chứng thực",
        "Báo cáo rà soát, phương án đơn giản hóa",
        True,
        D(2024, 9, 30),
        D(2025, 3, 14),  # not done at the end of 2024: finished late, in 2025
        100,
    ),
    (
        "5",
        "stp",
        "",
        0,
        "Kiểm tra việc thực hiện pháp luật về kiểm soát TTHC tại 03 huyện",
        "Báo cáo kết quả kiểm tra",
        False,
        D(2024, 6, 30),
        D(2024, 6, 25),
        100,
    ),
    (
        "6",
        "stp",
        "stttt",
        1,
        "Số hóa sổ hộ tịch giai đoạn 2024",
        "Dữ liệu hộ tịch được số hóa",
        True,
        D(2024, 10, 31),
        D(2024, 11, 15),
        100,
    ),
    (
        "7",
        "sxd",
        "stnmt",
        0,
        "Chuẩn hóa quy trình nội bộ giải quyết TTHC cấp giấy phép xây dựng",
        "Quyết định phê duyệt quy trình nội bộ",
        True,
        D(2024, 5, 31),
        D(2024, 7, 10),
        100,
    ),
    (
        "8",
        "sxd",
        "",
        1,
        "Công khai đầy đủ TTHC lĩnh vực xây dựng trên Cổng Dịch vụ công",
        "TTHC được công khai",
        False,
        D(2024, 8, 31),
        D(2025, 1, 20),
        100,
    ),
    (
        "9",
        "stnmt",
        "snv",
        0,
        "Giảm tỷ lệ hồ sơ đất đai giải quyết trễ hạn",
        "Báo cáo tỷ lệ hồ sơ trễ hạn hằng quý",
        True,
        D(2024, 12, 15),
        D(2025, 2, 27),
        100,
    ),
    (
        "10",
        "stnmt",
        "",
        1,
        "Kết nối, chia sẻ dữ liệu đất đai với Cổng Dịch vụ công của tỉnh",
        "Dữ liệu đất đai được kết nối",
        False,
        D(2024, 9, 30),
        D(2024, 9, 28),
        100,
    ),
    (
        "11",
        "stttt",
        "snv",
        0,
        "Kết nối hệ thống của tỉnh với nền tảng điện toán đám mây Chính phủ",
        "Hệ thống được kết nối",
        True,
        D(2024, 11, 30),
        D(2024, 11, 29),
        100,
    ),
]

# The plan of the year the demo is built, led by the agencies of after the 2025 mergers.
# (number, lead, leader index or None (the merged agencies have no demo leaders), title,
#  output, PPC, deadline in days from today, completed days from today or None, progress)
CURRENT_TASKS: list[tuple[str, str, int | None, str, str, bool, int, int | None, int]] = [
    (
        "1",
        "snv-2025",
        None,
        "Ban hành Kế hoạch kiểm tra công tác CCHC năm %(year)s",
        "Kế hoạch kiểm tra",
        True,
        -60,
        -66,
        100,
    ),
    (
        "2",
        "snv-2025",
        None,
        "Tổng hợp báo cáo CCHC quý I năm %(year)s",
        "Báo cáo quý",
        True,
        -150,
        -141,
        100,
    ),
    (
        "3",
        "snv-2025",
        None,
        "Tập huấn nghiệp vụ CCHC cho công chức đầu mối sau sắp xếp bộ máy",
        "Hội nghị tập huấn",
        False,
        5,
        None,
        40,
    ),
    (
        "4",
        "stp",
        1,
        "Cung cấp dịch vụ công trực tuyến toàn trình cấp Phiếu lý lịch tư pháp",
        "Dịch vụ công trực tuyến toàn trình",
        False,
        45,
        None,
        30,
    ),
    (
        "5",
        "stp",
        0,
        "Cập nhật, công khai TTHC lĩnh vực tư pháp tại Bộ phận Một cửa",
        "TTHC được công khai",
        True,
        -12,
        None,
        60,
    ),
    (
        "6",
        "skhcn-2025",
        None,
        "Nâng cấp Hệ thống thông tin giải quyết TTHC của tỉnh",
        "Hệ thống được nâng cấp",
        False,
        20,
        None,
        0,
    ),
    (
        "7",
        "snnmt",
        None,
        "Số hóa hồ sơ đăng ký đất đai còn tồn đọng",
        "Dữ liệu đất đai được số hóa",
        True,
        -30,
        None,
        50,
    ),
]

# Province figures (par-index.md §1.5, which cites the pages named here; source-article.txt is
# the Báo Phú Yên interview of 24/01/2024). The 2024 PAR rank: 36/63 in Báo Phú Yên (04/2025)
# against 29/63 on the Sở Ngoại vụ page; 36 agrees with "+16 places" from 52/63 in 2023.
MOHA = "Bộ Nội vụ, Chỉ số CCHC năm %s (công bố %s)"
INDICES = [
    (
        IndexKind.PAR,
        2022,
        "75.99",
        "100",
        63,
        63,
        "C",
        MOHA % (2022, 2023) + "; theo Cổng TTĐT Đảng bộ tỉnh Phú Yên",
    ),
    (
        IndexKind.PAR,
        2023,
        "85.39",
        "100",
        52,
        63,
        "B",
        MOHA % (2023, 2024) + "; theo Cổng TTĐT Đảng bộ tỉnh Phú Yên",
    ),
    (
        IndexKind.PAR,
        2024,
        "88.20",
        "100",
        36,
        63,
        "",
        MOHA % (2024, 2025) + "; theo Báo Phú Yên (04/2025). Trang Sở Ngoại vụ ghi hạng 29/63; "
        "chọn 36/63 vì khớp với mức tăng 16 bậc so với năm 2023 (52/63)",
    ),
    (
        IndexKind.SIPAS,
        2023,
        "79.66",
        "100",
        51,
        63,
        "",
        "Bộ Nội vụ, Chỉ số hài lòng SIPAS năm 2023 (công bố 2024); "
        "theo Cổng TTĐT Đảng bộ tỉnh Phú Yên",
    ),
    (
        IndexKind.PAPI,
        2023,
        "40.42",
        "80",
        50,
        61,
        "",
        "UNDP, CECODES, Báo cáo PAPI 2023 (công bố 2024); theo Cổng TTĐT Đảng bộ tỉnh Phú Yên",
    ),
    (
        IndexKind.SERVICE_766,
        2022,
        "48.38",
        "100",
        61,
        63,
        "",
        "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) năm 2022; "
        "theo Báo Phú Yên, 24/01/2024",
    ),
    (
        IndexKind.SERVICE_766,
        2023,
        "73",
        "100",
        25,
        63,
        "",
        "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg), "
        "số liệu đến 25/12/2023; theo Báo Phú Yên, 24/01/2024",
    ),
]
# "đến năm 2025 các chỉ số PAR Index, PCI, PAPI, SIPAS xếp nhóm 30 tỉnh, thành phố" —
# Chương trình hành động số 12 của Tỉnh ủy (source-article.txt).
TARGET_BASIS = "Chương trình hành động số 12 của Tỉnh ủy: nhóm 30 tỉnh, thành phố đến năm 2025"
TARGETS = (IndexKind.PAR, IndexKind.PCI, IndexKind.PAPI, IndexKind.SIPAS)

# (agency, date, finding, breach of discipline); all cite the same sample conclusion.
SAMPLE_CONCLUSION = "Kết luận kiểm tra công vụ (dữ liệu mẫu)"
INSPECTIONS = [
    (
        "sxd",
        D(2024, 8, 14),
        "Giải quyết hồ sơ cấp phép xây dựng trễ hạn không có văn bản xin lỗi",
        True,
    ),
    ("stp", D(2024, 8, 20), "Niêm yết TTHC tại Bộ phận một cửa chưa cập nhật", False),
    ("stnmt", D(2024, 9, 5), "Công chức không đeo thẻ công chức khi tiếp dân", True),
]


def _in_year(today: datetime.date, days: int) -> datetime.date:
    """``days`` from ``today``, kept within today's year (the current plan's year)."""
    day = today + datetime.timedelta(days=days)
    return min(max(day, D(today.year, 1, 1)), D(today.year, 12, 31))


def build_plans(progress: Callable[[str], Any] = print) -> None:
    """Add the 2024 plan with its tasks, the indices and targets, inspections and 2024 facts,
    and the plan of the current year."""
    today = timezone.localdate()
    if not Plan.objects.filter(code=PLAN_CODE).exists():
        _build_2024(progress, today)
    _build_current(progress, today)


def _build_2024(progress: Callable[[str], Any], today: datetime.date) -> None:
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in={"snv", "stp", "sxd", "stnmt", "stttt"})
    }
    plan = actions.create_plan(
        actor=None,
        year=2024,
        code=PLAN_CODE,
        title="Kế hoạch cải cách hành chính năm 2024 của UBND tỉnh",
        document_number="Kế hoạch số 01/KH-UBND (dữ liệu mẫu)",
        document_date=D(2024, 1, 15),
    )
    for number, lead, co, leader, title, output, ppc, deadline, done, percent in TASKS:
        task, _changed = actions.save_task(
            plan,
            actor=None,
            number=number,
            title=title,
            lead_agency=agencies[lead],
            deadline=deadline,
            co_agencies=[agencies[co]] if co else [],
            leader=Person.objects.get(code=f"{lead}-ld{leader}"),
            officer="Chuyên viên phụ trách CCHC",
            output=output,
            assigned_by_ppc=ppc,
        )
        actions.report_progress(
            task,
            actor=None,
            text="Đã hoàn thành." if done else "Đang triển khai theo kế hoạch.",
            percent=percent,
            completed_on=done,
            today=today,
        )
    for kind, year, value, scale, rank, of, group, source in INDICES:
        actions.set_external_index(
            actor=None,
            kind=kind,
            year=year,
            value=Decimal(value),
            scale=Decimal(scale),
            rank=rank,
            of=of,
            group=group,
            source=source,
        )
    for kind in TARGETS:
        actions.set_target(actor=None, kind=kind, year=2025, rank=30, basis=TARGET_BASIS)
    for code, day, finding, discipline in INSPECTIONS:
        actions.record_inspection(
            actor=None,
            agency=agencies[code],
            date=day,
            finding=finding,
            discipline=discipline,
            evidence=SAMPLE_CONCLUSION,
        )
    write_facts(2024, actor=None, as_of=D(2024, 12, 31))
    progress(f"  kế hoạch CCHC 2024: {plan.tasks.count()} nhiệm vụ")


def _build_current(progress: Callable[[str], Any], today: datetime.date) -> None:
    """The plan of the demo's own year: live deadlines (due soon, overdue) counted from today."""
    code = f"cchc-{today.year}"
    if Plan.objects.filter(code=code).exists():
        return
    agencies = {a.code: a for a in Agency.objects.filter(code__in={t[1] for t in CURRENT_TASKS})}
    plan = actions.create_plan(
        actor=None,
        year=today.year,
        code=code,
        title=f"Kế hoạch cải cách hành chính năm {today.year} của UBND tỉnh",
        document_number="Kế hoạch số 02/KH-UBND (dữ liệu mẫu)",
        document_date=D(today.year, 1, 2),
    )
    for number, lead, leader, title, output, ppc, due_in, done_in, percent in CURRENT_TASKS:
        task, _changed = actions.save_task(
            plan,
            actor=None,
            number=number,
            title=title % {"year": today.year},
            lead_agency=agencies[lead],
            deadline=_in_year(today, due_in),
            leader=None if leader is None else Person.objects.get(code=f"{lead}-ld{leader}"),
            officer="Chuyên viên phụ trách CCHC",
            output=output,
            assigned_by_ppc=ppc,
        )
        if percent:
            done = None if done_in is None else _in_year(today, done_in)
            actions.report_progress(
                task,
                actor=None,
                text="Đã hoàn thành." if done else "Đang triển khai theo kế hoạch.",
                percent=percent,
                completed_on=done,
                today=today,
            )
    progress(f"  kế hoạch CCHC {today.year}: {plan.tasks.count()} nhiệm vụ")
