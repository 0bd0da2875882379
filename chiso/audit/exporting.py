"""Audit rows for people: the change in words, and the XLSX export of a filtered list.

Headers are part of the file format (as in :mod:`chiso.org.columns`): Vietnamese by default,
English on request. Times are written in the server's time zone (Vietnam), as real date-time
cells shown dd/mm/yyyy hh:mm.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from chiso.audit.labels import ACTION_LABELS, KEY_LABELS, VALUE_LABELS
from chiso.audit.models import AuditEvent
from chiso.frameworks.describe import num
from chiso.lib.numbers import parse_decimal
from chiso.org.models import Agency

# (Vietnamese, English) header of each column, in order.
HEADERS = (
    ("Thời gian", "Time"),
    ("Người thực hiện", "User"),
    ("Hành động", "Action"),
    ("Đối tượng", "Object"),
    ("Cơ quan, đơn vị", "Agency"),
    ("Thay đổi (cũ → mới)", "Change (old → new)"),
    ("Lý do", "Reason"),
)

# Keys whose value is a list of codes, not an [old, new] pair.
LIST_KEYS = frozenset({"agencies"})

# Keys holding numbers (points, counts, sizes): written as people write them (64,2). Codes such
# as an item "1.2" are stored under other keys and stay as they are.
NUMERIC_KEYS = frozenset(
    {
        "value",
        "points",
        "count",
        "self_value",
        "appraised_value_1",
        "appraised_value_2",
        "council_value",
        "points_each",
        "mean_final",
        "total_points",
        "items",
        "nodes",
        "leaves",
        "size",
        "progress",
        "target",
        "agencies_count",
    }
)
# Keys holding a stage or status code, shown with the stage's name.
STAGE_KEYS = frozenset({"stage", "status", "assessments"})
# Keys holding an agency's primary key: shown with the agency's name, never the bare id.
AGENCY_ID_KEYS = frozenset({"agency_id"})
# Keys holding survey codes (a group, a channel, or a quota cell [agency, group, channel]).
SURVEY_CODE_KEYS = frozenset({"group", "channel", "cell"})

ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _translated(mapping: Mapping[str, Any], code: str) -> str:
    return str(mapping[code]) if code in mapping else code


def action_label(code: str) -> str:
    """An action code in words ("Tự đánh giá mục"), the code itself when it has no label."""
    return _translated(ACTION_LABELS, code)


def _stage(code: Any) -> str:
    # Imported here: the assessments app imports chiso.audit (actions.record) at load time.
    from chiso.assessments.models import Deadline, Stage

    names = {**dict(Deadline.choices), **dict(Stage.choices)}
    return str(names.get(code, code))


def _stage_order() -> dict[str, int]:
    from chiso.assessments.models import Deadline, Stage

    return {code: i for i, code in enumerate([*Deadline.values, *Stage.values])}


def _value_label(key: str, value: str) -> str:
    """A stored code in words when it has some (a survey group, a keying state), else as is."""
    if key in SURVEY_CODE_KEYS:
        # Imported here like the stages: the surveys app records audit rows at load time too.
        from chiso.surveys.models import Channel, Group

        return str({**dict(Group.choices), **dict(Channel.choices)}.get(value, value))
    return _translated(VALUE_LABELS.get(key, {}), value)


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _plain(value: Any, key: str = "", agencies: Mapping[int, str] | None = None) -> str:
    """One stored value for people: numbers 64,2, Có/Không, dates dd/mm/yyyy in Vietnam time,
    agencies by name (from ``agencies``, by primary key), known codes in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if key in AGENCY_ID_KEYS and isinstance(value, int):
        return (agencies or {}).get(value) or str(_("agency no. %(id)s") % {"id": value})
    if key in STAGE_KEYS and isinstance(value, str):
        return _stage(value)
    if isinstance(value, str) and (key in SURVEY_CODE_KEYS or key in VALUE_LABELS):
        return _value_label(key, value)
    if key in NUMERIC_KEYS and isinstance(value, int | float | str):
        number = parse_decimal(value)
        if number is not None:
            return num(number, _lang())
    if isinstance(value, str) and (day := ISO_DAY.match(value)):
        # Dates are stored ISO (chiso.audit.actions); people read them dd/mm/yyyy.
        return f"{day[3]}/{day[2]}/{day[1]}"
    if isinstance(value, str) and ISO_TIME.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            return f"{local:%d/%m/%Y %H:%M}"
    if isinstance(value, dict):
        # PostgreSQL's jsonb keeps keys in its own order: put stages in the round's order.
        order = _stage_order()
        items = sorted(value.items(), key=lambda kv: order.get(kv[0], len(order)))
        # A record's own agency or stage (a cancelled round's extensions) is named as such.
        return ", ".join(f"{label_of(k)}: {_plain(v, _inner(key, k), agencies)}" for k, v in items)
    if isinstance(value, list):
        return ", ".join(_plain(v, key, agencies) for v in value) or "—"
    return str(value)


def _inner(key: str, inner: str) -> str:
    """The key a value inside a record under ``key`` is shown by: its own when it is an agency
    or a stage, else the record's (a mapping of stages to dates, of ids to codes)."""
    return inner if inner in AGENCY_ID_KEYS or inner in STAGE_KEYS else key


