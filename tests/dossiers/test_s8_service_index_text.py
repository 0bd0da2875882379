"""``chiso service-index`` writes for people in Vietnamese and for programs in numbers (review s8,
finding 10): 28,00 điểm, 50,00 %, the metrics' names as on the web score card; in ``--json``
numerators and denominators are both JSON numbers."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.management import call_command

from tests.dossiers.test_scorecard import january  # noqa: F401  (the four dossiers of Jan 2024)


def service_index(*args: str) -> str:
    out = io.StringIO()
    call_command("service-index", *args, stdout=out)
    return out.getvalue()


def test_the_text_uses_vietnamese_numbers_and_metric_names(january: Any) -> None:  # noqa: F811
    out = service_index("--period", "2024-Q1", "--agency", "stp")
    lines = out.splitlines()
    assert lines[0] == "Sở Tư pháp — kỳ Quý 1/2024: 28,00 điểm (Yếu)"
    on_time = next(line for line in lines if "giải quyết trước hạn, đúng hạn" in line)
    assert on_time.strip().startswith("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn")
    assert on_time.endswith("50,00 %  (2/4)")
    assert any(line.endswith("100,00 %  (4/4)") for line in lines)  # synchronised to DVCQG
    assert "  2. Tiến độ giải quyết: 10,00/20,00 điểm" in lines
    assert "dossier." not in out and "petition." not in out  # no internal keys
    assert "50.00" not in out and "28.00" not in out  # no decimal points


def test_a_period_without_dossiers_prints_what_the_card_says(january: Any) -> None:  # noqa: F811
    out = service_index("--period", "2024-11")
    assert out.splitlines()[0] == "Toàn tỉnh — kỳ 11/2024: chưa có dữ liệu, không chấm điểm"
    assert "Tỷ lệ hồ sơ tiếp nhận trực tuyến" in out and "—  (0/0)" in out


def test_json_gives_numerators_and_denominators_as_numbers(january: Any) -> None:  # noqa: F811
    data = json.loads(service_index("--period", "2024-Q1", "--json"))
    assert data["score"] == "28.00" and data["classification"] == "Yếu"  # keys unchanged
    for name, metric in data["metrics"].items():
        assert set(metric) == {"numerator", "denominator", "value"}, name
        assert isinstance(metric["numerator"], int), name
        assert isinstance(metric["denominator"], int), name
    assert data["metrics"]["dossier.sync_rate"] == {
        "numerator": 4,
        "denominator": 4,
        "value": "100.00",
    }
