"""Review s5-2, L7: after an unreadable answer the cursor is on the first marked question, so
that a keyboard-only operator corrects it at once instead of Tabbing from the form number."""

from __future__ import annotations

from typing import Any

import pytest

from tests.surveys.conftest import sipas_answers


@pytest.mark.browser
def test_mai_lands_on_the_unreadable_answer(
    page: Any, transactional_db: Any, live_server: Any, world: Any, campaign: Any
) -> None:
    from playwright.sync_api import expect

    from tests.surveys.test_browser import open_paper_entry, shot

    form = open_paper_entry(page, str(live_server.url), world, campaign)
    page.get_by_label("Số phiếu (Sở Tư pháp)").fill(form.form_number)
    # A forgotten Tab: "4" and "4" typed into the same box.
    for code, value in sipas_answers(tc_noi_lam_viec="44").items():
        box = page.locator(f"#k_{code}")
        if box.count():
            box.fill(",".join(value) if isinstance(value, list) else value)
    page.locator("#k_hai_long_chung").press("Enter")

    marked = page.locator("#k_tc_noi_lam_viec")
    expect(marked).to_have_class(r"form-control form-control-sm is-invalid")
    expect(marked).to_be_focused()
    expect(page.locator("#form_number")).not_to_be_focused()
    shot(page, "survey-keying-unreadable-focus")
    assert not form.entries.exists()
