"""The working calendar page ``/dossiers/calendar/?year=…`` and its form.

2025 by hand: Tết Dương lịch Wed 01/01; Tết from Mon 27/01 (29 Tết) to Sat 01/02; Giỗ Tổ Hùng
Vương Mon 07/04; 30/4 and 1/5 (Wed, Thu) with the bridge Friday 02/05 off in exchange for
Saturday 26/04 worked (shipped in ANNOUNCED_SWAPS); Quốc khánh Mon 01/09 and Tue 02/09.
Working days: January 23 weekdays − 6 of Tết and New Year = 17; April 22 − 2 + the Saturday
26/04 = 21; May 22 − 2 = 20.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from chiso.audit.models import AuditEvent
from chiso.dossiers.models import CalendarDay
from tests.dossiers.test_s5_calendar_jobs import client_for

PAGE = "/dossiers/calendar/"
DAY = "/dossiers/calendar/day/"
# Everyone with a role reads the calendar (public information); Khách has no role.
READERS = ("tuan", "lan", "nam", "minh", "hanh", "mai")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def day_row(html: str, date: str) -> str:
    """The text of the special-days table's row of ``date`` (dd/mm/yyyy)."""
    table = html.split('id="special-days"')[1].split("</table>")[0]
    rows = [r for r in table.split("<tr>") if f">{date}</th>" in r]
    assert rows, f"{date} is not listed"
    return text(rows[0]).strip()


def month_counts(html: str) -> list[str]:
    table = html.split('id="working-days"')[1].split("</table>")[0]
    return re.findall(r'<td class="num">(\d+)</td>', table)


def test_every_role_reads_the_calendar_and_only_the_reform_office_gets_the_form(
    world: Any,
) -> None:
    assert Client().get(PAGE).status_code == 302  # to the login page
    assert client_for(world.khach).get(PAGE).status_code == 403
    for name in READERS:
        response = client_for(getattr(world, name)).get(PAGE, {"year": 2025})
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Lịch làm việc năm 2025" in html
        assert (f'action="{DAY}"' in html) is (name == "tuan"), name


def test_2025_lists_the_holidays_the_swap_and_the_working_days_worked_by_hand(
    world: Any,
) -> None:
    html = client_for(world.hanh).get(PAGE, {"year": 2025}).content.decode()
    assert day_row(html, "01/01/2025").startswith("01/01/2025 Thứ 4 Nghỉ Ngày lễ, Tết")
    assert "Tết Dương lịch" in day_row(html, "01/01/2025")
    assert "Tết Nguyên Đán" in day_row(html, "29/01/2025")
    assert "Ngày Giỗ Tổ Hùng Vương" in day_row(html, "07/04/2025")
    # The bridge: Friday 02/05 off in lieu, Saturday 26/04 worked, shipped with the code.
    assert day_row(html, "02/05/2025").startswith("02/05/2025 Thứ 6 Nghỉ Nghỉ bù")
    worked = day_row(html, "26/04/2025")
    assert worked.startswith("26/04/2025 Thứ 7 Làm việc Làm bù")
    assert "Lịch hoán đổi do Chính phủ công bố, có sẵn trong chiso" in worked
    assert "Lịch nghỉ lễ quốc gia" in day_row(html, "02/09/2025")
    counts = month_counts(html)
    assert counts[:5] == ["17", "20", "21", "21", "20"] and counts[-1] == "250"
    assert "07:30–11:30, 13:00–17:00" in html and "8 giờ = 1 ngày làm việc" in html
    assert "giờ đóng cửa (17:00)" in html
    assert "biến môi trường CHISO_OFFICE_HOURS" in html and "CHISO_RECEIPT_CUTOFF" in html


@override_settings(DOSSIERS_RECEIPT_CUTOFF="15:00")
def test_the_configured_cutoff_is_shown(world: Any) -> None:
    html = client_for(world.lan).get(PAGE, {"year": 2025}).content.decode()
    cutoff = html.split('id="receipt-cutoff"')[1].split("</dd>")[0]
    assert "15:00" in cutoff and "giờ đóng cửa" not in cutoff


def test_a_year_outside_the_calendar_is_refused_with_a_message(world: Any) -> None:
    response = client_for(world.hanh).get(PAGE, {"year": "1990"})
    assert response.status_code == 400
    assert "“1990” không phải là một năm của lịch làm việc (2015–2035)." in text(
        response.content.decode()
    )


