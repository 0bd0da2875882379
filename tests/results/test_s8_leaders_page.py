"""Review s8, finding 6: a province-wide view of the heads' and deputies' classification.

The page ``/results/leaders/<year>/<block>/`` lists every head and deputy of a block with the
numbers of their agency's scorecard, counts them per class, sorts by score, and keeps agency
users to their own agency. The block workbook carries the same table as a sheet. A deputy
without fields for the year is named as such ("chưa phân công lĩnh vực năm 2024").

The demo has 2022 and 2023 results published for both blocks, and 2024 blocks with the round
open but no results and no 2024 field assignments.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from chiso.assessments.inputs import leaders_of
from chiso.frameworks.models import Framework
from chiso.org import actions as org
from chiso.org.models import Block, Position
from chiso.reports.jobs import request_job, run_job
from chiso.reports.models import ReportJob
from chiso.reports.xlsx import result_table_xlsx
from chiso.results.actions import compute_result_set
from chiso.results.models import AgencyScore, ResultSet
from chiso.results.serialize import input_from_dict

URL = "/results/leaders/2023/so-ban-nganh/"
SHEET = "Người đứng đầu, cấp phó"


def client(username: str | None) -> Client:
    c = Client()
    if username == "khach":
        c.force_login(User.objects.create_user("khach"))
    elif username:
        c.force_login(User.objects.get(username=username))
    return c


def text(html: str) -> str:
    """What a reader sees: inline spans join their neighbours, other tags separate words."""
    html = re.sub(r"</?span[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def table_rows(html: str) -> list[list[str]]:
    """The cells of the leaders table, as a reader sees them."""
    match = re.search(r'<table[^>]*id="leaders".*?<tbody>(.*?)</tbody>', html, re.S)
    if match is None:
        return []
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S)
    ]


def vi(value: Any) -> str:
    return f"{Decimal(str(value)):.2f}".replace(".", ",")


def stored(year: int = 2023, block: str = "so-ban-nganh", agency: str | None = None) -> list:
    """(name, agency, score, class) of every stored leader score, in the official order."""
    scores = AgencyScore.objects.filter(
        result_set__year=year, result_set__block__code=block
    ).select_related("agency")
    if agency:
        scores = scores.filter(agency__code=agency)
    return [
        (ld["name"], s.agency.name, vi(ld["score"]), ld["classification"])
        for s in scores.order_by("rank", "agency__name")
        for ld in s.leaders_in_order
    ]


def shown(rows: list[list[str]]) -> list[tuple[str, str, str, str]]:
    return [(r[0], r[1], r[4], r[5]) for r in rows]


@pytest.mark.parametrize(
    ("persona", "status", "whose"),
    [
        ("tuan", 200, "all"),
        ("hanh", 200, "all"),
        ("minh", 200, "all"),
        # Published results are public (the public scorecards show every leader's score).
        ("lan", 200, "all"),
        ("nam", 200, "all"),
        ("mai", 200, "all"),
        ("khach", 403, "none"),
    ],
)
def test_who_sees_which_heads_and_deputies(
    demo: None, persona: str, status: int, whose: str
) -> None:
    response = client(persona).get(URL)
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    assert shown(table_rows(html)) == stored()


def test_anonymous_users_are_sent_to_login(demo: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_unknown_block_or_year_is_not_found(demo: None) -> None:
    assert client("hanh").get("/results/leaders/2019/so-ban-nganh/").status_code == 404
    assert client("hanh").get("/results/leaders/2023/khong-co/").status_code == 404


def test_the_numbers_are_those_of_each_agencys_scorecard(demo: None) -> None:
    hanh = client("hanh")
    rows = table_rows(hanh.get(URL).content.decode())
    assert len(rows) == len(stored()) > 20
    scorecard = text(hanh.get("/results/2023/so-ban-nganh/stp/").content.decode())
    stp_rows = [r for r in rows if r[1] == "Sở Tư pháp"]
    assert stp_rows and all(f"{r[0]} " in scorecard for r in stp_rows)
    for name, _agency, score, classification in shown(stp_rows):
        assert re.search(rf"{re.escape(name)} .*? {score} {classification}", scorecard)


def test_roles_and_fields_are_named(demo: None) -> None:
    rows = table_rows(client("hanh").get(URL).content.decode())
    stp = [r for r in rows if r[1] == "Sở Tư pháp"]
    assert stp[0][2] == "Giám đốc" and stp[0][3] == "Toàn bộ lĩnh vực (chỉ số của cơ quan)"
    assert {r[2] for r in stp[1:]} == {"Phó Giám đốc"}
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    first = score.leaders_in_order[1]
    assert stp[1][3] == ", ".join(first["assigned"])
    # The codes are named once, under the table.
    html = client("hanh").get(URL).content.decode()
    legend = text(re.search(r'<section[^>]*id="fields".*?</section>', html, re.S).group(0))
    for code in first["assigned"]:
        assert f"{code} {score.node(code)['title']}" in legend
    districts = table_rows(client("hanh").get("/results/leaders/2023/huyen/").content.decode())
    assert {r[2] for r in districts} == {"Chủ tịch UBND", "Phó Chủ tịch UBND"}


def test_counts_per_class_head_the_page(demo: None) -> None:
    html = client("hanh").get(URL).content.decode()
    heads: dict[str, int] = {}
    deputies: dict[str, int] = {}
    for s in AgencyScore.objects.filter(
        result_set__year=2023, result_set__block__code="so-ban-nganh"
    ):
        for ld in s.leaders:
            counter = heads if ld["role"] == "head" else deputies
            counter[ld["classification"]] = counter.get(ld["classification"], 0) + 1
    scale = ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    head_line = ", ".join(f"{heads[c]} {c}" for c in scale if heads.get(c))
    deputy_line = ", ".join(f"{deputies[c]} {c}" for c in scale if deputies.get(c))
    page = text(html)
    assert f"Người đứng đầu ({sum(heads.values())}): {head_line}" in page
    assert f"Cấp phó ({sum(deputies.values())}): {deputy_line}" in page
    assert page.index("Người đứng đầu (") < page.index("Họ và tên")


@pytest.mark.parametrize("sort", ["score-asc", "score-desc"])
def test_the_table_sorts_by_score(demo: None, sort: str) -> None:
    html = client("hanh").get(f"{URL}?sort={sort}").content.decode()
    scores = [Decimal(r[4].replace(",", ".")) for r in table_rows(html)]
    assert scores == sorted(scores, reverse=sort == "score-desc") and len(scores) > 20
    assert sorted(shown(table_rows(html))) == sorted(stored())
    assert ('aria-sort="ascending"' if sort == "score-asc" else 'aria-sort="descending"') in html


def test_an_unknown_sort_keeps_the_official_order(demo: None) -> None:
    html = client("hanh").get(f"{URL}?sort=drop-table").content.decode()
    assert shown(table_rows(html)) == stored()


def test_links_from_the_dashboard_and_the_block_page(demo: None) -> None:
    hanh = client("hanh")
    dashboard = hanh.get("/plans/dashboard/").content.decode()
    assert 'href="/results/leaders/2023/so-ban-nganh/"' in dashboard
    assert 'href="/results/leaders/2023/huyen/"' in dashboard
    block = hanh.get("/results/2023/so-ban-nganh/").content.decode()
    assert 'href="/results/leaders/2023/so-ban-nganh/"' in block
    assert "Phân loại người đứng đầu, cấp phó" in text(block)


def test_2024_deputies_without_fields_are_named_plainly(demo: None) -> None:
    """The round of 2024 is open and nobody assigned the deputies' fields yet."""
    html = client("hanh").get("/results/leaders/2024/so-ban-nganh/").content.decode()
    rows = table_rows(html)
    deputies = [r for r in rows if r[2].startswith("Phó")]
    assert deputies and all(r[3] == "chưa phân công lĩnh vực năm 2024" for r in deputies)
    assert all(r[4] == "—" and r[5] == "—" for r in rows)
    assert "chưa có kết quả năm 2024" in text(html)
    # Once a deputy's fields are assigned, the page names them.
    position = Position.objects.filter(agency__code="stp", role="deputy").order_by("pk").first()
    assert position is not None
    org.set_assignment(position, 2024, ["1", "4"], decision="QĐ 12/QĐ-STP", actor=None)
    html = client("hanh").get("/results/leaders/2024/so-ban-nganh/").content.decode()
    row = next(r for r in table_rows(html) if r[0] == position.person.full_name)
    assert row[3] == "1, 4"
    assert 'title="Công tác chỉ đạo, điều hành cải cách hành chính">1</span>' in html


