"""What ``chiso results verify`` reports: problems with snapshots and published numbers.

Kept apart from :mod:`chiso.results.snapshots` (which writes and walks the chain) so that the
comparison rules and the texts in both languages read in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from chiso.engine import ProblemsError, score_block
from chiso.results.models import ResultSet
from chiso.results.serialize import input_from_dict

TEXTS = {
    "missing": (
        "Thiếu ảnh chụp công bố số {sequence} (đã bị xóa?)",
        "Snapshot #{sequence} is missing (deleted?)",
    ),
    "previous_hash": (
        "Ảnh chụp #{sequence} ({result_set}): mã băm trước không khớp ảnh chụp liền trước, "
        "chuỗi bị đứt",
        "Snapshot #{sequence} ({result_set}): its previous hash does not match the snapshot "
        "before it; the chain is broken",
    ),
    "payload_hash": (
        "Ảnh chụp #{sequence} ({result_set}): nội dung đã bị sửa (SHA-256 không khớp)",
        "Snapshot #{sequence} ({result_set}): the payload was altered (SHA-256 differs)",
    ),
    "hash": (
        "Ảnh chụp #{sequence} ({result_set}): mã băm chuỗi không khớp",
        "Snapshot #{sequence} ({result_set}): the chain hash does not match",
    ),
    "no_snapshot": (
        "{result_set}: đã công bố nhưng không có ảnh chụp công bố",
        "{result_set}: published but has no snapshot",
    ),
    "changed": (
        "{result_set}, {agency}: {field} khi công bố là {published}, nay lưu {stored} "
        "(ảnh chụp #{sequence})",
        "{result_set}, {agency}: {field} was {published} when published, now stored as "
        "{stored} (snapshot #{sequence})",
    ),
    "rescore": (
        "{result_set}, {agency}: tính lại từ dữ liệu đầu vào được {field} = {published}, "
        "nhưng đang lưu {stored}",
        "{result_set}, {agency}: re-scoring the stored inputs gives {field} = {published}, "
        "but {stored} is stored",
    ),
    "rescore_error": (
        "{result_set}: không tính lại được từ dữ liệu đầu vào: {stored}",
        "{result_set}: the stored inputs cannot be re-scored: {stored}",
    ),
}


@dataclass(frozen=True)
class SnapshotProblem:
    """One finding. ``published`` is the value expected (in the snapshot, or the engine's),
    ``stored`` the value in the database now; ``agency`` and ``field`` say where."""

    kind: str
    result_set: str
    sequence: int | None = None
    agency: str | None = None
    field: str | None = None
    published: str | None = None
    stored: str | None = None

    def text(self, lang: str = "vi") -> str:
        vi, en = TEXTS[self.kind]
        values = {k: ("—" if v is None else v) for k, v in asdict(self).items()}
        return (en if lang == "en" else vi).format(**values)

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {**asdict(self), "text": self.text(lang)}


def _key(item: Any) -> str | None:
    if isinstance(item, dict):
        for name in ("agency", "code", "id"):
            if isinstance(item.get(name), str):
                return str(item[name])
    return None


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Leaf paths such as ``agencies[stp].nodes[1].points``; list items by their code."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list) and value and all(_key(v) for v in value):
        for v in value:
            yield from _flatten(v, f"{path}[{_key(v)}]")
    else:
        yield path, value


def _split(path: str) -> tuple[str | None, str]:
    if path.startswith("agencies["):
        agency, _, rest = path[len("agencies[") :].partition("]")
        return agency, rest.lstrip(".") or "agency"
    return None, path


def _text(value: Any) -> str:
    return "—" if value is None else str(value)


def compare_payloads(
    where: str, sequence: int, published: dict[str, Any], current: dict[str, Any]
) -> list[SnapshotProblem]:
    """Every leaf that differs between the snapshot and the rows stored now."""
    old, new = dict(_flatten(published)), dict(_flatten(current))
    problems = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) != new.get(path):
            agency, field = _split(path)
            problems.append(
                SnapshotProblem(
                    "changed",
                    where,
                    sequence=sequence,
                    agency=agency,
                    field=field,
                    published=_text(old.get(path)),
                    stored=_text(new.get(path)),
                )
            )
    return problems


COMPARED = ("rank", "base_percent", "bonus", "penalty", "final", "classification")


def rescore(result_set: ResultSet, where: str) -> list[SnapshotProblem]:
    """Score the stored inputs again and compare with the stored totals of each agency.

    A difference means a stored number was changed, or the engine now computes differently
    than when the set was published; either way a person must look.
    """
    scores = {s.agency.code: s for s in result_set.scores.select_related("agency")}
    try:
        block = score_block(
            result_set.framework.to_engine(), [input_from_dict(s.inputs) for s in scores.values()]
        )
    except ProblemsError as error:
        return [SnapshotProblem("rescore_error", where, stored="; ".join(error.texts("en")))]
    problems = []
    for result in block.agencies:
        stored = scores[result.agency]
        for name in COMPARED:
            expected, actual = getattr(result, name), getattr(stored, name)
            if isinstance(actual, Decimal):
                same = expected is not None and Decimal(expected) == actual
            else:
                same = (expected or "") == actual
            if not same:
                problems.append(
                    SnapshotProblem(
                        "rescore",
                        where,
                        agency=result.agency,
                        field=name,
                        published=_text(expected),
                        stored=_text(actual),
                    )
                )
    return problems
