"""Sample frames drawn from dossier applicants: reproducible, one contact per person, quotas,
the formula, the audit row without contact data, the page and the CLI."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from chiso.audit.models import AuditEvent
from chiso.dossiers.models import Applicant, Dossier, Procedure
from chiso.surveys.actions import SurveyError, close_campaign, set_quota
from chiso.surveys.actions.sampling import draw_from_dossiers, phone_key
from chiso.surveys.models import Contact, Invitation
from tests.conftest import PASSWORD

JAN_1, JAN_31 = datetime.date(2024, 1, 1), datetime.date(2024, 1, 31)


def lodge(
    procedure: Procedure,
    agency: Any,
    code: str,
    *,
    day: int = 10,
    month: int = 1,
    kind: int = Applicant.Kind.CITIZEN,
    name: str = "",
    phone: str = "",
    email: str = "",
    at: datetime.datetime | None = None,
) -> Dossier:
    """A dossier received on ``day``/``month``/2024 at 09:00, or at the aware moment ``at``,
    and its applicant."""
    received = at or timezone.make_aware(datetime.datetime(2024, month, day, 9))
    dossier = Dossier.objects.create(
        code=code,
        agency=agency,
        procedure=procedure,
        field_code="LLTP",
        status=10,
        channel=1,
        received_at=received,
        counted_on=received.date(),
    )
    Applicant.objects.create(
        dossier=dossier, kind=kind, name=name or f"Người {code}", phone=phone, email=email
    )
    return dossier


def citizens(procedure: Procedure, agency: Any, count: int, prefix: str = "STP") -> None:
    for i in range(count):
        lodge(procedure, agency, f"{prefix}-{i:04d}", phone=f"09{i:08d}")


def drawn_names(campaign: Any, agency: Any, group: str = "citizen") -> list[str]:
    return sorted(
        Contact.objects.filter(campaign=campaign, agency=agency, group=group).values_list(
            "full_name", flat=True
        )
    )


def test_the_same_seed_and_dossiers_give_the_same_people(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    citizens(procedure, world.stp, 40)
    draw_from_dossiers(
        campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan, per_cell=10
    )
    first = drawn_names(campaign, world.stp)
    assert len(first) == 10
    Contact.objects.all().delete()
    Invitation.objects.all().delete()
    # The dossiers again, created in reverse order: database order must not matter.
    Dossier.objects.all().delete()
    for i in reversed(range(40)):
        lodge(procedure, world.stp, f"STP-{i:04d}", phone=f"09{i:08d}")
    draw_from_dossiers(
        campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan, per_cell=10
    )
    assert drawn_names(campaign, world.stp) == first


def test_another_seed_draws_other_people(world: Any, campaign: Any, procedure: Procedure) -> None:
    citizens(procedure, world.stp, 40)
    draw_from_dossiers(
        campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan, per_cell=10
    )
    first = drawn_names(campaign, world.stp)
    Invitation.objects.all().delete()
    Contact.objects.all().delete()
    campaign.seed = 7
    campaign.save()
    draw_from_dossiers(
        campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan, per_cell=10
    )
    assert drawn_names(campaign, world.stp) != first


def test_one_person_with_several_dossiers_is_drawn_once(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    lodge(procedure, world.stp, "A-1", name="Lê Văn An", phone="0912 345 678")
    lodge(procedure, world.stp, "A-2", name="Lê Văn An", phone="+84 912 345 678")
    lodge(procedure, world.stp, "A-3", name="Lê V. An", phone="0987000000", email="an@x.vn")
    lodge(procedure, world.stp, "A-4", name="An Lê", email="AN@X.VN ")
    lodge(procedure, world.stp, "B-1", name="Trần Thị Bình", email="binh@x.vn")
    draw_from_dossiers(
        campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan, per_cell=50
    )
    # share a phone, A-3/A-4 an e-mail: the earliest dossier code of each is kept.
    assert drawn_names(campaign, world.stp) == ["Lê V. An", "Lê Văn An", "Trần Thị Bình"]
    contact = Contact.objects.get(full_name="Lê Văn An")
    assert contact.phone == "0912345678"
    assert contact.source == "Hồ sơ TTHC 01/01/2024–31/01/2024"
    assert contact.invitation.channel == "online"


def test_applicants_without_phone_or_email_and_outside_the_period_are_skipped(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    lodge(procedure, world.stp, "N-1", name="Không liên lạc")
    lodge(procedure, world.stp, "N-2", name="Số sai", phone="12")
    lodge(procedure, world.stp, "N-3", name="Tháng hai", phone="0911111111", month=2)
    lodge(procedure, world.stp, "N-4", name="Có số", phone="0922222222", day=31)
    draw = draw_from_dossiers(
        campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan, per_cell=50
    )
    assert drawn_names(campaign, world.stp) == ["Có số"]
    stp_citizens = next(s for s in draw.strata if s.agency == world.stp and s.group == "citizen")
    assert (stp_citizens.population, stp_citizens.reachable, stp_citizens.short) == (3, 1, 49)


def test_quota_decides_how_many_and_organisations_are_their_own_group(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    citizens(procedure, world.stp, 30)
    for i in range(6):
        lodge(
            procedure,
            world.stp,
            f"ORG-{i}",
            kind=Applicant.Kind.ORGANISATION,
            name=f"Công ty {i}",
            email=f"cty{i}@x.vn",
        )
    set_quota(
        campaign, actor=world.tuan, agency=world.stp, group="citizen", channel="online", target=12
    )
    set_quota(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="organisation",
        channel="online",
        target=4,
    )
    draw_from_dossiers(campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan)
    assert len(drawn_names(campaign, world.stp)) == 12
    assert all(n.startswith("Công ty") for n in drawn_names(campaign, world.stp, "organisation"))
    assert len(drawn_names(campaign, world.stp, "organisation")) == 4
    # Run again: the cells already have what they want, nobody is added.
    again = draw_from_dossiers(campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan)
    assert again.drawn == 0 and Contact.objects.count() == 16
    # A larger quota tops the cell up with other people.
    set_quota(
        campaign, actor=world.tuan, agency=world.stp, group="citizen", channel="online", target=15
    )
    draw_from_dossiers(campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan)
    phones = list(Contact.objects.filter(group="citizen").values_list("phone", flat=True))
    assert len(phones) == 15 == len(set(phones))


def test_without_quota_the_formula_sets_the_sample_size(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    citizens(procedure, world.stp, 60)
    draw = draw_from_dossiers(campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan)
    cell = next(s for s in draw.strata if s.agency == world.stp and s.group == "citizen")
    # n = 60 / (1 + 60 × 0.05²) = 52.17… → 53
    assert (cell.population, cell.suggested, cell.drawn) == (60, 53, 53)
    assert Invitation.objects.filter(agency=world.stp, contact__isnull=False).count() == 53


def test_the_audit_row_has_counts_and_no_contact_data(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    lodge(procedure, world.stp, "P-1", name="Phan Văn Riêng", phone="0933333333", email="r@x.vn")
    draw_from_dossiers(
        campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan, per_cell=5
    )
    event = AuditEvent.objects.get(action="surveys.contacts.drawn_from_dossiers")
    text = json.dumps(event.data, ensure_ascii=False)
    assert event.data["drawn"] == 1 and event.actor == world.tuan
    assert "Riêng" not in text and "0933333333" not in text and "r@x.vn" not in text


def test_a_closed_campaign_and_a_backwards_period_are_refused(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    with pytest.raises(SurveyError, match="kết thúc trước"):
        draw_from_dossiers(campaign, period_first=JAN_31, period_last=JAN_1, actor=world.tuan)
    close_campaign(campaign, actor=world.tuan)
    with pytest.raises(SurveyError):
        draw_from_dossiers(campaign, period_first=JAN_1, period_last=JAN_31, actor=world.tuan)


def test_only_the_reform_office_may_draw(world: Any, campaign: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for name in ("lan", "nam", "minh", "hanh", "mai", "khach"):
        with pytest.raises(PermissionDenied):
            draw_from_dossiers(
                campaign, period_first=JAN_1, period_last=JAN_31, actor=world.users[name]
            )


def test_phone_numbers_are_compared_in_national_form() -> None:
    assert phone_key("+84 912-345-678") == phone_key("0912.345.678") == "0912345678"
    assert phone_key("113") == ""


# -- the page and the CLI ---------------------------------------------------------------------

PAGE_MATRIX = {
    "tuan": 200,
    "lan": 403,
    "nam": 403,
    "minh": 403,
    "hanh": 403,
    "mai": 403,
    "khach": 403,
}


@pytest.mark.parametrize("name", PAGE_MATRIX)
def test_who_sees_the_draw_page(world: Any, campaign: Any, procedure: Procedure, name: str) -> None:
    lodge(procedure, world.stp, "S-1", name="Bí Mật", phone="0944444444")
    client = Client()
    assert client.login(username=name, password=PASSWORD)
    url = f"/surveys/{campaign.pk}/draw-dossiers/?period_first=01/01/2024&period_last=31/01/2024"
    page = client.get(url)
    assert page.status_code == PAGE_MATRIX[name]
    posted = client.post(
        f"/surveys/{campaign.pk}/draw-dossiers/",
        {"period_first": "01/01/2024", "period_last": "31/01/2024", "per_cell": "1"},
    )
    assert posted.status_code == (302 if name == "tuan" else 403)
    assert Contact.objects.exists() == (name == "tuan")
    if name == "tuan":
        detail = client.get(f"/surveys/{campaign.pk}/").content.decode()
        assert f"/surveys/{campaign.pk}/draw-dossiers/" in detail
        assert f"/surveys/{campaign.pk}/send/" in detail
        # The page shows counts and the formula, never the people.
        html = page.content.decode()
        assert "n = 1 / (1 + 1 × 0.050²) ≈ 1" in html or "n = 1 / (1 + 1 × 0,050²) ≈ 1" in html
        assert "Bí Mật" not in html and "0944444444" not in html


def test_the_reform_office_previews_then_draws_in_the_browser_form(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    citizens(procedure, world.stp, 20)
    client = Client()
    client.login(username="tuan", password=PASSWORD)
    base = f"/surveys/{campaign.pk}/draw-dossiers/"
    preview = client.get(base, {"period_first": "01/01/2024", "period_last": "31/01/2024"})
    html = preview.content.decode()
    # N = 20 → n = 20 / 1.05 = 19.05 → 20
    assert "≈ 20" in html and Contact.objects.count() == 0
    done = client.post(
        base,
        {"period_first": "01/01/2024", "period_last": "31/01/2024", "per_cell": ""},
        follow=True,
    )
    assert Contact.objects.count() == 20
    assert "20" in done.content.decode()
    bad = client.get(base, {"period_first": "31/02/2024", "period_last": "x"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()


def test_the_cli_draws_and_prints_counts_only(
    world: Any, campaign: Any, procedure: Procedure
) -> None:
    lodge(procedure, world.stp, "C-1", name="Đinh Thị Kín", phone="0955555555")
    out = StringIO()
    call_command(
        "survey",
        "draw-dossiers",
        "--campaign",
        str(campaign.pk),
        "--from",
        "01/01/2024",
        "--to",
        "31/01/2024",
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["drawn"] == 1
    cell = next(s for s in report["strata"] if s["agency"] == "stp" and s["group"] == "citizen")
    assert (cell["N"], cell["n"], cell["drawn"]) == (1, 1, 1)
    assert "Kín" not in out.getvalue() and "0955555555" not in out.getvalue()
