"""Printable paper forms for the collecting unit: one A4 form per respondent, with its form
number printed and encoded in a QR code (segno, pure Python) for keying."""

from __future__ import annotations

import segno
from django.conf import settings

from chiso.reports.pdf import render_pdf
from chiso.surveys.models import Invitation
from chiso.surveys.spec import SCALE_LABELS


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as a data URI (SVG), which WeasyPrint draws sharply."""
    return segno.make(text, error="m").svg_data_uri(scale=3, border=1)


def paper_forms_pdf(forms: list[Invitation]) -> bytes:
    """One PDF with every form of ``forms`` (each starts on a new page)."""
    pages = []
    for form in forms:
        pages.append(
            {
                "form": form,
                "spec": form.questionnaire.spec,
                "qr": qr_svg(form.form_number),
            }
        )
    scale = [(v, SCALE_LABELS[v][0]) for v in (1, 2, 3, 4, 5, 0)]
    return render_pdf("surveys/paper_forms.html", {"pages": pages, "scale": scale})


def invitation_url(invitation: Invitation) -> str:
    return f"{settings.CHISO_BASE_URL.rstrip('/')}/khao-sat/{invitation.token}/"


def invitation_slips_pdf(invitations: list[Invitation]) -> bytes:
    """Slips to hand or mail to invited respondents: the link and its QR code, one per person
    (the token is the respondent's key: print for the reform office only)."""
    slips = [
        {"invitation": i, "url": invitation_url(i), "qr": qr_svg(invitation_url(i))}
        for i in invitations
    ]
    return render_pdf("surveys/invitation_slips.html", {"slips": slips})
