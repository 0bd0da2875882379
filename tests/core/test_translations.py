"""The Vietnamese catalogues are complete and their compiled .mo files are current."""

from __future__ import annotations

from pathlib import Path

import polib

CHISO = Path(__file__).resolve().parents[2] / "chiso"
CATALOGUES = sorted(CHISO.glob("*/locale/vi/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_catalogue() -> None:
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {
        "core",
        "accounts",
        "audit",
        "org",
        "frameworks",
        "results",
        "api",
        "facts",
        "public",
        "reports",
    } <= apps
    assert {"assessments", "notifications", "dossiers", "surveys", "plans"} <= apps


def test_no_entry_is_untranslated_or_fuzzy() -> None:
    missing = [
        f"{path.relative_to(CHISO)}: {entry.msgid!r}"
        for path in CATALOGUES
        for entry in polib.pofile(str(path)).untranslated_entries()
        + polib.pofile(str(path)).fuzzy_entries()
    ]
    assert missing == []


def test_compiled_catalogues_match_the_sources() -> None:
    stale = []
    for path in CATALOGUES:
        mo = path.with_suffix(".mo")
        source = {
            (e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path)).translated_entries()
        }
        compiled = (
            {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo))} if mo.exists() else {}
        )
        if any(compiled.get(key) != value for key, value in source.items()):
            stale.append(str(mo.relative_to(CHISO)))
    assert stale == [], "run scripts/po compile"


def test_a_text_reads_the_same_in_every_app() -> None:
    """Django merges the apps' catalogues and the first app listed wins, so one English text
    translated two ways shows the other app's words on a page. Use a context or another text."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)).translated_entries():
            seen.setdefault((entry.msgctxt, entry.msgid), {})[path.parts[-5]] = entry.msgstr
    clashes = {key[1]: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert clashes == {}
