"""Template context shared by every page: the navigation the current user may use."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_info

from chiso.accounts import scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    roles = scope.roles(user)
    return {
        "province_name": settings.PROVINCE_NAME,
        "is_reform_office": scope.is_reform_office(user),
        "sees_whole_province": scope.sees_whole_province(user),
        "user_roles": roles,
        "is_agency_user": "focal_officer" in roles or "agency_leader" in roles,
        "language_choices": language_choices(),
    }


def language_choices() -> list[tuple[str, str]]:
    """(code, name) of each language in its own name: "Tiếng Việt", "English". Django's name
    is decomposed (e + combining marks); composed text searches and reads as typed."""
    return [
        (code, unicodedata.normalize("NFC", get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]