def test_a_scored_deputy_without_fields_takes_the_agencys_index(demo: None) -> None:
    """2024 computed before the deputies' fields were assigned: each deputy scores the agency's
    index, and the page says why instead of leaving the cell blank."""
    framework = Framework.objects.get(code="so-ban-nganh", year=2024)  # the open round's
    block = Block.objects.get(code="so-ban-nganh", year=2024)
    last = {s.agency_id: s for s in AgencyScore.objects.filter(result_set__year=2023)}
    inputs = []
    for agency in block.agencies.all():
        data = last[agency.pk].inputs
        inputs.append(replace(input_from_dict(data), leaders=leaders_of(agency, 2024)))
    result_set = compute_result_set(
        block, framework, inputs, actor=None, source=ResultSet.Source.IMPORT
    )
    html = client("hanh").get("/results/leaders/2024/so-ban-nganh/").content.decode()
    rows = table_rows(html)
    stp = result_set.scores.get(agency__code="stp")
    stp_rows = [r for r in rows if r[1] == "Sở Tư pháp"]
    deputies = [r for r in stp_rows if r[2] == "Phó Giám đốc"]
    assert deputies
    for r in deputies:
        assert r[3] == "chưa phân công lĩnh vực năm 2024 lấy bằng chỉ số của cơ quan"
        assert r[4] == vi(stp.final)
    # The draft is not shown to Sở Tư pháp's own people: their rows come without scores.
    lan_rows = table_rows(client("lan").get("/results/leaders/2024/so-ban-nganh/").content.decode())
    assert {r[1] for r in lan_rows} == {"Sở Tư pháp"} and {r[4] for r in lan_rows} == {"—"}


