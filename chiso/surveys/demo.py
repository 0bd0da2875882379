"""The demo's 2024 satisfaction survey: both questionnaires, four departments, answers on
both channels through the real paths (open link section by section; paper forms keyed twice
by two operators, one mismatch left for reconciliation). Deterministic (seeded).

The campaign is left collecting answers: closing it writes 2024 survey facts, which would
change the demo's 2024 round; a visitor closes it to see that happen.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User

from chiso.accounts import actions as accounts
from chiso.accounts.models import Role
from chiso.org.models import Agency
from chiso.surveys import actions
from chiso.surveys.answers import format_answer
from chiso.surveys.models import Campaign, Questionnaire
from chiso.surveys.spec import Questionnaire as Spec

SEED = 2024
NAME = "Khảo sát sự hài lòng năm 2024"
AGENCIES = ["stp", "skhdt", "stc", "sct"]
# agency → probability that a citizen is satisfied (4 or 5) with any one question
MOOD = {"stp": 0.86, "skhdt": 0.78, "stc": 0.7, "sct": 0.62}
ONLINE_PER_AGENCY = 12
PAPER_PER_AGENCY = 6
LEADERS_PER_AGENCY = 5
SECOND_OPERATOR = ("thu", "Đỗ Thị Thu")


def _answers(spec: Spec, rng: random.Random, mood: float, group: str) -> dict[str, Any]:
    """A plausible respondent of ``group``: scale answers drawn around the agency's mood; the
    question asking the respondent's group says ``group`` (another is refused, review s7)."""
    raw: dict[str, Any] = {}
    for q in spec.questions():
        if not q.asked(raw):
            continue
        if q.type == "scale":
            if rng.random() < 0.04:
                raw[q.code] = 0
            elif rng.random() < mood:
                raw[q.code] = rng.choice((4, 4, 5))
            else:
                raw[q.code] = rng.choice((1, 2, 3, 3))
        elif q.type == "single":
            # Drawn even when the group decides, so the other answers stay as they were.
            drawn = q.options[0].value if rng.random() < 0.75 else q.options[-1].value
            fixed = q.answer_for_group(group)
            raw[q.code] = drawn if fixed is None else fixed
        elif q.type in ("multiple", "priority"):
            count = rng.randint(1, q.max_choices or 1)
            raw[q.code] = sorted(rng.sample([o.value for o in q.options], count))
        elif q.type == "number":
            raw[q.code] = rng.choice((1, 1, 1, 2, 2, 3))
    return raw


def _as_raw(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in answers.items()}


def _second_operator() -> Any:
    username, full_name = SECOND_OPERATOR
    user = User.objects.filter(username=username).first()
    if user is None:
        from chiso.demo.build import DEMO_PASSWORD, demo_email

        user = accounts.create_user(
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            actor=None,
            email=demo_email(username),
        )
    accounts.grant_role(user, Role.SURVEY_OPERATOR, agency=None, actor=None)
    return user


def build_surveys(progress: Callable[[str], Any]) -> Campaign:
    """Create (or find) the demo campaign of 2024 with its responses."""
    existing = Campaign.objects.filter(year=2024, name=NAME).first()
    if existing is not None:
        progress("  khảo sát 2024: đã có")
        return existing
    shipped = {q.code: q for q in actions.ship_templates()}
    sipas, leaders = shipped["sipas-nguoi-dan"], shipped["lanh-dao-cchc"]
    agencies = [Agency.objects.get(code=code) for code in AGENCIES]
    campaign = actions.create_campaign(
        actor=None,
        year=2024,
        name=NAME,
        questionnaires=[sipas, leaders],
        agencies=agencies,
        open_questionnaire=sipas,
        seed=SEED,
    )
    actions.open_campaign(campaign, actor=None)
    campaign.refresh_from_db()
    rng = random.Random(SEED)
    mai, thu = User.objects.get(username="mai"), _second_operator()
    for n, agency in enumerate(agencies):
        for group, channel, target in (
            ("citizen", "online", ONLINE_PER_AGENCY),
            ("citizen", "paper", PAPER_PER_AGENCY),
            ("council_delegate", "online", LEADERS_PER_AGENCY),
        ):
            actions.set_quota(
                campaign, actor=None, agency=agency, group=group, channel=channel, target=target
            )
        _online(campaign, agency, sipas, rng, n)
        _paper(campaign, agency, sipas, rng, mai, thu, mismatch=(n == 0))
        _leaders(campaign, agency, leaders, rng)
    progress(f"  khảo sát 2024: {campaign.responses.count()} phiếu")
    return campaign


def _fill(response: Any, spec: Spec, raw: dict[str, Any]) -> None:
    for i, section in enumerate(spec.sections):
        actions.save_section(response, i, {q.code: raw.get(q.code, "") for q in section.questions})
    actions.submit_response(response)


def _online(
    campaign: Campaign, agency: Agency, sipas: Questionnaire, rng: random.Random, n: int
) -> None:
    spec = sipas.spec
    for i in range(ONLINE_PER_AGENCY - n * 2):  # the later agencies lag behind their quota
        response = actions.start_open_response(
            campaign, agency=agency, group="citizen", ip=f"192.0.2.{n * 20 + i}"
        )
        _fill(response, spec, _as_raw(_answers(spec, rng, MOOD[agency.code], "citizen")))


def _paper(
    campaign: Campaign,
    agency: Agency,
    sipas: Questionnaire,
    rng: random.Random,
    mai: Any,
    thu: Any,
    *,
    mismatch: bool,
) -> None:
    spec = sipas.spec
    forms = actions.issue_invitations(
        campaign,
        actor=None,
        agency=agency,
        group="citizen",
        channel="paper",
        count=PAPER_PER_AGENCY,
        questionnaire=sipas,
    )
    for i, form in enumerate(forms[:-1]):  # the last form has not come back from the post
        answers = _answers(spec, rng, MOOD[agency.code], "citizen")
        raw = {k: format_answer(v) for k, v in answers.items()}
        actions.key_form(
            campaign, actor=mai, agency=agency, number=form.form_number, raw=raw, seconds=95
        )
        if mismatch and i == 0:
            raw = {**raw, "tt_phi": "2" if raw.get("tt_phi") != "2" else "4"}  # a slip
        actions.key_form(
            campaign, actor=thu, agency=agency, number=form.form_number, raw=raw, seconds=80
        )


def _leaders(
    campaign: Campaign, agency: Agency, leaders: Questionnaire, rng: random.Random
) -> None:
    spec = leaders.spec
    forms = actions.issue_invitations(
        campaign,
        actor=None,
        agency=agency,
        group="council_delegate",
        channel="online",
        count=LEADERS_PER_AGENCY,
        questionnaire=leaders,
    )
    for form in forms[:-1]:
        response = actions.response_for_token(form.token)
        assert response is not None
        _fill(
            response,
            spec,
            _as_raw(_answers(spec, rng, MOOD[agency.code] + 0.05, "council_delegate")),
        )