def label_of(key: str, labels: Mapping[str, str] | None = None) -> str:
    """A data key in words: the page's own label, else the shared one, else a stage name."""
    if labels and key in labels:
        return labels[key]
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    named = _stage(key)
    return named if named != key else key


def describe_details(
    data: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    agencies: Mapping[int, str] | None = None,
) -> str:
    """An audit row's data in words: ``"điểm: 1 → 2; ghi chú: — → Thiếu minh chứng"``.

    The actions store a change as an ``[old, new]`` pair (chiso.audit.actions.record), or as
    ``{"old": {…}, "new": {…}}`` records (facts, plans, organisation), shown key by key; other
    values (counts, codes) are shown as they are. Labels come from ``labels`` first, then
    :data:`KEY_LABELS`; numbers, dates and yes/no follow the active language; agency ids are
    named from ``agencies`` (see :func:`agency_names`).
    """
    data = dict(data or {})
    old, new = data.get("old"), data.get("new")
    pairs: dict[str, list[Any]] = {}
    # A record created has no old one: stored as None, {} or [] depending on the action.
    if isinstance(new, dict) and (not old or isinstance(old, dict)):
        # A record replaced by another: one "key: old → new" per key that changed.
        del data["new"]
        data.pop("old", None)
        before = old or {}
        pairs = {k: [before.get(k), v] for k, v in new.items() if before.get(k) != v}
        data = {**pairs, **data}
    parts = []
    for key, value in data.items():
        if value is None:  # e.g. the "adjustment" of a file attached to an item: nothing to say
            continue
        name = label_of(key, labels)
        # Agency ids stored as a list are the agencies of the row (a cancelled round's), not an
        # [old, new] pair: only a record replaced by another gives an agency's old → new.
        listed = key in LIST_KEYS or (key in AGENCY_ID_KEYS and key not in pairs)
        if isinstance(value, list) and len(value) == 2 and not listed:
            before, after = _plain(value[0], key, agencies), _plain(value[1], key, agencies)
            parts.append(f"{name}: {before} → {after}")
        else:
            parts.append(f"{name}: {_plain(value, key, agencies)}")
    return "; ".join(parts)


def actor_name(event: AuditEvent) -> str:
    """Who acted, by full name when the account has one (the username otherwise)."""
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor_label
    return event.actor_label


def actor_cell(event: AuditEvent) -> str:
    """The user column of the export: "Trần Văn Minh (minh)", or the label alone."""
    name = actor_name(event)
    return name if name == event.actor_label else f"{name} ({event.actor_label})"


def local_time(at: datetime.datetime) -> datetime.datetime:
    """The time in the server's zone without zone info (spreadsheets have none), to the second."""
    return timezone.localtime(at).replace(tzinfo=None, microsecond=0)


def _agency_ids_in(data: Any) -> set[int]:
    """The agency ids stored in an audit row's data, at any depth (old/new records)."""
    if isinstance(data, dict):
        found = {v for k, v in data.items() if k in AGENCY_ID_KEYS and isinstance(v, int)}
        for k, v in data.items():
            if k in AGENCY_ID_KEYS and isinstance(v, list):
                found |= {x for x in v if isinstance(x, int)}
            elif isinstance(v, dict | list):
                found |= _agency_ids_in(v)
        return found
    if isinstance(data, list):
        return set().union(*(_agency_ids_in(v) for v in data)) if data else set()
    return set()


def agency_names(events: Iterable[AuditEvent]) -> dict[int, str]:
    """Names of the agencies the rows are about and of those their data names by id, in one
    query for a whole page."""
    ids: set[int] = set()
    for e in events:
        if e.agency_id_ref is not None:
            ids.add(e.agency_id_ref)
        ids |= _agency_ids_in(e.data)
    return dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))


def export_rows(events: list[AuditEvent]) -> list[list[Any]]:
    """One row per event, in the order of :data:`HEADERS`."""
    names = agency_names(events)
    return [
        [
            local_time(e.at),
            actor_cell(e),
            action_label(e.action),
            e.object_repr,
            names.get(e.agency_id_ref, "") if e.agency_id_ref is not None else "",
            describe_details(e.data, agencies=names),
            e.reason,
        ]
        for e in events
    ]


def export_xlsx(events: Iterable[AuditEvent], lang: str = "vi") -> bytes:
    """The events as an XLSX workbook with one sheet "Nhật ký" (or "Audit"), the changes in
    words of ``lang`` like the page."""
    with translation.override(lang):
        return _workbook(events, lang)


def _workbook(events: Iterable[AuditEvent], lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Audit" if lang == "en" else "Nhật ký"
    sheet.append([en if lang == "en" else vi for vi, en in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in export_rows(list(events)):
        sheet.append(row)
        cells = sheet[sheet.max_row]
        cells[0].number_format = "DD/MM/YYYY HH:MM"
        for cell in cells[1:]:
            # Text typed by users (a reason "=HYPERLINK(…)") stays text: an XLSX string cell is
            # never run as a formula (OWASP "CSV injection"), as in chiso.org.tabular.
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", (17, 20, 32, 40, 30, 60, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