def _sheet_rows(content: bytes) -> tuple[Any, list[tuple[str, str, str, str]]]:
    ws = load_workbook(BytesIO(content))[SHEET]
    rows = [r for r in ws.iter_rows(min_row=7, values_only=True) if r[0] is not None]
    return ws, [(r[1], r[2], vi(r[5]), r[6]) for r in rows]


def test_the_block_workbook_has_the_same_table(demo: None) -> None:
    result_set = ResultSet.objects.get(year=2023, block__code="so-ban-nganh")
    content = client("hanh").get("/reports/2023/so-ban-nganh.xlsx").content
    ws, rows = _sheet_rows(content)
    assert rows == stored()
    page = table_rows(client("hanh").get(URL).content.decode())
    assert rows == shown(page)
    assert [c.value for c in ws[6]] == [
        "STT",
        "Họ và tên",
        "Cơ quan/đơn vị",
        "Chức vụ",
        "Lĩnh vực phụ trách",
        "Điểm",
        "Xếp loại",
    ]
    assert ws.cell(row=7, column=6).number_format == "0.00"
    assert isinstance(ws.cell(row=7, column=6).value, float)
    assert ws.cell(row=7, column=4).value == "Giám đốc"
    page_text = text(client("hanh").get(URL).content.decode())
    assert f"{ws['A3'].value}: {ws['B3'].value}" in page_text
    assert f"{ws['A4'].value}: {ws['B4'].value}" in page_text
    # The command line's workbook (no viewer) lists everyone too.
    assert _sheet_rows(result_table_xlsx(result_set))[1] == rows


def test_an_agency_users_workbook_of_published_results_lists_every_leader(demo: None) -> None:
    content = client("lan").get("/reports/2023/so-ban-nganh.xlsx").content
    _ws, rows = _sheet_rows(content)
    assert rows == stored()
    lan = User.objects.get(username="lan")
    job = run_job(request_job(lan, ReportJob.Kind.BLOCK_XLSX, 2023, "so-ban-nganh"))
    assert _sheet_rows(job.path.read_bytes())[1] == stored()


@pytest.mark.browser
def test_hanh_finds_the_heads_who_lag_from_her_dashboard(page: Any, live_server: Any) -> None:
    """In Chromium, keyboard only after the click on the dashboard: the link, the counts, and the
    table sorted lowest first, as Bà Hạnh would look for "which heads lag"."""
    from playwright.sync_api import expect

    from chiso.demo.build import build
    from tests.browser.test_reform_office_browses import log_in, shot

    build(progress=lambda _: None)
    site = str(live_server.url)
    log_in(page, site, "hanh")
    page.goto(f"{site}/plans/dashboard/")
    section = page.locator("section.block-summary", has_text="Khối sở, ban, ngành")
    section.get_by_role("link", name="Phân loại người đứng đầu, cấp phó").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Phân loại người đứng đầu, cấp phó năm 2023 — Khối sở, ban, ngành"
    )
    expect(page.locator("#counts")).to_contain_text("Người đứng đầu (19)")
    sort = page.locator("#sort-score")
    sort.focus()
    page.keyboard.press("Enter")  # highest first
    expect(page.locator("#leaders th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    page.locator("#sort-score").focus()
    page.keyboard.press("Enter")  # lowest first: those who lag
    expect(page.locator("#leaders th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    first = page.locator("#leaders tbody tr").first
    lowest = min(
        Decimal(ld["score"])
        for s in AgencyScore.objects.filter(
            result_set__year=2023, result_set__block__code="so-ban-nganh"
        )
        for ld in s.leaders
    )
    expect(first.locator("td").nth(4)).to_have_text(vi(lowest))
    shot(page, "s8-leaders-lowest-first")
