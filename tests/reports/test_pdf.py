"""The PDFs say what the results say, in Vietnamese, with the vendored Liberation Serif."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from chiso.reports.pdf import province_pdf_for, scorecard_pdf
from chiso.results.models import AgencyScore, ResultSet

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def fonts_of(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout.decode()


@pytest.fixture
def sets(demo: None) -> object:
    return ResultSet.objects.select_related("block", "framework")


def test_the_scorecard_shows_the_agencys_numbers(sets: object, tmp_path: Path) -> None:
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    pdf = tmp_path / "stp.pdf"
    pdf.write_bytes(scorecard_pdf(score, sets))  # type: ignore[arg-type]
    text = text_of(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Sở Tư pháp" in text and "90,36" in text and score.classification in text
    assert "28/12/2023" in text  # the publication date, dd/mm/yyyy
    assert "Theo mức: số ngày 0 ≤ 0 → 1,00 điểm" in text  # every number explained, with its unit
    fonts = fonts_of(pdf)
    assert "LiberationSerif" in fonts.replace("-", "") and "Bold" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # all embedded


def test_the_province_report_has_means_rankings_and_charts(sets: object, tmp_path: Path) -> None:
    pdf = tmp_path / "2023.pdf"
    pdf.write_bytes(province_pdf_for(2023, sets) or b"")  # type: ignore[arg-type]
    text = text_of(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    # source-article.txt: "trung bình là 82,22%, tăng 7,6% so với năm 2022 (74,62%)".
    assert "82,22" in text and "74,62" in text and "+7,60" in text
    assert "Khối sở, ban, ngành" in text and "Khối UBND cấp huyện" in text
    assert "Ban Quản lý Khu kinh tế" in text and "Xuất sắc" in text
    assert "1/" in text  # page numbers "1/5"
    assert "LiberationSerif" in fonts_of(pdf).replace("-", "")
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(pdf), str(ARTIFACTS / "report")],
        check=True,
    )
    assert list(ARTIFACTS.glob("report-*2.png"))


def test_a_year_without_results_gives_nothing(sets: object) -> None:
    assert province_pdf_for(2019, sets) is None  # type: ignore[arg-type]
