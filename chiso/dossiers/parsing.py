"""Reading one dossier record in the national portal's sync vocabulary (dossier-schema.md).

A record is a dict: a JSON Lines object, or a CSV/XLSX row whose list-valued columns
(``QuaTrinhXuLy``, ``DanhSachHoSoBoSung``…) hold JSON text. :func:`parse_record` returns a
:class:`ParsedDossier` or the list of every problem found, in Vietnamese through gettext, so a
quarantined row names all its faults at once.

Fields read (docs/dossiers.md has the full table): MaHoSo, MaTTHC, DonViXuLy (agency code or
electronic ID), TrangThaiHoSo 1–10, KenhThucHien 1/2/3, NgayTiepNhan, NgayHenTra,
NgayHenTraBanDau, NgayKetThucXuLy, NgayTra, DanhSachLePhi[].Gia, DuocThanhToanTrucTuyen 0/1/2,
HinhThucTra 1/2/3, DanhSachGiayToKetQua[].DuongDanTepTinKetQua, TaiLieuNop[].DuongDan/DuocSoHoa,
HoSoCoThanhPhanSoHoa, DongBoDVCQG, DanhSachHoSoBoSung[], DanhSachNghiaVuTaiChinh[],
DanhSachXinLoi[], QuaTrinhXuLy[]; the applicant's ChuHoSo, LoaiDoiTuong 1/2, SoDienThoai, Email,
DiaChi (kept apart, in ``Applicant``).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from chiso.dossiers.models import Procedure, Role
from chiso.dossiers.workcalendar import aware, local

DATE_FORMATS = (
    "%Y%m%d%H%M%S",  # the DVCQG sync format
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
)
UNIT_CODES = {
    "working_day": "working_day",
    "ngay_lam_viec": "working_day",
    "ngay": "working_day",
    "working_hour": "working_hour",
    "gio_lam_viec": "working_hour",
    "gio": "working_hour",
}
ROLES = {r.value for r in Role}
STATUSES = set(range(1, 11))
CHANNELS = {1, 2, 3}
PAID_ONLINE = {0, 1, 2}
RESULT_CHANNELS = {1, 2, 3}
APPLICANT_KINDS = {1, 2}
STEP_ORDERS = set(range(1, 1000))
APPLICANT_FIELDS = ("ChuHoSo", "SoDienThoai", "Email", "DiaChi", "LoaiDoiTuong")
# Parsed moments by their text: a file repeats the same moments (a step ends when the next
# starts, due dates fall on the same hours), and datetime construction dominates parsing.
_MOMENTS: dict[str, datetime.datetime] = {}
_MOMENTS_MAX = 200_000


@dataclass
class ParsedStep:
    seq: int
    step_number: int | None
    name: str
    role: str
    person: str
    unit: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    allotted_minutes: int


@dataclass
class ParsedDossier:
    code: str
    agency_id: int
    procedure: Procedure
    values: dict[str, Any]  # Dossier model fields (raw part)
    pauses: list[tuple[str, datetime.datetime, datetime.datetime | None]] = field(
        default_factory=list
    )
    apologies: list[tuple[datetime.datetime, datetime.datetime, str]] = field(default_factory=list)
    steps: list[ParsedStep] = field(default_factory=list)
    # (kind, name, phone, e-mail, address) when the record names its applicant
    applicant: tuple[int, str, str, str, str] | None = None


# The fields without which a record is no dossier (parse_record: required, or no default).
REQUIRED_FIELDS = ("MaHoSo", "MaTTHC", "DonViXuLy", "NgayTiepNhan", "TrangThaiHoSo")


def field_problem(name: str, message: str) -> str:
    """One problem of a record as the quarantine states it: "trường MaTTHC: …"."""
    return _("field %(field)s: %(message)s") % {"field": name, "message": message}


def empty() -> str:
    return _("cannot be empty")


class _Reader:
    def __init__(self, record: dict[str, Any]):
        self.record = record
        self.problems: list[str] = []

    def fail(self, name: str, message: str) -> None:
        self.problems.append(field_problem(name, message))

    def text(self, name: str, data: dict[str, Any] | None = None, *, required: bool = False) -> str:
        value = (data if data is not None else self.record).get(name)
        if type(value) is str:  # the common case, without the str() call
            text = value.strip()
        else:
            text = "" if value is None else str(value).strip()
        if required and not text:
            self.fail(name, empty())
        return text

    def moment(
        self, name: str, data: dict[str, Any] | None = None, *, required: bool = False
    ) -> datetime.datetime | None:
        raw = (data if data is not None else self.record).get(name)
        if type(raw) is str:  # the common case, looked up before any stripping
            known = _MOMENTS.get(raw)
            if known is not None:
                return known
        text = self.text(name, data, required=required)
        if not text:
            return None
        known = _MOMENTS.get(text)
        if known is not None:
            return known
        parsed = self._parse_moment(name, text)
        if parsed is not None:
            if len(_MOMENTS) >= _MOMENTS_MAX:
                _MOMENTS.clear()
            _MOMENTS[text] = parsed
        return parsed

    def _parse_moment(self, name: str, text: str) -> datetime.datetime | None:
        if len(text) == 14 and text.isdigit():  # the DVCQG format, read without strptime
            try:
                return aware(
                    datetime.datetime(
                        int(text[:4]),
                        int(text[4:6]),
                        int(text[6:8]),
                        int(text[8:10]),
                        int(text[10:12]),
                        int(text[12:]),
                    )
                )
            except ValueError:
                self.fail(name, _("'%(value)s' is not a date and time") % {"value": text})
                return None
        for fmt in DATE_FORMATS:
            try:
                return aware(datetime.datetime.strptime(text, fmt))
            except ValueError:
                continue
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError:
            self.fail(name, _("'%(value)s' is not a date and time") % {"value": text})
            return None
        return aware(parsed)

    def code_in(
        self, name: str, allowed: set[int], default: int | None, data: dict[str, Any] | None = None
    ) -> int | None:
        value = (data if data is not None else self.record).get(name)
        if type(value) is int and value in allowed:  # JSON numbers: no text round trip
            return value
        text = self.text(name, data)
        if not text:
            if default is None:
                self.fail(name, empty())
            return default
        try:
            value = int(Decimal(text))
        except (InvalidOperation, ValueError):
            value = -1
        if value not in allowed:
            self.fail(
                name,
                _("'%(value)s' is not one of %(allowed)s")
                % {"value": text, "allowed": ", ".join(str(a) for a in sorted(allowed))},
            )
            return default
        return value

    def number(self, name: str, data: dict[str, Any]) -> Decimal | None:
        text = self.text(name, data)
        if not text:
            return None
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            self.fail(name, _("'%(value)s' is not a number") % {"value": text})
            return None

    def items(self, name: str) -> list[dict[str, Any]]:
        value = self.record.get(name)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                self.fail(name, _("is not a JSON list"))
                return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(name, _("is not a list of objects"))
            return []
        return value

    def flag(self, name: str, data: dict[str, Any] | None = None) -> bool:
        return self.text(name, data).lower() in ("1", "true", "co", "có")


def _check_last_day(r: _Reader, code: str, last: datetime.date | None, day: datetime.date) -> None:
    """A dossier is received by an agency that still exists that day: after a merger (2025) the
    successor receives them, and a record naming the old agency after its last day is a
    mistake of the sender. A receipt before the agency's first day is accepted: the dossiers
    still open at a merger are handed to the successor with their original receipt date."""
    if last is not None and day > last:
        shown = {
            "code": code,
            "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(last, "SHORT_DATE_FORMAT"),
        }
        r.fail(
            "DonViXuLy",
            _("agency '%(code)s' no longer existed on %(day)s (it existed until %(end)s)") % shown,
        )


def _check_not_future(
    r: _Reader, happened: list[tuple[str, datetime.datetime | None]], latest: datetime.datetime
) -> None:
    """A receipt, a step, a request to the applicant, an apology or an end later than
    ``latest`` has not happened yet: the sender's clock or data is wrong (once per field)."""
    named = set()
    for name, moment in happened:
        if moment is not None and moment > latest and name not in named:
            named.add(name)
            shown = formats.date_format(local(moment), "SHORT_DATETIME_FORMAT")
            r.fail(name, _("%(moment)s is in the future") % {"moment": shown})


