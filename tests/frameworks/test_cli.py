"""``chiso framework …`` on the command line: output, --json and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chiso.frameworks.models import Framework
from chiso.frameworks.xlsxio import write_xlsx
from chiso.frameworks.yamlio import dump_yaml, load_yaml
from tests.frameworks.helpers import DATA, SAMPLE, tiny

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("framework", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def broken_file(tmp_path: Path) -> Path:
    data = tiny()
    data["nodes"][0]["max_points"] = 5
    data["nodes"][1]["children"][0]["rule"] = {"type": "guess"}
    path = tmp_path / "broken.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def test_validate_reports_a_summary_without_touching_the_database(db) -> None:
    out, _err = run("validate", str(SAMPLE))
    assert out.strip() == (
        "Hợp lệ: so-ban-nganh năm 2023, phiên bản 1: 8 lĩnh vực, 40 tiêu chí chấm điểm, "
        "tổng 100 điểm."
    )
    out, _err = run("validate", str(SAMPLE), "--json", "--lang", "en")
    assert json.loads(out) == {
        "ok": True,
        "code": "so-ban-nganh",
        "year": 2023,
        "version": 1,
        "fields": 8,
        "leaves": 40,
        "total_points": "100",
    }
    assert Framework.objects.count() == 0


def test_validate_lists_every_error_and_fails(db, tmp_path: Path) -> None:
    path = broken_file(tmp_path)
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("framework", "validate", str(path), stderr=err, stdout=io.StringIO())
    assert caught.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert (
        "- 1 › children: điểm tối đa của các tiêu chí con cộng lại là 4, còn thiếu 1 so với điểm tối đa 5 của tiêu chí này"
        in lines
    )
    assert any('rule.type: loại quy tắc "guess" không hợp lệ' in line for line in lines)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("framework", "validate", str(path), "--json", "--lang", "en", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["ok"] is False and len(payload["errors"]) == 3
    assert payload["errors"][0].startswith(
        "1 › children: the max points of the children add up to 4"
    )


def test_import_export_publish_clone_list_round_trip(db, tmp_path: Path) -> None:
    out, _ = run("import", str(SAMPLE), "--json")
    created = json.loads(out)
    assert (
        created["ok"] and created["key"] == "so-ban-nganh:2023:1" and created["status"] == "draft"
    )
    out, _ = run("export", "so-ban-nganh:2023:1")
    assert out == SAMPLE.read_text(encoding="utf-8")
    target = tmp_path / "out.xlsx"
    run("export", str(created["id"]), "--format", "xlsx", "-o", str(target))
    out, _ = run("validate", str(target), "--json")
    assert json.loads(out)["leaves"] == 40
    out, _ = run("publish", "so-ban-nganh:2023:1", "--json")
    assert json.loads(out)["status"] == "published"
    out, _ = run("clone", "so-ban-nganh:2023:1", "--year", "2024", "--json")
    assert json.loads(out)["key"] == "so-ban-nganh:2024:1"
    out, _ = run("list", "--json")
    assert [(f["key"], f["status"]) for f in json.loads(out)["frameworks"]] == [
        ("so-ban-nganh:2024:1", "draft"),
        ("so-ban-nganh:2023:1", "published"),
    ]


def test_import_of_a_bad_file_writes_nothing(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run("import", str(broken_file(tmp_path)))
    xlsx = tmp_path / "bad.xlsx"
    data = load_yaml(SAMPLE.read_text(encoding="utf-8"))
    data["nodes"][0]["children"][0]["max_points"] = 3
    xlsx.write_bytes(write_xlsx(data))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("framework", "import", str(xlsx), "--json", stdout=out)
    errors = json.loads(out.getvalue())["errors"]
    assert errors[0].startswith("Sheet 'Tiêu chí', dòng 3, cột E (1 › children):")
    assert Framework.objects.count() == 0


def test_publishing_twice_and_unknown_references_fail(db) -> None:
    run("import", str(SAMPLE), "--publish")
    with pytest.raises(CommandError):
        run("publish", "so-ban-nganh:2023:1")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("framework", "export", "nope:1:1", "--json", stdout=out)
    assert json.loads(out.getvalue())["errors"] == [
        'Không tìm thấy bộ chỉ số "nope:1:1" (ghi số id hoặc MÃ:NĂM:PHIÊN BẢN)'
    ]


def test_diff_between_files_and_stored_frameworks(db) -> None:
    run("import", str(DATA / "so-ban-nganh-2022.yaml"))
    out, _ = run("diff", "so-ban-nganh:2022:1", str(SAMPLE), "--json")
    changes = json.loads(out)["changes"]
    # The 2022 3.7 (satisfaction) is the 2023 3.10: renumbered, not added (review s8 §8).
    assert {
        "kind": "changed",
        "scope": "node",
        "key": "3.10",
        "fields": ["code", "max_points"],
        "text": "Sửa 3.7 → 3.10 (đánh số lại): điểm tối đa 7 → 6",
    } in changes
    out, _ = run("diff", str(SAMPLE), str(SAMPLE), "--lang", "en")
    assert out.strip() == "The two frameworks are identical."


def test_the_chiso_console_command_exits_non_zero_on_errors(tmp_path: Path) -> None:
    env = {**os.environ, "CHISO_DATA_DIR": str(tmp_path)}
    chiso = str(Path(sys.executable).parent / "chiso")
    ok = subprocess.run(
        [chiso, "framework", "validate", str(SAMPLE), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    bad = subprocess.run(
        [chiso, "framework", "validate", str(broken_file(tmp_path)), "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert bad.returncode == 1
    assert "- 1 › children: the max points of the children add up to 4, 1 short" in bad.stderr
