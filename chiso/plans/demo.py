"""The demo province's 2024 reform plan, inspection findings and national indices.

Deterministic and idempotent (nothing is added when the plan exists). Closed tasks have fixed
2024 dates; the open tasks that are not yet due take deadlines counted from the day the demo is
built, so that every status (not started, in progress, due soon, done, done late, overdue) is
always on show. Index values are the province's published figures (par-index.md §1.5 and
source-article.txt), cited in each row's source.
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
#  deadline (a date, or days from today), completed on, progress)
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
        5,
        None,
        40,
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
        None,
        60,
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
        "stp",
        "",
        1,
        "Cung cấp dịch vụ công trực tuyến toàn trình cấp phiếu lý lịch tư pháp",
        "Dịch vụ công trực tuyến toàn trình",
        False,
        45,
        None,
        30,
    ),
    (
        "8",
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
        "9",
        "sxd",
        "",
        1,
        "Công khai đầy đủ TTHC lĩnh vực xây dựng trên Cổng Dịch vụ công",
        "TTHC được công khai",
        False,
        D(2024, 8, 31),
        None,
        0,
    ),
    (
        "10",
        "stnmt",
        "snv",
        0,
        "Giảm tỷ lệ hồ sơ đất đai giải quyết trễ hạn",
        "Báo cáo tỷ lệ hồ sơ trễ hạn hằng quý",
        True,
        D(2024, 12, 15),
        None,
        70,
    ),
    (
        "11",
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
        "12",
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
    (
        "13",
        "stttt",
        "",
        1,
        "Nâng cấp Hệ thống thông tin giải quyết TTHC của tỉnh",
        "Hệ thống được nâng cấp",
        False,
        20,
        None,
        0,
    ),
]

# Province figures (par-index.md §1.5; source-article.txt for the 766 index).
INDICES = [
    (IndexKind.PAR, 2022, "75.99", "100", 63, 63, "C", "par-index.md §1.5 [S22]"),
    (IndexKind.PAR, 2023, "85.39", "100", 52, 63, "B", "par-index.md §1.5 [S22]"),
    (IndexKind.PAR, 2024, "88.20", "100", 36, 63, "", "par-index.md §1.5 [S23]; [S24] gives 29/63"),
    (IndexKind.SIPAS, 2023, "79.66", "100", 51, 63, "", "par-index.md §1.5 [S22]"),
    (IndexKind.PAPI, 2023, "40.42", "80", 50, 61, "", "par-index.md §1.5 [S22]"),
    (IndexKind.SERVICE_766, 2022, "48.38", "100", 61, 63, "", "source-article.txt"),
    (IndexKind.SERVICE_766, 2023, "73", "100", 25, 63, "", "source-article.txt (25/12/2023)"),
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


def _deadline(value: Any, today: datetime.date) -> datetime.date:
    return value if isinstance(value, datetime.date) else today + datetime.timedelta(days=value)


def build_plans(progress: Callable[[str], Any] = print) -> None:
    """Add the 2024 plan with its tasks, the indices and targets, inspections and 2024 facts."""
    if Plan.objects.filter(code=PLAN_CODE).exists():
        return
    today = timezone.localdate()
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
            deadline=_deadline(deadline, today),
            co_agencies=[agencies[co]] if co else [],
            leader=Person.objects.get(code=f"{lead}-ld{leader}"),
            officer="Chuyên viên phụ trách CCHC",
            output=output,
            assigned_by_ppc=ppc,
        )
        if percent:
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