def test_tuan_adds_a_day_off_and_the_page_says_who_and_that_a_recompute_is_due(
    world: Any,
) -> None:
    tuan = client_for(world.tuan)
    response = tuan.post(
        DAY, {"date": "15/08/2025", "kind": "off", "note": "Nghỉ theo Công văn 12/UBND"}
    )
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?year=2025"
    row = CalendarDay.objects.get(date="2025-08-15")
    assert (row.is_working, row.note) == (False, "Nghỉ theo Công văn 12/UBND")
    event = AuditEvent.objects.get(action="dossiers.calendar.set")
    assert event.actor == world.tuan and event.data["new"]["is_working"] is False
    html = tuan.get(PAGE, {"year": 2025}).content.decode()
    assert "Ngày 15/08/2025 từ nay là ngày nghỉ." in html
    line = day_row(html, "15/08/2025")
    assert line.startswith("15/08/2025 Thứ 6 Nghỉ Ngày nghỉ thêm Do Trương Ngọc Tuấn ghi lúc")
    assert "Nghỉ theo Công văn 12/UBND" in line
    assert month_counts(html)[7] == "20"  # August: 21 weekdays, one off
    assert "Lịch đã thay đổi từ lần tính lại gần nhất" in html
    assert 'action="/dossiers/recompute/start/"' in html
    # Hạnh reads the same warning, without the button.
    seen = client_for(world.hanh).get(PAGE, {"year": 2025}).content.decode()
    assert "Lịch đã thay đổi từ lần tính lại gần nhất" in seen
    assert "/dossiers/recompute/start/" not in seen


def test_tuan_removes_the_provinces_entry_and_the_shipped_swap_applies_again(
    world: Any,
) -> None:
    tuan = client_for(world.tuan)
    tuan.post(DAY, {"date": "26/04/2025", "kind": "off", "note": "Không làm bù"})
    html = tuan.get(PAGE, {"year": 2025}).content.decode()
    assert day_row(html, "26/04/2025").startswith("26/04/2025 Thứ 7 Nghỉ")
    assert "Bỏ ghi của tỉnh" in day_row(html, "26/04/2025")
    tuan.post(DAY, {"date": "26/04/2025", "kind": "ordinary"})
    assert not CalendarDay.objects.filter(date="2025-04-26").exists()
    assert AuditEvent.objects.filter(action="dossiers.calendar.removed").count() == 1
    html = tuan.get(PAGE, {"year": 2025}).content.decode()
    assert day_row(html, "26/04/2025").startswith("26/04/2025 Thứ 7 Làm việc Làm bù")


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"date": "31/02/2025", "kind": "off"},
            "date",
            "“31/02/2025” không phải là ngày: hãy viết theo dạng dd/mm/yyyy, ví dụ 02/09/2025.",
        ),
        ({"date": "", "kind": "off"}, "date", "Nhập ngày theo dạng dd/mm/yyyy."),
        (
            {"date": "01/01/2040", "kind": "off"},
            "date",
            "Ngày 01/01/2040 nằm ngoài lịch làm việc, lịch chỉ có các năm từ 2015 đến 2035.",
        ),
        (
            {"date": "15/08/2025", "kind": "maybe"},
            "kind",
            "Hãy chọn ngày này là ngày làm việc, ngày nghỉ hay trở lại theo lịch quốc gia.",
        ),
        (
            {"date": "15/08/2025", "kind": "off", "note": "x" * 300},
            "note",
            "Ghi chú dài 300 ký tự; chỉ được tối đa 255 ký tự.",
        ),
    ],
)
def test_a_bad_form_names_the_field_and_writes_nothing(
    world: Any, form: dict[str, str], field: str, message: str
) -> None:
    shipped = CalendarDay.objects.count()  # the swaps migration 0002 wrote
    response = client_for(world.tuan).post(DAY, form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa ghi gì: hãy sửa các ô được đánh dấu bên dưới." in html
    error = html.split(f'id="day-{field}-error"')[1].split("</div>")[0]
    assert message in text(error)
    assert CalendarDay.objects.count() == shipped
    assert not AuditEvent.objects.filter(action__startswith="dossiers.calendar").exists()


def test_only_the_reform_office_may_change_a_day(world: Any) -> None:
    form = {"date": "15/08/2025", "kind": "off"}
    assert Client().post(DAY, form).status_code == 302  # to the login page
    for name in ("lan", "nam", "minh", "hanh", "mai", "khach"):
        assert client_for(getattr(world, name)).post(DAY, form).status_code == 403, name
    assert not CalendarDay.objects.filter(date="2025-08-15").exists()
    assert not AuditEvent.objects.exists()
