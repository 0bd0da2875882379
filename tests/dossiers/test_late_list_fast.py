"""The late list reads its counts from the rollups and walks an index in its own order (issue 4:
fast at millions of rows) and shows the same figures, rows and order as counting and sorting
every late dossier did: compared on generated dossiers over every filter the page has."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db.models import Q

from chiso.accounts import scope
from chiso.dossiers import queries
from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import Dossier
from chiso.dossiers.periods import parse_period
from tests.dossiers.helpers import make_procedures, record
from tests.dossiers.test_late_filters import client_for
from tests.dossiers.test_late_states import html_of

AGENCIES = ["stp", "stp-tgpl", "sxd", "snv"]
PERSONS = ["Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh"]


def generated(seed: int, count: int) -> list[dict[str, Any]]:
    """``count`` dossiers over four agencies, both procedures and 2023–2024, a little more than
    half of them late (settled late or still open and overdue), with many ties on the days
    late so that the code decides the order."""
    rnd = random.Random(seed)
    out = []
    for i in range(count):
        year = rnd.choice([2023, 2024, 2024, 2024])
        month = rnd.randint(1, 12)
        received = f"{year}{month:02d}{rnd.randint(2, 6):02d}090000"
        due = f"{year}{month:02d}{rnd.randint(7, 9):02d}090000"
        kind = rnd.random()
        finish: dict[str, Any]
        if kind < 0.35:  # on time
            finish = {"NgayKetThucXuLy": f"{year}{month:02d}{rnd.randint(6, 7):02d}090000"}
        elif kind < 0.85:  # settled late, a few whole days (ties)
            finish = {"NgayKetThucXuLy": f"{year}{month:02d}{rnd.randint(12, 16):02d}090000"}
        else:  # still open, overdue
            finish = {"NgayKetThucXuLy": "", "TrangThaiHoSo": 4}
        out.append(
            record(
                f"G{seed}-{i:04d}",
                DonViXuLy=rnd.choice(AGENCIES),
                MaTTHC=rnd.choice(["1.000001", "2.000002"]),
                NgayTiepNhan=received,
                NgayHenTra=due,
                QuaTrinhXuLy=[
                    {
                        "ThuTu": 1,
                        "BuocQuyTrinh": rnd.choice([1, 2]),
                        "VaiTro": rnd.choice(["mot_cua", "chuyen_vien", "lanh_dao_co_quan"]),
                        "NguoiXuLy": rnd.choice(PERSONS),
                        "NgayBatDau": received,
                        "NgayKetThuc": f"{year}{month:02d}11090000",
                    }
                ],
                **finish,
            )
        )
    return out


@pytest.fixture
def data(world: Any) -> Any:
    make_procedures()
    ingest_records(generated(7, 260))
    return world


def reference(
    agencies: Q, period: Any, field_code: str, state: str, number: Any, **responsible: Any
) -> tuple[list[str], dict[str, int], int]:
    """What the late list showed before: every late dossier counted and sorted."""
    late = queries.late_dossiers(agencies, period, field_code, **responsible)
    counts = {key: late.filter(where).count() for key, where in queries.LATE_STATES.items()}
    if state:
        late = late.filter(queries.LATE_STATES[state])
    page = Paginator(late, 50).get_page(number)
    return [d.code for d in page.object_list], counts, page.paginator.num_pages


def shown(
    agencies: Q, period: Any, field_code: str, state: str, number: Any, **responsible: Any
) -> tuple[list[str], dict[str, int], int]:
    page, counts = queries.late_page(agencies, period, field_code, state, number, **responsible)
    return [d.code for d in page.object_list], counts, page.paginator.num_pages


def agencies_q(*codes: str) -> Q:
    from chiso.org.models import Agency

    return Q(agency_id__in=list(Agency.objects.filter(code__in=codes).values_list("pk", flat=True)))


FILTERS = [
    {},
    {"field_code": "DDAI"},
    {"field_code": "LLTP"},
    {"procedure": "2.000002"},
    {"role": "chuyen_vien"},
    {"step": "1"},
    {"person": "Lê Thị Hoa"},
    {"field_code": "DDAI", "person": "Phạm Minh"},
]


def test_rows_counts_and_order_are_those_of_counting_and_sorting_every_late_dossier(
    data: Any,
) -> None:
    """Every filter the page has (scope or agency, field, state, procedure, responsible step,
    role, person), a year and a month, the first page, the last one (asked beyond it) and a
    malformed page number."""
    for label in ("2024", "2024-05", "2023"):
        period = parse_period(label)
        for filters in FILTERS:
            wanted = dict(filters)
            field_code = wanted.pop("field_code", "")
            for state in ("", "settled", "open"):
                for agencies in (Q(), agencies_q("stp", "stp-tgpl")):
                    for number in (None, "3", "x"):
                        expected = reference(agencies, period, field_code, state, number, **wanted)
                        got = shown(agencies, period, field_code, state, number, **wanted)
                        assert got == expected, (label, filters, state, agencies, number)


def test_the_generated_list_is_long_enough_to_page_with_ties_on_days_late(data: Any) -> None:
    late = queries.late_dossiers(Q(), parse_period("2024"))
    days = list(late.values_list("late_days", flat=True))
    assert len(days) > 100
    assert len(set(days)) < len(days) / 2  # ties: the code orders them


@pytest.mark.parametrize("everywhere", [0, 10**12])
def test_walking_the_order_and_sorting_the_rows_give_the_same_pages(
    data: Any, everywhere: int
) -> None:
    """``everywhere`` 0 makes every page walk the index, a huge one sorts every time."""
    period = parse_period("2024")
    for state in ("", "settled", "open"):
        late = queries.late_dossiers(Q(), period, "", state)
        rows = queries.LateRows(late, late.count(), everywhere)
        assert rows.walks(50) is (everywhere == 0)
        for start in (0, 50, 100):
            assert [d.code for d in rows[start : start + 50]] == [
                d.code for d in late[start : start + 50]
            ]


def test_settled_late_counts_from_the_rollups_equal_counting_the_dossiers(data: Any) -> None:
    """The rollups' ``late`` counter is the settled late dossiers by definition; checked for
    every agency and field, by month, quarter and year, and again after dossiers changed."""

    def check() -> None:
        for label in ["2023", "2024", "2024-Q1", "2024-Q4", *[f"2024-{m:02d}" for m in (1, 6)]]:
            period = parse_period(label)
            for agencies in (Q(), *(agencies_q(code) for code in AGENCIES)):
                for field_code in ("", "DDAI", "LLTP"):
                    rows = queries.late_dossiers(agencies, period, field_code)
                    assert queries.late_state_counts(agencies, period, field_code) == {
                        "settled": rows.filter(settled=True).count(),
                        "open": rows.filter(settled=False).count(),
                    }

    check()
    # Re-sent: some late dossiers finished on time after all, some open ones finished late.
    changed = [
        r | {"NgayKetThucXuLy": r["NgayHenTra"][:8] + "080000", "TrangThaiHoSo": 10}
        for r in generated(7, 260)[::3]
    ]
    ingest_records(changed)
    assert Dossier.objects.filter(code__in=[r["MaHoSo"] for r in changed], on_time=True).exists()
    check()


def test_an_empty_list_reads_no_rows(data: Any) -> None:
    page, counts = queries.late_page(Q(), parse_period("2022"))
    assert counts == {"settled": 0, "open": 0}
    assert list(page.object_list) == [] and page.paginator.num_pages == 1


def test_an_agency_user_sees_only_their_agencies_rows_and_counts(data: Any) -> None:
    """Lan (focal officer of the Department of Justice) gets the rows and counts of her agency
    and its unit, as before; the province's others never appear."""
    period = parse_period("2024")
    own = Q(agency_id__in=scope.own_agency_ids(data.lan))
    codes, counts, _pages = reference(own, period, "", "", None)
    html = html_of(data.lan, "/dossiers/late/?period=2024")

    listed = [c for c in codes if f"/dossiers/d/{c}/" in html]
    assert listed == codes and len(codes) == 50
    others = Dossier.objects.filter(agency__code__in=["sxd", "snv"], on_time=False)
    assert not any(f"/dossiers/d/{d.code}/" in html for d in others)
    assert f": {counts['settled']}</a>" in html and f": {counts['open']}</a>" in html
    # The order of the page is the reference's.
    assert sorted(codes, key=html.index) == codes


def test_the_list_of_another_agency_stays_refused_to_an_agency_user(data: Any) -> None:
    response = client_for(data.lan).get("/dossiers/late/?period=2024&agency=sxd")

    assert response.status_code == 400
    html = response.content.decode()
    assert not any(
        f"/dossiers/d/{d.code}/" in html
        for d in Dossier.objects.filter(agency__code="sxd", on_time=False)
    )
