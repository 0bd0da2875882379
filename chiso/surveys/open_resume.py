"""Coming back to a form started through a campaign's open link (review s8, finding 7).

The open link (and its QR code) is the same for everyone, so the form a respondent started
lives at its own address (``/khao-sat/<token>/``). A citizen who scans the QR code again only
has the open link: the browser keeps the token of the form it started in a signed cookie,
and the open link sends it back to that form while it is not sent.

Privacy: the cookie holds only the form's token (signed, so it cannot be forged to reach
another form), is sent only to this campaign's open link (its path), never to scripts
(HttpOnly) nor on requests from other sites (SameSite=Lax), only over HTTPS in production
(settings.SESSION_COOKIE_SECURE), and it is read only while the campaign collects answers.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from chiso.surveys.models import Campaign, Response

COOKIE = "chiso_survey_form"
SALT = "chiso.surveys.open_resume"
# A campaign has no end date in chiso (it collects answers until the office closes it): the
# cookie lives 60 days, far longer than anyone takes to finish a form, and it is never used
# after the campaign, whose open link then answers 404.
LIFETIME = timedelta(days=60)


def _path(campaign: Campaign) -> str:
    return reverse("survey_form:open", args=[campaign.open_code])


def remember(http: HttpResponse, response: Response) -> None:
    """Keep ``response``'s token in the browser that started it on the open link."""
    http.set_signed_cookie(
        COOKIE,
        response.token,
        salt=SALT,
        max_age=int(LIFETIME.total_seconds()),
        path=_path(response.campaign),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembered(request: HttpRequest, campaign: Campaign) -> Response | None:
    """The form this browser started on ``campaign``'s open link, if any (sent or not).
    A cookie that is forged, too old, or names a form of another campaign gives None."""
    token = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=LIFETIME)
    if not token:
        return None
    return (
        Response.objects.filter(token=token, campaign=campaign, open_link=True)
        .only("token", "status", "campaign_id")
        .first()
    )
