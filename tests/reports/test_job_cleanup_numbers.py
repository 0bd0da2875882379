"""``chiso report_jobs cleanup`` prints its byte count the Vietnamese way (1.234.567) in the
Vietnamese half of its line and the English way (1,234,567) in the English half."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.reports.test_job_cleanup import cleanup, finished


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHISO_REPORT_JOB_DAYS = 7
    return Path(settings.MEDIA_ROOT)


def test_byte_count_is_grouped_per_language(demo: None) -> None:
    finished("tuan", 8, b"x" * 1_234_567)

    printed = cleanup()

    assert "1 việc hết hạn, 1 tệp đã xoá, 1.234.567 byte (giữ 7 ngày)" in printed
    assert "1 job expired, 1 file deleted, 1,234,567 bytes (kept 7 days)" in printed
