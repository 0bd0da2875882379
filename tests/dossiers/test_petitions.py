"""Petitions (phản ánh, kiến nghị) of Sở Tư pháp, January 2024, worked by hand.

P1 received 02/01, due 23/01, answered 10/01, rated 5: on time, satisfied.
P2 received 03/01, due 10/01, answered 15/01, rated 2: late, not satisfied.
P3 received Mon 29/01 09:00, no due date given: 15 working days later, across Tết 2024
   (08–14/02 off), is Mon 26/02 09:00; unanswered at the end of January: within time.
P4 received 05/01, due 12/01, never answered: late at the end of January.
P5 received 05/01, due 26/01, answered 08/01, rated 4: on time, satisfied.
P6 received 01/02: not in January.
On time 3 of 5 = 60,00 %; satisfied 2 of 3 rated = 66,67 %.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chiso.audit.models import AuditEvent
from chiso.dossiers.models import Petition
from chiso.dossiers.petitions import import_petitions
from chiso.dossiers.scorecard import parse_period, score_card
from chiso.dossiers.workcalendar import local

HEADER = "Mã PAKN,Mã cơ quan,Ngày tiếp nhận,Hạn trả lời,Ngày trả lời,Đã công khai,Mức hài lòng,Kênh tiếp nhận\n"
JANUARY = HEADER + (
    "P1,stp,02/01/2024 09:00,23/01/2024 17:00,10/01/2024 10:00,có,5,Cổng dịch vụ công\n"
    "P2,stp,03/01/2024 09:00,10/01/2024 17:00,15/01/2024 10:00,có,2,portal\n"
    "P3,stp,29/01/2024 09:00,,,,,Đường dây nóng\n"
    "P4,stp,05/01/2024 09:00,12/01/2024 17:00,,,,trực tiếp\n"
    "P5,stp,05/01/2024 09:00,26/01/2024 17:00,08/01/2024 10:00,không,4,email\n"
    "P6,stp,01/02/2024 09:00,,,,,portal\n"
)


@pytest.fixture
def january(world: Any) -> Any:
    report = import_petitions(JANUARY.encode(), actor=world.tuan, filename="pakn.csv")
    assert report.ok, report.problems
    assert report.created == 6
    return world


def test_the_rates_are_worked_by_hand(january: Any) -> None:
    card = score_card(parse_period("2024-01"), january.stp)
    on_time, satisfied = (
        card.metrics["petition.on_time_rate"],
        card.metrics["petition.satisfaction_rate"],
    )
    assert (on_time.numerator, on_time.denominator, on_time.value) == (3, 5, Decimal("60.00"))
    assert (satisfied.numerator, satisfied.denominator, satisfied.value) == (
        2,
        3,
        Decimal("66.67"),
    )
    points = {g["code"]: Decimal(g["points"]) for g in card.groups}
    assert points["5.1"] == Decimal("3.60")  # 6 × 60 %
    assert points["5.2"] == Decimal("4.00")  # 6 × 66,67 %, two decimals
    assert card.sources["petition.on_time_rate"].kind == "petitions"


def test_a_missing_due_date_is_fifteen_working_days_after_receipt(january: Any) -> None:
    p3 = Petition.objects.get(code="P3")
    assert local(p3.due_at) == datetime.datetime(2024, 2, 26, 9, 0)
    assert p3.channel == "phone"


def test_a_unit_without_petitions_counts_full_once_the_register_is_used(january: Any) -> None:
    sxd = score_card(parse_period("2024-01"), january.sxd).metrics["petition.on_time_rate"]
    assert sxd.value == Decimal("100.00")
    # No petition at all in 2023: the register was not in use, the data is missing.
    card = score_card(parse_period("2023"), january.sxd)
    assert card.metrics["petition.on_time_rate"].value is None
    assert next(g for g in card.groups if g["code"] == "5")["missing_input"]


def test_the_province_counts_every_petition(january: Any) -> None:
    card = score_card(parse_period("2024-01"))
    assert card.metrics["petition.on_time_rate"].denominator == 5


def test_a_reimport_updates_and_audits_the_changed_petition(january: Any) -> None:
    changed = JANUARY.replace(
        "P4,stp,05/01/2024 09:00,12/01/2024 17:00,,,,",
        "P4,stp,05/01/2024 09:00,12/01/2024 17:00,11/01/2024 08:00,có,3,",
    )
    report = import_petitions(changed.encode(), actor=january.tuan, filename="pakn.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    event = AuditEvent.objects.filter(action="dossiers.petition.updated").get()
    assert event.data["old"]["answered_at"] is None and event.data["new"]["satisfaction"] == 3
    metric = score_card(parse_period("2024-01"), january.stp).metrics["petition.on_time_rate"]
    assert metric.numerator == 4  # P4 now answered before its due date


def test_every_bad_row_is_named_and_nothing_is_written(world: Any) -> None:
    bad = HEADER + (
        "Q1,stp,02/01/2024 09:00,,,,,portal\n"
        "Q2,khong-co,02/01/2024 09:00,,,,,portal\n"
        "Q1,stp,02/01/2024 09:00,,,,,portal\n"
        "Q4,stp,hôm qua,,,,,portal\n"
        "Q5,stp,02/01/2024 09:00,,01/01/2024 09:00,,7,fax\n"
        "Q6,stp,02/01/2024 09:00,,,có,,portal\n"
    )
    report = import_petitions(bad.encode(), actor=world.tuan, filename="pakn.csv")
    assert not report.ok
    texts = [str(p) for p in report.problems]
    assert "Dòng 3, cột «Mã cơ quan»: không có cơ quan mã 'khong-co'" in texts
    assert "Dòng 4, cột «Mã PAKN»: trùng với dòng 2" in texts
    lines = {(p.line, p.column) for p in report.problems}
    assert (5, "Ngày tiếp nhận") in lines
    assert {(6, "Ngày trả lời"), (6, "Mức hài lòng"), (6, "Kênh tiếp nhận")} <= lines
    assert (7, "Đã công khai") in lines
    assert Petition.objects.count() == 0


def test_json_lines_rows_are_named_by_their_line(world: Any) -> None:
    lines = [
        {
            "Mã PAKN": "J1",
            "Mã cơ quan": "stp",
            "Ngày tiếp nhận": "20240102090000",
            "Kênh tiếp nhận": "portal",
        },
        {
            "Mã PAKN": "J2",
            "Mã cơ quan": "stp",
            "Ngày tiếp nhận": "2024-01-02",
            "Kênh tiếp nhận": "portal",
            "Mức hài lòng": 4,
        },
    ]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    report = import_petitions(data, actor=None, filename="pakn.jsonl")
    assert [(p.line, p.column) for p in report.problems] == [(2, "Mức hài lòng")]
    lines[1].pop("Mức hài lòng")
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    assert import_petitions(data, actor=None, filename="pakn.jsonl").created == 2


def test_only_the_reform_office_imports(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (world.lan, world.nam, world.minh, world.hanh, world.mai, world.khach):
        with pytest.raises(PermissionDenied):
            import_petitions(JANUARY.encode(), actor=user, filename="pakn.csv")
    assert Petition.objects.count() == 0


def test_the_command_imports_and_refuses_a_bad_file(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    good = tmp_path / "pakn.csv"
    good.write_text(JANUARY, encoding="utf-8")
    call_command("dossiers", "petitions", str(good))
    assert "6 tạo mới" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X1,stp,,,,,,portal\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("dossiers", "petitions", str(bad))
    assert "Dòng 2" in capsys.readouterr().err
