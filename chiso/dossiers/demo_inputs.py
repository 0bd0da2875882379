"""The demo province's 2024 petitions and manual 766 inputs, through the real import paths.

Petitions: about 30 per agency that has dossiers, received on working days of 2024, answered
within the 15 working days nine times in ten, rated 1–5 two times in three. Manual inputs:
one yearly figure per agency for each indicator the portal reports and no dossier feed
carries (the e-certified copy rate only for the districts, which have communes). The figures
are invented but plausible for a province reporting the rates of issue 4; they are marked as
demo data in their source.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from chiso.dossiers.conf import current_calendar
from chiso.dossiers.models import Petition
from chiso.dossiers.petitions import import_petitions
from chiso.dossiers.serviceinputs import import_inputs
from chiso.org.models import Agency

SEED = 20_2008  # Decree 20/2008/NĐ-CP on petitions
YEAR = 2024
PER_AGENCY = 30
SOURCE = "Cổng DVCQG: kết quả Bộ chỉ số 766 năm 2024 (số liệu minh họa)"
CHANNELS = ["portal", "portal", "portal", "phone", "email", "direct", "post"]
# metric item → (lowest, highest share of the denominator, smallest, largest denominator); a
# denominator of None is the agency's dossiers of the year
INPUTS: dict[str, tuple[float, float, int, int | None]] = {
    "1.1": (0.9, 1.0, 8, 40),
    "1.2": (0.93, 1.0, 8, 40),
    "1.3": (0.96, 1.0, 60, 200),
    "4.1": (0.82, 0.96, 15, 60),
    "4.2": (0.55, 0.8, 15, 60),
    "5.3": (0.92, 0.98, 0, None),
    "6.3": (0.7, 1.0, 8, 14),
    "6.5": (0.25, 0.4, 0, None),
    "6.6": (0.4, 0.6, 0, None),
    "6.7": (0.6, 0.85, 30, 80),
}


def _agencies() -> dict[str, int]:
    """Agency code → its dossiers of the demo year (chiso.dossiers.demo.PROCEDURES)."""
    from chiso.dossiers.demo import PROCEDURES  # that module calls this one

    counts: dict[str, int] = {}
    for procedure in PROCEDURES:
        owners, dossiers = procedure[8], procedure[9]
        for code in owners:
            counts[code] = counts.get(code, 0) + dossiers // len(owners)
    return counts


def _petitions_csv(codes: list[str], rng: random.Random) -> str:
    cal = current_calendar()
    days = [
        datetime.date(YEAR, 1, 1) + datetime.timedelta(n)
        for n in range(366)
        if cal.is_working_day(datetime.date(YEAR, 1, 1) + datetime.timedelta(n))
    ]
    lines = [
        "Mã PAKN,Mã cơ quan,Ngày tiếp nhận,Ngày trả lời,Đã công khai,Mức hài lòng,Kênh tiếp nhận"
    ]
    for code in codes:
        for n in range(PER_AGENCY):
            received = datetime.datetime.combine(
                rng.choice(days[:-12]), datetime.time(rng.randint(8, 15), rng.choice((0, 30)))
            )
            late = rng.random() < 0.1
            used = rng.randint(16, 22) if late else rng.randint(2, 14)
            answered = cal.add_working_days(cal.clock_start(received), used)
            rated = rng.random() < 2 / 3
            rating = (
                (rng.choice((4, 5)) if rng.random() < 0.85 else rng.randint(1, 3)) if rated else ""
            )
            lines.append(
                f"PAKN-{YEAR}-{code}-{n + 1:03d},{code},{received:%d/%m/%Y %H:%M},"
                f"{answered:%d/%m/%Y %H:%M},{'có' if rng.random() < 0.9 else 'không'},"
                f"{rating},{rng.choice(CHANNELS)}"
            )
    return "\n".join(lines) + "\n"


def _inputs_csv(dossiers: dict[str, int], districts: set[str], rng: random.Random) -> str:
    lines = ["Mã cơ quan,Kỳ,Chỉ số,Tử số,Mẫu số,Nguồn"]
    for code, count in dossiers.items():
        for item, (low, high, smallest, largest) in INPUTS.items():
            if item == "6.3" and code not in districts:
                continue  # only a district has communes to offer e-certified copies
            denominator = count if largest is None else rng.randint(smallest, largest)
            numerator = round(denominator * rng.uniform(low, high))
            lines.append(f"{code},{YEAR},{item},{numerator},{denominator},{SOURCE}")
    return "\n".join(lines) + "\n"


def build_petitions_and_inputs(progress: Callable[[str], Any] = print) -> None:
    """Import the demo petitions and manual inputs of 2024 (idempotent: skipped when the
    demo petitions exist)."""
    from chiso.dossiers.demo import DISTRICTS

    if Petition.objects.filter(code__startswith=f"PAKN-{YEAR}-").exists():
        progress("  phản ánh, kiến nghị và số liệu nhập tay 766 (đã có)")
        return
    present = set(Agency.objects.values_list("code", flat=True))
    dossiers = {code: n for code, n in _agencies().items() if code in present}
    rng = random.Random(SEED)
    for label, importer, data in (
        ("pakn.csv", import_petitions, _petitions_csv(sorted(dossiers), rng)),
        ("so-lieu-766.csv", import_inputs, _inputs_csv(dossiers, set(DISTRICTS), rng)),
    ):
        report = importer(data.encode(), actor=None, filename=label)
        if not report.ok:  # our own generated rows: a refusal is a programming error
            raise RuntimeError("; ".join(str(p) for p in report.problems))
    progress(
        f"  {Petition.objects.filter(code__startswith=f'PAKN-{YEAR}-').count()} phản ánh, "
        f"kiến nghị; số liệu nhập tay 766 của {len(dossiers)} cơ quan"
    )
