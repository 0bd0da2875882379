"""A year (2024) of synthetic dossiers for the demo province, through the real ingest path.

The province totals match the figures reported in the interview (issue 4): on time above 97%
(97,50%), end-to-end online 73,15% of dossiers of eligible procedures, paid online 46% of
fee-bearing dossiers, electronic result 26% of dossiers of procedures with a paper result.
Exact counts are drawn without replacement, so the rates hold to the last decimal whatever the
seed. Late dossiers are concentrated in land (đất đai), as the province said. The procedure
codes are invented (prefix ``D.``): they are not real entries of the national database.
Besides the year, each agency has a few dossiers still open today, due over the next working
days, so that its "due soon" list shows something whatever the day the demo is built.

About 85 % of the year's dossiers name their applicant (ChuHoSo, LoaiDoiTuong, SoDienThoai,
Email, DiaChi), so that a survey sample can be drawn from them (/surveys/<id>/draw-dossiers/).
The applicants are fictitious: names from a short list, phones in 0999 000 000–0999 099 999,
e-mails at example.vn, and businesses marked "(dữ liệu mẫu)".
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chiso.dossiers.conf import current_calendar
from chiso.dossiers.demo_inputs import build_petitions_and_inputs
from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import Dossier, Procedure, ProcessStep, ProcessTemplate
from chiso.dossiers.workcalendar import WorkCalendar, local
from chiso.org.models import Agency, Lineage

SEED = 766
YEAR = 2024
DISTRICTS = [
    "tuyhoa",
    "songcau",
    "donghoa",
    "dongxuan",
    "tuyan",
    "sonhoa",
    "songhinh",
    "tayhoa",
    "phuhoa",
]
# code, name, field code, field, limit (working days), eligible, fee, paper result, agencies,
# dossiers, late dossiers
PROCEDURES = [
    ("D.HT.001", "Đăng ký khai sinh", "HT", "Hộ tịch", 3, True, False, True, DISTRICTS, 9000, 60),
    (
        "D.LLTP.001",
        "Cấp Phiếu lý lịch tư pháp",
        "LLTP",
        "Lý lịch tư pháp",
        10,
        True,
        False,
        True,
        ["stp"],
        3000,
        30,
    ),
    (
        "D.DKKD.001",
        "Đăng ký thành lập doanh nghiệp",
        "DKKD",
        "Thành lập và hoạt động doanh nghiệp",
        3,
        True,
        True,
        True,
        ["skhdt"],
        3000,
        30,
    ),
    ("D.DB.001", "Đổi giấy phép lái xe", "DB", "Đường bộ", 5, True, True, True, ["sgtvt"], 1000, 0),
    (
        "D.DD.001",
        "Đăng ký biến động quyền sử dụng đất",
        "DD",
        "Đất đai",
        10,
        False,
        True,
        True,
        ["stnmt"],
        4000,
        360,
    ),
    (
        "D.XD.001",
        "Cấp giấy phép xây dựng",
        "XD",
        "Xây dựng",
        15,
        False,
        True,
        True,
        ["sxd"],
        2000,
        120,
    ),
    (
        "D.VL.001",
        "Giải quyết hưởng trợ cấp thất nghiệp",
        "VL",
        "Việc làm",
        20,
        False,
        False,
        False,
        ["sldtbxh"],
        2000,
        0,
    ),
]
FULL_ONLINE = {"D.HT.001": 6904, "D.LLTP.001": 2000, "D.DKKD.001": 2100, "D.DB.001": 700}
PAID_ONLINE = {"D.DKKD.001": 2250, "D.DB.001": 750, "D.DD.001": 1100, "D.XD.001": 500}
E_RESULTS = 5720  # 26 % of the 22 000 dossiers of procedures with a paper result
# The land procedure's internal steps (working days), after the one-stop model of [T1].
LAND_STEPS = [
    (1, "Tiếp nhận hồ sơ", "mot_cua", "Bộ phận Một cửa", Decimal("0.5")),
    (2, "Thẩm định hồ sơ", "chuyen_vien", "Văn phòng Đăng ký đất đai", Decimal(6)),
    (3, "Kiểm tra, trình ký", "lanh_dao_phong", "Văn phòng Đăng ký đất đai", Decimal(1)),
    (4, "Ký duyệt", "lanh_dao_co_quan", "Lãnh đạo Sở", Decimal("1.5")),
    (5, "Trả kết quả", "mot_cua", "Bộ phận Một cửa", Decimal(1)),
]
# The open dossiers of each agency are due this many working days after today's opening
# (three within the three-day "due soon" horizon, one later); one land dossier is overdue.
OPEN_DUE_IN = (0.5, 1.5, 2.5, 8.0)
OVERDUE_LAND = (-1.0,)
PEOPLE = {
    "mot_cua": ["Nguyễn Thị Hoa", "Lê Thị Thu"],
    "chuyen_vien": ["Trần Văn Bình", "Phạm Quốc Dũng", "Võ Thị Hạnh", "Đặng Minh Khoa"],
    "lanh_dao_phong": ["Huỳnh Văn Long", "Bùi Thị Mai"],
    "lanh_dao_co_quan": ["Ngô Văn Sơn"],
}


# Applicants: about 85 % of the dossiers name one (what the province's system exports); the
# share lodged by an organisation depends on the procedure (business registration: nearly all).
APPLICANT_SHARE = 0.85
ORGANISATION_SHARE = {"D.DKKD.001": 0.9, "D.XD.001": 0.3, "D.DD.001": 0.1, "D.DB.001": 0.02}
REPEAT_SHARE = 0.08  # a person who lodged an earlier dossier comes back
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Ngọc", "Minh", "Hữu", "Thanh", "Quang", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hòa", "Khánh", "Lan", "Long"]
GIVEN += ["Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy"]
BUSINESS = ["Minh Phát", "Hòa Bình", "Sông Cầu", "Đại Dương", "Phú Thịnh", "Xanh Việt"]
BUSINESS_KIND = ["Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân"]
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hùng Vương", "Lê Duẩn", "Độc Lập"]
PLACES = {
    "tuyhoa": "TP Tuy Hòa",
    "songcau": "TX Sông Cầu",
    "donghoa": "TX Đông Hòa",
    "dongxuan": "huyện Đồng Xuân",
    "tuyan": "huyện Tuy An",
    "sonhoa": "huyện Sơn Hòa",
    "songhinh": "huyện Sông Hinh",
    "tayhoa": "huyện Tây Hòa",
    "phuhoa": "huyện Phú Hòa",
}


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


class _Applicants:
    """Fictitious applicants, one new person per call except for returning ones."""

    def __init__(self) -> None:
        # Its own generator: the dossiers' draws (and so the reported rates) stay as they were.
        self.rng = random.Random(SEED + 1)
        self.people: list[dict[str, Any]] = []

    def fields(self, code: str, district: str) -> dict[str, Any]:
        rng = self.rng
        if rng.random() >= APPLICANT_SHARE:
            return {}
        if self.people and rng.random() < REPEAT_SHARE:
            return rng.choice(self.people)
        n = len(self.people)
        organisation = rng.random() < ORGANISATION_SHARE.get(code, 0.0)
        if organisation:
            short = rng.choice(BUSINESS)
            name = f"{rng.choice(BUSINESS_KIND)} {short} {n:05d} (dữ liệu mẫu)"
            email = f"lienhe.{_ascii(short)}{n}@example.vn"
        else:
            given = rng.choice(GIVEN)
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {given}"
            email = f"{_ascii(given)}.{n}@example.vn" if rng.random() < 0.55 else ""
        place = PLACES.get(district, "TP Tuy Hòa")
        person = {
            "ChuHoSo": name,
            "LoaiDoiTuong": 2 if organisation else 1,
            # 0999 0xx xxx: a block no operator gives out in the demo's telling.
            "SoDienThoai": f"0999 {n // 1000:03d} {n % 1000:03d}",
            "Email": email,
            "DiaChi": f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, {place}, Phú Yên",
        }
        self.people.append(person)
        return person


def _catalogue() -> dict[str, Procedure]:
    out = {}
    for code, name, field_code, field, limit, eligible, fee, paper, *_rest in PROCEDURES:
        out[code], _created = Procedure.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "field_code": field_code,
                "field_name": field,
                "level": "xa" if code == "D.HT.001" else "tinh",
                "time_limit": Decimal(limit),
                "time_unit": "working_day",
                "online": "full" if eligible else "partial",
                "full_online_eligible": eligible,
                "has_fee": fee,
                "paper_result": paper,
            },
        )
    template, created = ProcessTemplate.objects.get_or_create(
        procedure=out["D.DD.001"], version=1, defaults={"decision": "Quy trình nội bộ (demo)"}
    )
    if created:
        ProcessStep.objects.bulk_create(
            ProcessStep(
                template=template,
                number=n,
                name=name,
                role=role,
                unit=unit,
                allotted=days,
                allotted_unit="working_day",
            )
            for n, name, role, unit, days in LAND_STEPS
        )
    return out


def _fmt(moment: datetime.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def _working_moments(cal: WorkCalendar, rng: random.Random, count: int) -> list[datetime.datetime]:
    days = [datetime.date(YEAR, 1, 1) + datetime.timedelta(days=i) for i in range(366)]
    # Stop early enough in December that every dossier is finished within the year.
    working = [d for d in days if cal.is_working_day(d) and d < datetime.date(YEAR, 11, 15)]
    return sorted(
        datetime.datetime.combine(rng.choice(working), datetime.time(7, 45))
        + datetime.timedelta(minutes=rng.randrange(0, 8 * 60))
        for _ in range(count)
    )


def _land_steps(
    cal: WorkCalendar,
    rng: random.Random,
    start: datetime.datetime,
    used: int,
    late_by: int,
) -> list[dict[str, Any]]:
    """Steps sharing ``used`` working minutes in proportion to their allotment; the overrun
    ``late_by`` lands on the specialist (70 %) or the division head."""
    total = sum(s[4] for s in LAND_STEPS)
    culprit = 2 if rng.random() < 0.7 else 3
    share = [int(used * float(s[4] / total)) for s in LAND_STEPS]
    share[culprit - 1] += late_by
    out, t = [], start
    for (number, name, role, unit, _days), minutes in zip(LAND_STEPS, share, strict=True):
        end = cal.add_working_minutes(t, minutes)
        out.append(
            {
                "ThuTu": number,
                "BuocQuyTrinh": number,
                "TenBuoc": name,
                "VaiTro": role,
                "NguoiXuLy": rng.choice(PEOPLE[role]),
                "PhongBanXuLy": unit,
                "NgayBatDau": _fmt(t),
                "NgayKetThuc": _fmt(end),
            }
        )
        t = end
    return out


def _records(cal: WorkCalendar, agencies: dict[str, Agency]) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED)
    paper_indices: list[tuple[str, int]] = []
    for code, *_mid, paper, _ag, count, _late in PROCEDURES:
        if paper:
            paper_indices += [(code, i) for i in range(count)]
    e_results = set(rng.sample(paper_indices, E_RESULTS))
    applicants = _Applicants()
    for code, _n, _f, _fn, limit, _eligible, fee, _paper, owners, count, late_count in PROCEDURES:
        moments = _working_moments(cal, rng, count)
        late = set(rng.sample(range(count), late_count))
        full = set(rng.sample(range(count), FULL_ONLINE.get(code, 0)))
        # Every end-to-end dossier of a fee-bearing procedure was paid online.
        rest = [i for i in range(count) if i not in full]
        paid = (full if fee else set()) | set(
            rng.sample(rest, PAID_ONLINE.get(code, 0) - (len(full) if fee else 0))
        )
        day = cal.day_minutes
        for i, received in enumerate(moments):
            start = cal.clock_start(received)
            allowed = limit * day
            due = cal.add_working_minutes(start, allowed)
            online = i in full or rng.random() < 0.35
            if i in late:
                late_by = rng.randrange(day // 4, 5 * day)
                used, finished = allowed, cal.add_working_minutes(due, late_by)
            else:
                late_by = 0
                used = int(allowed * rng.uniform(0.3, 0.95))
                finished = cal.add_working_minutes(start, used)
            rec: dict[str, Any] = {
                "MaHoSo": f"{agencies[owners[i % len(owners)]].electronic_id}-{YEAR % 100}"
                f"{received:%m%d}-{code[2:].replace('.', '')}{i:05d}",
                "MaTTHC": code,
                "DonViXuLy": owners[i % len(owners)],
                "TrangThaiHoSo": 10,
                "KenhThucHien": 2 if online else (3 if rng.random() < 0.03 else 1),
                "NgayTiepNhan": _fmt(received),
                "NgayHenTra": _fmt(due),
                "NgayKetThucXuLy": _fmt(finished),
                "NgayTra": _fmt(finished),
                "HinhThucTra": 2 if i in full else 1,
                "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 100000}] if fee else [],
                "DuocThanhToanTrucTuyen": (1 if rng.random() < 0.6 else 2) if i in paid else 0,
                "DaSoHoaKetQua": 1 if (code, i) in e_results else 0,
                "TaiLieuNop": [
                    {
                        "TenGiayTo": "Tờ khai",
                        "DuongDan": "tep/tokhai.pdf",
                        "DuocSoHoa": 1 if rng.random() < 0.3 else 0,
                    }
                ]
                if online or rng.random() < 0.6
                else [],
            }
            if i in late and rng.random() < 2 / 3:
                # The letter sets a new date, which becomes the synced NgayHenTra.
                rec["NgayHenTra"] = _fmt(cal.add_working_minutes(finished, day))
                rec["DanhSachXinLoi"] = [
                    {
                        "NgayXinLoi": _fmt(cal.add_working_minutes(start, allowed - day // 2)),
                        "NgayHenTraTruoc": _fmt(due),
                        "NgayHenTraMoi": rec["NgayHenTra"],
                        "LyDo": "Cần xác minh thêm hồ sơ địa chính",
                    }
                ]
            if code == "D.DD.001":
                rec["QuaTrinhXuLy"] = _land_steps(cal, rng, start, used, late_by)
            rec.update(applicants.fields(code, rec["DonViXuLy"]))
            yield rec


def agencies_today(agencies: dict[str, Agency], today: datetime.date) -> dict[str, Agency]:
    """Each agency of the demo's procedures, or the agency that took over its work by
    ``today`` (the 2025 mergers' successors, Lineage); agencies abolished with no successor
    (the districts, 30/06/2025) are left out: nobody receives their dossiers today."""
    out = {}
    for code, agency in agencies.items():
        current: Agency | None = agency
        seen = set()
        while current is not None and not current.is_valid_on(today) and current.pk not in seen:
            seen.add(current.pk)
            link = (
                Lineage.objects.filter(predecessor=current)
                .select_related("successor")
                .order_by("-effective_date")
                .first()
            )
            current = link.successor if link is not None else None
        if current is not None and current.is_valid_on(today):
            out[code] = current
    return out


def _open_records(
    cal: WorkCalendar, agencies: dict[str, Agency], today: datetime.date
) -> Iterator[dict[str, Any]]:
    """Dossiers still being processed today, due over the next working days, for every agency of the demo that exists today (the "due soon" lists); ``agencies``
    maps the procedures' owners to the agency that receives their dossiers today. Their codes
    do not carry a date: a later run re-sends them with dates moved to its own day, so a demo
    database always has some."""
    rng = random.Random(SEED)
    day = cal.day_minutes
    # The opening of today, or of the next working day.
    base = cal.clock_start(datetime.datetime.combine(today, datetime.time(0, 0)))
    # The opening of the working day before: in the past whatever the hour, and the same all
    # day, so that a second build the same day re-sends the same dossiers.
    latest_receipt = cal.moment_at(cal.position(base) - day)
    for code, _n, _f, _fn, limit, _eligible, fee, _paper, owners, _count, _late in PROCEDURES:
        offsets = OPEN_DUE_IN + (OVERDUE_LAND if code == "D.DD.001" else ())
        receivers = {agencies[o].code: agencies[o] for o in owners if o in agencies}
        for receiver in receivers.values():
            for k, offset in enumerate(offsets):
                due = cal.moment_at(cal.position(base) + round(offset * day))
                # Received the legal time limit before its due date, but never after now (a
                # dossier due beyond the limit was given a later date, e.g. by agreement).
                received = min(cal.moment_at(cal.position(due) - limit * day), latest_receipt)
                rec: dict[str, Any] = {
                    "MaHoSo": f"{receiver.electronic_id}-DANGXL-{code[2:].replace('.', '')}{k:02d}",
                    "MaTTHC": code,
                    "DonViXuLy": receiver.code,
                    "TrangThaiHoSo": 4,  # being processed (đang xử lý)
                    "KenhThucHien": 2 if rng.random() < 0.6 else 1,
                    "NgayTiepNhan": _fmt(received),
                    "NgayHenTra": _fmt(due),
                    "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 100000}] if fee else [],
                }
                if code == "D.DD.001":
                    # Received and examined up to the specialist, who holds it now.
                    start = cal.clock_start(received)
                    handed = cal.add_working_minutes(start, day // 2)
                    rec["QuaTrinhXuLy"] = [
                        {
                            "ThuTu": number,
                            "BuocQuyTrinh": number,
                            "TenBuoc": name,
                            "VaiTro": role,
                            "NguoiXuLy": rng.choice(PEOPLE[role]),
                            "PhongBanXuLy": unit,
                            "NgayBatDau": _fmt(begin),
                            **({"NgayKetThuc": _fmt(handed)} if number == 1 else {}),
                        }
                        for (number, name, role, unit, _days), begin in zip(
                            LAND_STEPS[:2], (start, handed), strict=True
                        )
                    ]
                yield rec


def build_dossiers(progress: Callable[[str], Any] = print) -> None:
    """Create the catalogue, the 2024 dossiers and the dossiers open today (idempotent:
    re-running re-sends the same dossiers, which changes nothing on the same day)."""
    cal = current_calendar()
    _catalogue()
    build_petitions_and_inputs(progress)
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=[o for p in PROCEDURES for o in p[8]])
    }
    if Dossier.objects.filter(procedure__code__startswith="D.", counted_on__year=YEAR).exists():
        progress(f"  {Dossier.objects.count()} hồ sơ TTHC (đã có)")
    else:
        count = ingest_records(_records(cal, agencies))
        progress(f"  {count} hồ sơ TTHC năm {YEAR}")
    today = local(timezone.now()).date()
    opened = ingest_records(_open_records(cal, agencies_today(agencies, today), today))
    progress(f"  {opened} hồ sơ đang giải quyết, hẹn trả trong những ngày tới")
