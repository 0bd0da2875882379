"""Property: after any sequence of ingests (re-sends included), the incrementally maintained
rollups equal a recomputation from the raw dossier rows, and ``recompute`` changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import DailyRollup, Dossier, Procedure
from chiso.dossiers.recompute import recompute
from tests.dossiers.helpers import make_procedures, record
from tests.dossiers.test_ingest import reference_rows, rollup_rows

DAYS = ["20240105", "20240108", "20240209", "20240506"]


@st.composite
def dossier_record(draw: Any) -> dict[str, Any]:
    day = draw(st.sampled_from(DAYS))
    finished = draw(st.sampled_from([None, f"{day}160000", "20240601090000"]))
    supplements = draw(st.integers(0, 2))
    return record(
        draw(st.sampled_from(["A", "B", "C", "D", "E"])),
        MaTTHC=draw(st.sampled_from(["1.000001", "2.000002"])),
        DonViXuLy=draw(st.sampled_from(["stp", "sxd"])),
        TrangThaiHoSo=draw(st.sampled_from([3, 4, 7, 10])) if finished else 4,
        KenhThucHien=draw(st.sampled_from([1, 2, 3])),
        NgayTiepNhan=f"{day}090000",
        NgayHenTra=draw(st.sampled_from([None, f"{day}170000", "20240220090000"])),
        NgayKetThucXuLy=finished,
        DuocThanhToanTrucTuyen=draw(st.sampled_from([0, 1, 2])),
        HinhThucTra=draw(st.sampled_from([1, 2, 3])),
        DanhSachHoSoBoSung=[
            {
                "NgayYeuCauBoSung": f"{day}10{i}000",
                "NgayCongDanBoSung": draw(st.sampled_from([None, f"{day}14{i}000"])),
            }
            for i in range(supplements)
        ],
        DanhSachXinLoi=draw(
            st.sampled_from(
                [[], [{"NgayXinLoi": f"{day}160000", "NgayHenTraMoi": "20240229090000"}]]
            )
        ),
    )


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(dossier_record(), min_size=1, max_size=6), min_size=1, max_size=4))
def test_rollups_always_equal_a_recomputation_from_the_dossiers(
    world: Any, batches: list[list[dict[str, Any]]]
) -> None:
    if not Procedure.objects.exists():
        make_procedures()
    Dossier.objects.all().delete()
    DailyRollup.objects.all().delete()
    for batch in batches:
        ingest_records(batch)
        assert rollup_rows() == reference_rows()
    before = rollup_rows()
    recompute()
    assert rollup_rows() == before
