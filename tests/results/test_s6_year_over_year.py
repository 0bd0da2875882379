"""Review s6 M1, L7, L11: when one block publishes before the other, "compared with the year
before" sets it against last year's mean of the same block (not of every unit), on the results
page, the public page and the province report alike, and the sentence agrees with the block
table below it; leaders are listed head first everywhere; the official PDF writes numbers
with at most two decimals.

The demo has 2022 and 2023 published for both blocks. Here the district block's 2024 results
are published alone, scored from the same inputs as 2023 (stored with four decimals, as a round
stores them): its change against the 2023 district block is 0,00, where the mean of all 28
units of 2023 (82,22) would have given +0,98.
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chiso.frameworks.actions import clone_framework, publish_framework
from chiso.frameworks.models import Framework
from chiso.org.models import Block
from chiso.reports.pdf import province_pdf_for, scorecard_pdf
from chiso.results.actions import compute_result_set, finalise_result_set, publish_result_set
from chiso.results.models import AgencyScore, ResultSet
from chiso.results.queries import year_summary
from chiso.results.serialize import input_from_dict

FOUR_PLACES = Decimal("0.0001")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def client(username: str | None = None) -> Client:
    c = Client()
    if username:
        c.force_login(User.objects.get(username=username))
    return c


@pytest.fixture
def districts_2024(demo: None) -> ResultSet:
    """The 2024 district block published alone, scored on the 2023 inputs."""
    framework = publish_framework(
        clone_framework(Framework.objects.get(code="huyen", year=2023), year=2024, actor=None),
        actor=None,
    )
    inputs = []
    for score in AgencyScore.objects.filter(result_set__year=2023, result_set__block__code="huyen"):
        data = dict(score.inputs)
        data["values"] = {
            k: str(Decimal(v).quantize(FOUR_PLACES)) for k, v in data["values"].items()
        }
        inputs.append(input_from_dict(data))
    block = Block.objects.get(code="huyen", year=2024)
    result_set = compute_result_set(block, framework, inputs, actor=None, source="import")
    finalise_result_set(result_set, actor=None)
    publish_result_set(result_set, actor=None)
    return result_set


def test_one_block_published_is_compared_with_the_same_block_last_year(
    districts_2024: ResultSet,
) -> None:
    sets = ResultSet.objects.all()
    summary = year_summary(2024, sets)
    district_2023 = ResultSet.objects.get(year=2023, block__code="huyen")
    assert summary.agencies == 9
    assert summary.previous_mean == district_2023.mean_final == Decimal("83.20")
    assert summary.change == districts_2024.mean_final - district_2023.mean_final == 0
    assert summary.compared_blocks == ["Khối UBND cấp huyện"]
    # Both blocks in both years: the whole province, as the 2023 report says (+7,60).
    full = year_summary(2023, sets)
    assert (full.previous_mean, full.change, full.compared_blocks) == (
        Decimal("74.62"),
        Decimal("7.60"),
        [],
    )


def test_the_public_page_says_which_block_it_compares(districts_2024: ResultSet) -> None:
    page = text(Client().get("/cong-khai/2024/").content.decode())
    assert "0,00 điểm so với năm 2023 trên cùng khối (Khối UBND cấp huyện: 83,20% → 83,20%)" in page
    assert "82,22" not in page  # the 2023 mean of all 28 units is not what 2024 is set against
    page_2023 = text(Client().get("/cong-khai/2023/").content.decode())
    assert "+7,60 điểm so với năm trước (74,62%)" in page_2023


def test_the_results_page_says_the_same(districts_2024: ResultSet) -> None:
    page = text(client("hanh").get("/results/").content.decode())
    assert "0,00 điểm so với năm 2023 trên cùng khối (Khối UBND cấp huyện: 83,20% → 83,20%)" in page
    assert "+7,60 điểm so với năm trước (74,62%)" in page


def test_the_province_report_sentence_agrees_with_its_block_table(
    districts_2024: ResultSet, tmp_path: Path
) -> None:
    report = pdf_text(province_pdf_for(2024, ResultSet.objects.all()) or b"", tmp_path)
    assert (
        "So với năm 2023, trên cùng khối (Khối UBND cấp huyện), chỉ số trung bình từ 83,20% "
        "thành 83,20%, thay đổi 0,00 điểm." in report
    )
    assert "Khối UBND cấp huyện 9 83,20 83,20 0,00" in report  # the table below: the same
    assert "82,22" not in report


def test_the_official_scorecard_writes_two_decimals_at_most(
    districts_2024: ResultSet, tmp_path: Path
) -> None:
    score = districts_2024.scores.order_by("rank").first()
    assert score is not None
    pdf = pdf_text(scorecard_pdf(score, ResultSet.objects.all()), tmp_path)
    assert "Theo mức:" in pdf
    assert not re.search(r"\d,\d{3,}", pdf), re.findall(r"\S*\d,\d{3,}\S*", pdf)[:5]


def test_the_head_comes_before_the_deputies_everywhere(demo: None, tmp_path: Path) -> None:
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    assert score.leaders[0]["role"] == "deputy"  # the engine stores deputies first
    head = next(ld["name"] for ld in score.leaders if ld["role"] == "head")
    deputies = [ld["name"] for ld in score.leaders if ld["role"] == "deputy"]
    shown = {
        "results page": text(
            client("tuan").get("/results/2023/so-ban-nganh/stp/").content.decode()
        ),
        "public page": text(Client().get("/cong-khai/2023/so-ban-nganh/stp/").content.decode()),
        "PDF scorecard": pdf_text(scorecard_pdf(score, ResultSet.objects.all()), tmp_path),
    }
    for where, page in shown.items():
        assert head in page and all(d in page for d in deputies), where
        assert all(page.index(head) < page.index(d) for d in deputies), where
    api = client("tuan").get("/api/results/2023/so-ban-nganh/stp").json()
    assert [ld["name"] for ld in api["leaders"]] == [head, *deputies]
