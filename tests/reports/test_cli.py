"""``chiso report``: the same outputs from the console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]


def test_it_writes_the_xlsx_and_the_pdfs(demo: None, tmp_path: Path) -> None:
    xlsx, card, report = tmp_path / "t.xlsx", tmp_path / "stp.pdf", tmp_path / "2023.pdf"
    call_command("report", "xlsx", "--year", "2023", "--block", "huyen", "-o", str(xlsx))
    call_command(
        "report", "pdf", "--year", "2023", "--block", "so-ban-nganh", "--agency", "stp",
        "-o", str(card),
    )  # fmt: skip
    call_command("report", "pdf", "--year", "2022", "-o", str(report))
    assert load_workbook(xlsx).sheetnames[0] == "Kết quả"
    assert card.read_bytes()[:5] == b"%PDF-" and report.read_bytes()[:5] == b"%PDF-"


WRONG = [
    ["xlsx", "--year", "2023", "--block", "nope"],
    ["xlsx", "--year", "2023"],
    ["pdf", "--year", "2023", "--block", "huyen", "--agency", "nope"],
    ["pdf", "--year", "2023", "--block", "huyen"],
    ["pdf", "--year", "2019"],
]


def test_unknown_blocks_agencies_and_years_fail(demo: None, tmp_path: Path) -> None:
    for args in WRONG:
        with pytest.raises(CommandError):
            call_command("report", *args, "-o", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_the_console_command_exits_non_zero_on_an_unknown_block(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    chiso = [sys.executable, "-m", "chiso.cli_main"]
    subprocess.run([*chiso, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run(
        [*chiso, "report", "xlsx", "--year", "2023", "--block", "nope", "-o", str(tmp_path / "x")],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 1 and "nope" in done.stderr
    assert not (tmp_path / "x").exists()
