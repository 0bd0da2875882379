"""``chiso score``: a reform officer scores a spreadsheet of inputs without the web app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = ROOT / "chiso/data/frameworks/so-ban-nganh-2023.yaml"

# Two agencies, a few leaves each; everything else is missing and scores 0 (and says so).
WIDE_CSV = """Mã cơ quan;Tên cơ quan;1.1;1.2;2.1;3.3;survey.sipas;T1
stp;Sở Tư pháp;0;100;N/A;;81,5;1
sxd;Sở Xây dựng;20;85;50;;60;
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    call_command("score", "--framework", str(FRAMEWORK), *args)
    return capsys.readouterr().out


def test_it_prints_the_ranking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "inputs.csv"
    inputs.write_text(WIDE_CSV, encoding="utf-8")
    out = run(capsys, "--inputs", str(inputs))
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["Hạng", "Mã", "Cơ"]
    assert lines[1].startswith("1") and "stp" in lines[1] and "Sở Tư pháp" in lines[1]
    assert lines[2].startswith("2") and "sxd" in lines[2]


def test_json_output_explains_every_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs.csv"
    inputs.write_text(WIDE_CSV, encoding="utf-8")
    data = json.loads(run(capsys, "--inputs", str(inputs), "--json"))
    stp = data["agencies"][0]
    assert stp["agency"] == "stp" and stp["rank"] == 1
    nodes = {n["code"]: n for n in stp["nodes"]}
    # 1.1: 0 days late → 1 point; 2.1 marked not applicable leaves the denominator.
    assert nodes["1.1"]["points"] == "1.00" and "0 ≤ 0" in nodes["1.1"]["explanation"]["vi"]
    assert nodes["2.1"]["not_applicable"] is True
    assert Decimal_of(stp["base_max"]) == 100 - Decimal_of(nodes["2.1"]["max"])
    assert Decimal_of(stp["bonus"]) > 0


def Decimal_of(text: str):  # noqa: N802 - reads like the type it returns
    from decimal import Decimal

    return Decimal(text)


def test_it_reports_every_bad_cell_with_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "bad.csv"
    inputs.write_text("Mã cơ quan,1.1,9.9,1.2\nstp,abc,1,50\n,1,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="3 lỗi"):
        run(capsys, "--inputs", str(inputs))
    err = capsys.readouterr().err
    assert "dòng 2, cột «1.1»: «abc» không phải là số" in err
    assert "dòng 2, cột «9.9»: mã «9.9» không có trong bộ chỉ số" in err
    assert "dòng 3, cột «Mã cơ quan»: thiếu mã cơ quan" in err


def test_it_reads_the_long_layout_from_excel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã cơ quan", "Mã", "Giá trị"])
    sheet.append(["stp", "1.2", 95])
    sheet.append(["stp", "dossier.on_time_rate", 98.5])
    path = tmp_path / "long.xlsx"
    book.save(path)
    data = json.loads(run(capsys, "--inputs", str(path), "--json"))
    nodes = {n["code"]: n for n in data["agencies"][0]["nodes"]}
    assert nodes["1.2"]["points"] == "1.50"  # ≥ 90% of the CCHC plan done → 1,5 points
    assert nodes["3.3"]["points"] == "3.00"  # on-time rate ≥ 98% → 3 points


def test_it_explains_one_agency_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs.json"
    inputs.write_text(
        json.dumps({"agencies": [{"agency": "stp", "values": {"1.2": "100"}}]}), encoding="utf-8"
    )
    out = run(capsys, "--inputs", str(inputs), "--explain", "stp", "--lang", "en")
    assert "1.2      Tiered: rate 100 ≥ 100 → 2.00 points" in out
    assert "no value entered → 0.00 points" in out


def test_the_console_command_exits_non_zero_on_errors(tmp_path: Path) -> None:
    inputs = tmp_path / "bad.csv"
    inputs.write_text("Mã cơ quan,1.1\nstp,x\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "chiso.cli_main",
            "score",
            "--framework",
            str(FRAMEWORK),
            "--inputs",
            str(inputs),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "«x» không phải là số" in result.stderr
