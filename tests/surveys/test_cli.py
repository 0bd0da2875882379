"""``chiso survey``: importing responses and printing results as JSON."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from chiso.audit.models import AuditEvent
from chiso.surveys.models import Response

SCALES = "tc_noi_lam_viec,tc_thong_tin,tc_truc_tuyen,tt_giay_to,tt_phi,tt_thoi_han"


def _run(*args: str) -> tuple[int, dict[str, Any]]:
    out = StringIO()
    try:
        call_command("survey", *args, "--json", stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_import_responses_then_results_as_json(tmp_path: Path, campaign: Any) -> None:
    path = tmp_path / "phieu.csv"
    path.write_text(
        f"Mã cơ quan,Nhóm đối tượng,{SCALES},can_cai_thien\n"
        'stp,citizen,5,4,4,5,4,4,"2,3"\n'
        "stp,người dân,2,2,4,4,4,4,3\n"
        "sxd,citizen,4,4,4,4,4,4,\n",
        encoding="utf-8",
    )
    code, report = _run(
        "import-responses",
        str(path),
        "--campaign",
        str(campaign.pk),
        "--questionnaire",
        "sipas-nguoi-dan:1",
    )
    assert code == 0 and report["created"] == 3
    assert AuditEvent.objects.filter(action="surveys.responses.imported").exists()
    code, results = _run("results", "--campaign", str(campaign.pk))
    sipas = next(q for q in results["questionnaires"] if q["questionnaire"] == "sipas-nguoi-dan v1")
    stp = next(a for a in sipas["agencies"] if a["agency"] == "stp")
    # tiep_can: (1/2 + 1/2 + 2/2) / 3 = 66.67; thu_tuc: 100; overall (66.67 + 100) / 2 = 83.34
    assert stp["elements"]["tiep_can"] == "66.67" and stp["elements"]["thu_tuc"] == "100.00"
    assert stp["overall"] == "83.34" and stp["responses"] == 2


def test_a_bad_row_imports_nothing_and_is_named(tmp_path: Path, campaign: Any) -> None:
    path = tmp_path / "phieu.csv"
    path.write_text(
        f"Mã cơ quan,Nhóm đối tượng,Kênh,{SCALES}\n"
        "stp,citizen,online,5,4,4,5,4,9\n"
        "stp,citizen,paper,5,4,4,5,4,4\n",
        encoding="utf-8",
    )
    code, report = _run(
        "import-responses",
        str(path),
        "--campaign",
        str(campaign.pk),
        "--questionnaire",
        "sipas-nguoi-dan:1",
    )
    assert code == 1 and not Response.objects.exists()
    assert [p["text"] for p in report["problems"]] == [
        "Dòng 2, cột «tt_thoi_han»: không có phương án 9",
        "Dòng 3, cột «Kênh»: chỉ nhập được phiếu trực tuyến; phiếu giấy phải được nhập kép",
    ]


def test_results_of_an_unknown_campaign_fail(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("survey", "results", "--campaign", "999")


def test_a_campaign_is_set_up_from_the_shell(
    tmp_path: Path, world: Any, questionnaires: Any
) -> None:
    code, created = _run(
        "create-campaign",
        "--year",
        "2025",
        "--name",
        "Khảo sát 2025",
        "--questionnaire",
        "sipas-nguoi-dan:1",
        "--agency",
        "stp",
        "--agency",
        "sxd",
        "--open-link",
        "sipas-nguoi-dan:1",
    )
    assert code == 0
    campaign_id = str(created["id"])
    assert _run("open", "--campaign", campaign_id)[1]["open_code"]
    contacts = tmp_path / "ds.csv"
    contacts.write_text(
        "Mã cơ quan,Nhóm đối tượng,Họ và tên\n"
        + "".join(f"stp,người dân,Người {i}\n" for i in range(10)),
        encoding="utf-8",
    )
    assert _run("import-contacts", str(contacts), "--campaign", campaign_id)[1]["created"] == 10
    code, drawn = _run(
        "draw",
        "--campaign",
        campaign_id,
        "--agency",
        "stp",
        "--group",
        "citizen",
        "--channel",
        "online",
        "--count",
        "3",
        "--questionnaire",
        "sipas-nguoi-dan:1",
    )
    assert code == 0 and len(drawn["invitations"]) == 3
    assert "Người" not in json.dumps(drawn, ensure_ascii=False)  # no contact data printed
