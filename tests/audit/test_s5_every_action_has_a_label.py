"""Every action code an app writes to the audit trail has a label in
``chiso/audit/labels.py``: without one the audit page, its Action filter and the XLSX export
show the raw code (``reports.jobs.cleaned``) to the reform office (review s5, M3).

The codes are read from the source: the first argument of every ``record(...)`` call (each
string in it, so ``"a" if x else "b"`` gives both), and codes handed to helpers that record
them (``action="org.person.updated"``, ``_close_stage(…, "assessments.round.…")``). A code built
at run time must be listed in ``BUILT`` below with every value it can take."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from django.urls import reverse

from chiso.audit.labels import ACTION_LABELS
from tests.assessments.office_world import client_for

CHISO = Path(__file__).resolve().parents[2] / "chiso"
APPS = {p.name for p in CHISO.iterdir() if p.is_dir()} | {"api_token", "framework"}
CODE = re.compile(r"^([a-z_]+)(\.[a-z0-9_]+)+$")
# f-strings given to record(): their source text → every code they produce.
BUILT = {
    "f'{action}.created'": (),  # upsert_by_code: the prefixes are collected from its callers
    "f'{action}.updated'": (),
    "f'assessments.item.appraised_{round_no}'": (
        "assessments.item.appraised_1",
        "assessments.item.appraised_2",
    ),
}


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _strings(node: ast.AST) -> list[str]:
    """The string literals of ``node``, not the pieces of its f-strings (see ``BUILT``)."""
    if isinstance(node, ast.JoinedStr):
        return []
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    return [s for child in ast.iter_child_nodes(node) for s in _strings(child)]


def _is_code(text: str) -> bool:
    match = CODE.match(text)
    return bool(match) and match.group(1) in APPS


def recorded_codes() -> tuple[dict[str, str], list[str]]:
    """(code → file that records it, f-strings not in ``BUILT``)."""
    codes: dict[str, str] = {}
    unknown: list[str] = []
    for path in sorted(CHISO.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where = str(path.relative_to(CHISO.parent))
        for call in (n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)):
            name = _name(call)
            if name == "record" and call.args:
                first = call.args[0]
                for built in (n for n in ast.walk(first) if isinstance(n, ast.JoinedStr)):
                    source = ast.unparse(built)
                    if source not in BUILT:
                        unknown.append(f"{where}: {source}")
                    codes.update(dict.fromkeys(BUILT.get(source, ()), where))
                codes.update(dict.fromkeys((s for s in _strings(first) if _is_code(s)), where))
            elif name == "upsert_by_code":
                for prefix in (s for a in call.args for s in _strings(a) if _is_code(s)):
                    codes.update({f"{prefix}.created": where, f"{prefix}.updated": where})
            elif name not in ("filter", "exclude", "get", "add_argument"):
                given = [*call.args, *(k.value for k in call.keywords)]
                for value in given:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        if _is_code(value.value) and value.value.count(".") >= 2:
                            codes.setdefault(value.value, where)
                for keyword in call.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        if _is_code(str(keyword.value.value)):
                            codes.setdefault(str(keyword.value.value), where)
    return codes, unknown


def test_every_code_written_to_the_audit_trail_has_a_label() -> None:
    codes, unknown = recorded_codes()

    assert not unknown, f"teach BUILT the codes these f-strings make: {unknown}"
    missing = sorted(
        f"{code} ({where})" for code, where in codes.items() if code not in ACTION_LABELS
    )
    assert missing == [], f"add these to ACTION_LABELS in chiso/audit/labels.py: {missing}"


def test_the_scan_finds_the_codes_it_is_meant_to_find() -> None:
    codes, _ = recorded_codes()

    # a plain call, a conditional, a helper's keyword, a positional code, a built prefix
    for code in (
        "reports.jobs.cleaned",
        "accounts.user.deactivated",
        "org.person.updated",
        "assessments.round.appraisal_1_closed",
        "dossiers.procedure.created",
        "dossiers.petition.updated",
        "assessments.item.appraised_2",
    ):
        assert code in codes


def test_the_office_reads_the_cleanup_of_report_files_in_words(world: Any) -> None:
    from chiso.reports.jobs import clean_up_expired

    clean_up_expired(actor=None)

    page = client_for(world.tuan).get(reverse("audit:list")).content.decode()
    assert "Dọn tệp báo cáo hết hạn" in page
    assert ">reports.jobs.cleaned<" not in page  # as text; the filter option keeps it as value
