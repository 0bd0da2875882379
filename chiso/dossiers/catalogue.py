"""Importing the procedure catalogue and internal process templates (XLSX, CSV or JSON).

Every row is checked first and every problem reported with its row and column; nothing is
written when there is any problem. Procedures are keyed by their code (re-importing updates
them); a template is keyed by (procedure, version) and a re-imported version replaces its
steps. Each created or changed record gets an audit row with old and new values.
:func:`export_procedures` writes the catalogue in the import's own layout, so that an export
imports back unchanged.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.dossiers.models import Procedure, ProcessStep, ProcessTemplate, Role, TimeUnit
from chiso.lib.numbers import parse_decimal
from chiso.org.columns import Column, ImportCounts, Problem, RowReader, Sheet
from chiso.org.tabular import Table, TableError, Value, read_table, write_table

PROCEDURE_COLUMNS = (
    Column("code", "Mã TTHC", "Procedure code", required=True),
    Column("name", "Tên thủ tục", "Name", required=True),
    Column("field_code", "Mã lĩnh vực", "Field code", required=True),
    Column("field_name", "Lĩnh vực", "Field", required=True),
    Column("level", "Cấp thực hiện", "Competence level", required=True),
    Column("time_limit", "Thời hạn giải quyết", "Time limit", required=True),
    Column("time_unit", "Đơn vị thời gian", "Time unit", required=True),
    Column("online", "Mức độ DVCTT", "Online level"),
    Column("full_online_eligible", "Đủ điều kiện toàn trình", "Eligible end-to-end online"),
    Column("has_fee", "Có phí, lệ phí", "Fee-bearing"),
    Column("paper_result", "Có kết quả giấy", "Paper result"),
    Column("valid_from", "Hiệu lực từ", "Valid from"),
    Column("valid_to", "Hiệu lực đến", "Valid to"),
)
STEP_COLUMNS = (
    Column("procedure", "Mã TTHC", "Procedure code", required=True),
    Column("version", "Phiên bản", "Version", required=True),
    Column("decision", "Quyết định phê duyệt", "Approving decision"),
    Column("valid_from", "Hiệu lực từ", "Valid from"),
    Column("number", "Bước", "Step", required=True),
    Column("name", "Tên bước", "Step name", required=True),
    Column("role", "Vai trò", "Role", required=True),
    Column("unit", "Đơn vị thực hiện", "Owning unit"),
    Column("allotted", "Thời gian", "Allotted time", required=True),
    Column("allotted_unit", "Đơn vị thời gian", "Time unit", required=True),
)

PROCEDURE_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
YES = {"1", "có", "co", "x", "yes", "true"}
NO = {"", "0", "không", "khong", "no", "false"}
LEVELS = {
    "tinh": "tinh",
    "cấp tỉnh": "tinh",
    "tỉnh": "tinh",
    "province": "tinh",
    "xa": "xa",
    "cấp xã": "xa",
    "xã": "xa",
    "commune": "xa",
    "nganh_doc": "nganh_doc",
    "ngành dọc": "nganh_doc",
    "vertical": "nganh_doc",
}
UNITS = {
    "working_day": "working_day",
    "ngày làm việc": "working_day",
    "working_hour": "working_hour",
    "giờ làm việc": "working_hour",
    "day": "day",
    "ngày": "day",
}
ONLINE = {
    "": "none",
    "none": "none",
    "không": "none",
    "partial": "partial",
    "một phần": "partial",
    "full": "full",
    "toàn trình": "full",
}
ROLES = (
    {r.value: r.value for r in Role}
    | {str(r.label).casefold(): r.value for r in Role}
    | {
        "một cửa": Role.ONE_STOP,
        "công chức một cửa": Role.ONE_STOP,
        "chuyên viên": Role.SPECIALIST,
        "lãnh đạo phòng": Role.DIVISION_HEAD,
        "lãnh đạo cơ quan": Role.AGENCY_LEADER,
        "lãnh đạo ubnd": Role.COMMITTEE_LEADER,
        "liên thông": Role.INTER_AGENCY,
    }
)


class CatalogueReport(ImportCounts):
    """What an import of catalogue rows found and did."""


def _table(data: bytes, filename: str) -> Table:
    """XLSX/CSV through chiso.org.tabular; JSON as a list of objects keyed by the headers."""
    if filename.lower().endswith(".json"):
        try:
            items = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise TableError(_("The file is not valid JSON (%(error)s).") % {"error": e}) from e
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise TableError(_("The JSON file must hold a list of objects."))
        headers = list(dict.fromkeys(k for item in items for k in item))
        rows = [
            (n, ["" if item.get(h) is None else str(item.get(h)).strip() for h in headers])
            for n, item in enumerate(items, start=2)
        ]
        return Table(headers=headers, rows=rows)  # type: ignore[arg-type]
    return read_table(data, filename)


def _choice(row: RowReader, key: str, table: dict[str, str], default: str | None = None) -> str:
    text = str(row.raw(key)).strip()
    value = table.get(text.casefold())
    if value is None and not text and default is not None:
        return default
    if value is None:
        row.problem(
            key,
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": text, "allowed": ", ".join(sorted({k for k in table if k}))},
        )
        return ""
    return value


def _bool(row: RowReader, key: str, default: bool) -> bool:
    text = str(row.raw(key)).strip().casefold()
    if not text:
        return default
    if text in YES:
        return True
    if text not in NO:
        row.problem(key, _("write 'có' or 'không'"))
    return False


def _positive(row: RowReader, key: str) -> Decimal | None:
    value = parse_decimal(row.raw(key))
    if value is None or value <= 0 or value >= 10**6:
        row.problem(key, _("'%(value)s' is not a positive number") % {"value": row.raw(key)})
        return None
    return value


def _open(data: bytes, filename: str, columns: tuple[Column, ...], lang: str) -> Sheet | Problem:
    try:
        table = _table(data, filename)
    except TableError as error:
        return Problem.make(None, "", str(error))
    return Sheet(table, columns, lang)


def upsert_by_code(
    model: type[Any],
    current: Any,
    code: str,
    values: dict[str, Any],
    report: ImportCounts,
    action: str,
    actor: Any,
    filename: str,
    **audit: Any,
) -> None:
    """Create the row ``code`` or update ``current`` to ``values``, count it in ``report`` as
    created, updated or unchanged, and audit ``<action>.created`` / ``.updated`` with old and
    new values and the file; ``audit`` adds fields to the audit row (e.g. ``agency_id``)."""
    if current is None:
        created = model.objects.create(code=code, **values)
        report.created += 1
        record(
            f"{action}.created",
            actor=actor,
            obj=created,
            data={"new": values, "file": filename},
            **audit,
        )
        return
    old = {k: getattr(current, k) for k in values}
    if old == values:
        report.unchanged += 1
        return
    for k, v in values.items():
        setattr(current, k, v)
    current.save()
    report.updated += 1
    record(
        f"{action}.updated",
        actor=actor,
        obj=current,
        data={"old": old, "new": values, "file": filename},
        **audit,
    )


@transaction.atomic
def import_procedures(
    data: bytes, *, actor: Any, filename: str = "", lang: str = "vi"
) -> CatalogueReport:
    """Create or update procedures from a file; the reform office or the command line only."""
    if actor is not None:
        scope.require_reform_office(actor)
    sheet = _open(data, filename, PROCEDURE_COLUMNS, lang)
    if isinstance(sheet, Problem):
        return CatalogueReport(problems=[sheet])
    if sheet.problems:
        return CatalogueReport(problems=sheet.problems)
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row in sheet.rows():
        code = row.text("code", 40, required=True)
        if code and not PROCEDURE_CODE_RE.match(code):
            row.problem("code", _("'%(value)s' is not a procedure code") % {"value": code})
        if code in seen:
            row.problem("code", _("also on row %(line)s") % {"line": seen[code]})
        seen[code] = row.line
        values: dict[str, Any] = {
            "name": row.text("name", 500, required=True),
            "field_code": row.text("field_code", 40, required=True),
            "field_name": row.text("field_name", 255, required=True),
            "level": _choice(row, "level", LEVELS),
            "time_limit": _positive(row, "time_limit"),
            "time_unit": _choice(row, "time_unit", UNITS),
            "online": _choice(row, "online", ONLINE, "none"),
            "full_online_eligible": _bool(row, "full_online_eligible", False),
            "has_fee": _bool(row, "has_fee", False),
            "paper_result": _bool(row, "paper_result", True),
            "valid_from": row.date("valid_from"),
            "valid_to": row.date("valid_to"),
        }
        if (
            values["valid_from"]
            and values["valid_to"]
            and values["valid_to"] < values["valid_from"]
        ):
            row.problem("valid_to", _("is before the start of validity"))
        rows.append({"code": code, **values})
    report = CatalogueReport(problems=sheet.problems)
    if report.problems:
        return report
    existing = {p.code: p for p in Procedure.objects.filter(code__in=seen)}
    for values in rows:
        code = values.pop("code")
        upsert_by_code(
            Procedure,
            existing.get(code),
            code,
            values,
            report,
            "dossiers.procedure",
            actor,
            filename,
        )
    return report


@transaction.atomic
def import_templates(
    data: bytes, *, actor: Any, filename: str = "", lang: str = "vi"
) -> CatalogueReport:
    """Create or replace process template versions, one row per step (steps numbered 1, 2, …
    without gaps in each version)."""
    if actor is not None:
        scope.require_reform_office(actor)
    sheet = _open(data, filename, STEP_COLUMNS, lang)
    if isinstance(sheet, Problem):
        return CatalogueReport(problems=[sheet])
    if sheet.problems:
        return CatalogueReport(problems=sheet.problems)
    procedures = {p.code: p for p in Procedure.objects.all()}
    versions: dict[tuple[str, int], dict[str, Any]] = {}
    for row in sheet.rows():
        code = row.text("procedure", 40, required=True)
        if code and code not in procedures:
            row.problem("procedure", _("no procedure with code '%(code)s'") % {"code": code})
        version_text = str(row.raw("version")).strip()
        version = int(version_text) if version_text.isdigit() else 0
        if version < 1:
            row.problem(
                "version", _("'%(value)s' is not a version number") % {"value": version_text}
            )
        number_text = str(row.raw("number")).strip()
        number = int(number_text) if number_text.isdigit() else 0
        if number < 1:
            row.problem("number", _("'%(value)s' is not a step number") % {"value": number_text})
        group = versions.setdefault(
            (code, version), {"steps": {}, "line": row.line, "decision": "", "valid_from": None}
        )
        group["decision"] = group["decision"] or row.text("decision", 120)
        group["valid_from"] = group["valid_from"] or row.date("valid_from")
        if number in group["steps"]:
            row.problem("number", _("step %(seq)s appears twice") % {"seq": number})
        unit = _choice(row, "allotted_unit", UNITS)
        if unit == TimeUnit.DAY:
            row.problem("allotted_unit", _("must be working days or working hours"))
        group["steps"][number] = {
            "name": row.text("name", 255, required=True),
            "role": _choice(row, "role", ROLES),
            "unit": row.text("unit", 255),
            "allotted": _positive(row, "allotted"),
            "allotted_unit": unit,
        }
    for (code, version), group in versions.items():
        numbers = sorted(group["steps"])
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            sheet.problems.append(
                Problem.make(
                    group["line"],
                    "",
                    _(
                        "the steps of %(code)s version %(version)s must be numbered 1, 2, 3… without gaps"
                    )
                    % {"code": code, "version": version},
                )
            )
    report = CatalogueReport(problems=sheet.problems)
    if report.problems:
        return report
    for (code, version), group in versions.items():
        procedure = procedures[code]
        new_steps = [{"number": n, **group["steps"][n]} for n in sorted(group["steps"])]
        template, created = ProcessTemplate.objects.get_or_create(
            procedure=procedure,
            version=version,
            defaults={"decision": group["decision"], "valid_from": group["valid_from"]},
        )
        old_steps = [
            {
                k: getattr(s, k)
                for k in ("number", "name", "role", "unit", "allotted", "allotted_unit")
            }
            for s in template.steps.all()
        ]
        if not created and old_steps == new_steps:
            report.unchanged += 1
            continue
        template.steps.all().delete()
        ProcessStep.objects.bulk_create(ProcessStep(template=template, **s) for s in new_steps)
        template.decision, template.valid_from = group["decision"], group["valid_from"]
        template.save()
        report.created += created
        report.updated += not created
        record(
            "dossiers.template.created" if created else "dossiers.template.updated",
            actor=actor,
            obj=template,
            data={"old": old_steps, "new": new_steps, "file": filename},
        )
    return report


# The words the export writes: the first Vietnamese spelling the import accepts for each value.
LEVEL_WORDS = {"tinh": "cấp tỉnh", "xa": "cấp xã", "nganh_doc": "ngành dọc"}
UNIT_WORDS = {"working_day": "ngày làm việc", "working_hour": "giờ làm việc", "day": "ngày"}
ONLINE_WORDS = {"none": "không", "partial": "một phần", "full": "toàn trình"}


def _number(value: Decimal) -> Value:
    """10 as a number cell; 1.5 as the text "1,5", the way it is typed in Vietnam."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f").replace(".", ",")


def procedure_rows() -> list[list[Value]]:
    """One row per procedure, in the order and words of :data:`PROCEDURE_COLUMNS`."""
    return [
        [
            p.code,
            p.name,
            p.field_code,
            p.field_name,
            LEVEL_WORDS[p.level],
            _number(p.time_limit),
            UNIT_WORDS[p.time_unit],
            ONLINE_WORDS[p.online],
            "có" if p.full_online_eligible else "không",
            "có" if p.has_fee else "không",
            "có" if p.paper_result else "không",
            p.valid_from or "",
            p.valid_to or "",
        ]
        for p in Procedure.objects.order_by("code")
    ]


def export_procedures(fmt: str = "xlsx") -> bytes:
    """The procedure catalogue as an ``xlsx`` (or ``csv``) file with the import's Vietnamese
    headers: exporting, then importing the file, changes nothing."""
    headers = [c.vi for c in PROCEDURE_COLUMNS]
    return write_table(headers, procedure_rows(), fmt)
