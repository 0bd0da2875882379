"""The demo's 2024 survey is built quickly, deterministically, on both channels."""

from __future__ import annotations

import time
from typing import Any

from chiso.surveys.models import Channel, Response


def test_the_demo_campaign_is_fast_with_both_channels_and_a_mismatch(db: Any) -> None:
    # The registry and users of the demo, without its (slow) results and rounds.
    from chiso.demo.build import _agencies, _agency_types, _users
    from chiso.surveys.demo import build_surveys
    from chiso.surveys.queries import mismatched_forms

    _users(_agencies(_agency_types()))
    start = time.monotonic()
    campaign = build_surveys(lambda _: None)
    assert time.monotonic() - start < 10
    assert build_surveys(lambda _: None) == campaign  # a second run finds it
    counted = Response.objects.filter(campaign=campaign, status="submitted")
    # open link 12, 10, 8, 6 per agency + 4 council delegates each
    assert counted.filter(channel=Channel.ONLINE).count() == 12 + 10 + 8 + 6 + 4 * 4
    assert counted.filter(channel=Channel.PAPER).count() == 4 * 5 - 1  # one mismatch waits
    assert [f.agency.code for f in mismatched_forms(campaign)] == ["stp"]
    assert campaign.status == "open"