def parse_record(
    record: dict[str, Any],
    *,
    agencies: dict[str, int],
    procedures: dict[str, Procedure],
    allotments: dict[tuple[int, int], tuple[int, str]],
    day_minutes: int,
    last_days: dict[int, datetime.date] | None = None,
    latest: datetime.datetime | None = None,
) -> ParsedDossier | list[str]:
    """One record as a :class:`ParsedDossier`, or its problems. ``agencies`` maps codes and
    electronic IDs to agency ids; ``allotments`` maps (procedure id, step number) to the
    current template's (allotted working minutes, role); ``last_days`` an ended agency's id to
    its last day, after which it receives no dossier; ``latest`` is the latest moment that a
    receipt, step, request, apology, end of processing or return may have (now, give or take
    clocks)."""
    r = _Reader(record)
    code = r.text("MaHoSo", required=True)
    if len(code) > 60:
        r.fail("MaHoSo", _("too long (at most 60 characters)"))
    procedure_code = r.text("MaTTHC", required=True)
    procedure = procedures.get(procedure_code)
    if procedure_code and procedure is None:
        r.fail("MaTTHC", _("no procedure with code '%(code)s'") % {"code": procedure_code})
    agency_code = r.text("DonViXuLy", required=True)
    agency_id = agencies.get(agency_code)
    if agency_code and agency_id is None:
        r.fail("DonViXuLy", _("no agency with code '%(code)s'") % {"code": agency_code})
    status = r.code_in("TrangThaiHoSo", STATUSES, None)
    channel = r.code_in("KenhThucHien", CHANNELS, 1)
    received = r.moment("NgayTiepNhan", required=True)
    due = r.moment("NgayHenTra")
    due_initial = r.moment("NgayHenTraBanDau")
    finished = r.moment("NgayKetThucXuLy")
    returned = r.moment("NgayTra")
    for name, moment in (("NgayKetThucXuLy", finished), ("NgayTra", returned)):
        if received and moment and moment < received:
            r.fail(name, _("is before the receipt date"))
    # Moments that have happened, by field: none may be later than ``latest``.
    happened: list[tuple[str, datetime.datetime | None]] = [
        ("NgayTiepNhan", received),
        ("NgayKetThucXuLy", finished),
        ("NgayTra", returned),
    ]
    if received is not None and agency_id is not None and last_days:
        _check_last_day(r, agency_code, last_days.get(agency_id), local(received).date())
    fees = [r.number("Gia", item) or Decimal(0) for item in r.items("DanhSachLePhi")]
    results = r.items("DanhSachGiayToKetQua")
    components = r.items("TaiLieuNop")
    values = {
        "status": status,
        "channel": channel,
        "received_at": received,
        "due_at": due,
        "due_initial": due_initial,
        "finished_at": finished,
        "returned_at": returned,
        "fee_total": sum(fees, Decimal(0)),
        "paid_online": r.code_in("DuocThanhToanTrucTuyen", PAID_ONLINE, 0),
        "result_channel": r.code_in("HinhThucTra", RESULT_CHANNELS, 1),
        "e_result": r.flag("DaSoHoaKetQua")
        or any(r.text("DuongDanTepTinKetQua", item) for item in results),
        "digitised": any(r.text("DuongDan", item) for item in components),
        "reused_data": r.flag("HoSoCoThanhPhanSoHoa")
        or any(r.flag("DuocSoHoa", item) for item in components),
        "synced": r.text("DongBoDVCQG") in ("", "1", "true"),
    }
    pauses = []
    for kind, list_name, start_names, end_names in (
        (
            "bo_sung",
            "DanhSachHoSoBoSung",
            ("NgayYeuCauBoSung", "NgayBoSung"),
            ("NgayCongDanBoSung", "NgayTiepNhanBoSung"),
        ),
        ("nghia_vu_tai_chinh", "DanhSachNghiaVuTaiChinh", ("NgayYeuCau",), ("NgayHoanThanh",)),
    ):
        for item in r.items(list_name):
            start_name = next((n for n in start_names if item.get(n)), start_names[0])
            end_name = next((n for n in end_names if item.get(n)), end_names[0])
            start = r.moment(start_name, item, required=True)
            end = r.moment(end_name, item)
            if start is not None:
                if end is not None and end < start:
                    r.fail(end_name, _("is before the request date"))
                pauses.append((kind, start, end))
                happened += [(start_name, start), (end_name, end)]
    apologies = []
    for item in r.items("DanhSachXinLoi"):
        issued = r.moment("NgayXinLoi", item, required=True)
        new_due = r.moment("NgayHenTraMoi", item, required=True)
        happened.append(("NgayXinLoi", issued))
        if issued and new_due:
            apologies.append((issued, new_due, r.text("LyDo", item)[:500]))
            previous = r.moment("NgayHenTraTruoc", item)
            if previous and (due_initial is None or previous < due_initial):
                due_initial = previous
    values["due_initial"] = due_initial or due
    steps = []
    seen: set[int] = set()
    for n, item in enumerate(r.items("QuaTrinhXuLy"), start=1):
        seq = r.code_in("ThuTu", STEP_ORDERS, n, item) or n
        if seq in seen:
            r.fail("QuaTrinhXuLy", _("step %(seq)s appears twice") % {"seq": seq})
        seen.add(seq)
        number_text = r.text("BuocQuyTrinh", item)
        number = int(number_text) if number_text.isdigit() else None
        planned = allotments.get((procedure.pk, number)) if procedure and number else None
        role = r.text("VaiTro", item) or (planned[1] if planned else "")
        if role not in ROLES:
            r.fail("VaiTro", _("'%(value)s' is not a known role") % {"value": role})
        allotted = r.number("ThoiHanBuocXuLy", item)
        unit = UNIT_CODES.get(r.text("LoaiThoiHanBuocXuLy", item) or "working_day")
        if unit is None:
            r.fail("LoaiThoiHanBuocXuLy", _("must be working days or working hours"))
        minutes = (
            planned[0]
            if allotted is None and planned
            else int((allotted or 0) * (60 if unit == "working_hour" else day_minutes))
        )
        started = r.moment("NgayBatDau", item, required=True)
        ended = r.moment("NgayKetThuc", item)
        happened += [("NgayBatDau", started), ("NgayKetThuc", ended)]
        if started and ended and ended < started:
            r.fail("NgayKetThuc", _("is before the start of the step"))
        if started:
            steps.append(
                ParsedStep(
                    seq,
                    number,
                    r.text("TenBuoc", item)[:255],
                    role,
                    r.text("NguoiXuLy", item)[:255],
                    r.text("PhongBanXuLy", item)[:255],
                    started,
                    ended,
                    minutes,
                )
            )
    applicant = None
    if any(record.get(name) not in (None, "") for name in APPLICANT_FIELDS):
        applicant = (
            r.code_in("LoaiDoiTuong", APPLICANT_KINDS, 1) or 1,
            r.text("ChuHoSo")[:255],
            r.text("SoDienThoai")[:40],
            r.text("Email")[:254],
            r.text("DiaChi")[:500],
        )
    if latest is not None:
        _check_not_future(r, happened, latest)
    if r.problems or procedure is None or agency_id is None:
        return r.problems
    return ParsedDossier(code, agency_id, procedure, values, pauses, apologies, steps, applicant)
