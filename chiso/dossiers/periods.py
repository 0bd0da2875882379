"""Reading the period a dossier page is asked for, as people write it.

The pages' canonical forms are ``2024``, ``2024-Q4`` and ``2024-11``
(:func:`chiso.dossiers.scorecard.parse_period`): links, query strings and the API keep them.
People type what Vietnamese reports print: ``11/2024``, ``T11/2024``, ``Tháng 11/2024``,
``Q4/2024``, ``Quý 4/2024``, ``Quý IV/2024``, ``2024-q4``; :func:`normalise` turns those into the
canonical form, and :func:`display` writes a period back the way people read it ("Quý 4/2024",
"11/2024", "2024"; in English "Q4 2024"). :func:`read_period` also refuses a year outside the
working calendar (:mod:`chiso.dossiers.workcalendar` covers ``FIRST_YEAR``–``LAST_YEAR``;
counting working time outside it is impossible).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chiso.dossiers.scorecard import Period, PeriodError, parse_period
from chiso.dossiers.workcalendar import FIRST_YEAR, LAST_YEAR

ROMAN_QUARTERS = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_SEP = r"\s*[/\-.\s]\s*"
# Month then year: 11/2024, 11-2024, T11/2024, Tháng 11/2024 (accents already stripped).
_MONTH_YEAR = re.compile(rf"^(?:thang|t)?\s*(\d{{1,2}}){_SEP}(\d{{4}})$")
# Year then month: 2024/11, 2024-11, 2024.11.
_YEAR_MONTH = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})$")
# Quarter then year: Q4/2024, Quý 4/2024, Quý IV - 2024, q4 2024.
_QUARTER_YEAR = re.compile(rf"^(?:quy|q)\s*([1-4]|iv|iii|ii|i){_SEP}(\d{{4}})$")
# Year then quarter: 2024-Q4, 2024/q4, 2024 Quý 4.
_YEAR_QUARTER = re.compile(rf"^(\d{{4}}){_SEP}(?:quy|q)\s*([1-4]|iv|iii|ii|i)$")
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")


def _plain(text: str) -> str:
    """Lower case without Vietnamese accents (``Quý`` → ``quy``, ``Tháng`` → ``thang``)."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str | None:
    """The canonical form of a period written the natural way, or None when it is none."""
    plain = _plain(text)
    if m := _YEAR.match(plain):
        return m.group(1)
    if m := _MONTH_YEAR.match(plain):
        month, year = m.groups()
    elif m := _YEAR_MONTH.match(plain):
        year, month = m.groups()
    elif m := _QUARTER_YEAR.match(plain):
        return f"{m.group(2)}-Q{ROMAN_QUARTERS.get(m.group(1), m.group(1))}"
    elif m := _YEAR_QUARTER.match(plain):
        return f"{m.group(1)}-Q{ROMAN_QUARTERS.get(m.group(2), m.group(2))}"
    else:
        return None
    return f"{year}-{int(month):02d}" if 1 <= int(month) <= 12 else None


_CANONICAL = re.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{2}))?$")


def display(canonical: str) -> str:
    """A canonical period as people read it in the active language: ``2024-Q4`` is "Quý 4/2024"
    ("Q4 2024" in English), ``2024-11`` is "11/2024", ``2024`` stays; :func:`normalise` reads
    each back. Anything else is returned as it is."""
    m = _CANONICAL.match(canonical.strip())
    if not m:
        return canonical
    year, quarter, month = m.groups()
    if quarter:
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    if month:
        return f"{month}/{year}"
    return year


class PeriodInputError(ValueError):
    """A period the user typed that the pages cannot show; ``str()`` is the message."""


def accepted_forms() -> str:
    return _(
        "write a year (2024), a quarter (2024-Q4, Q4/2024 or Quý 4/2024) or a month "
        "(2024-11 or 11/2024)"
    )


def parse_user_period(text: str) -> Period:
    """The :class:`Period` of ``text`` in any accepted form; raises :class:`PeriodInputError`
    with a message naming the accepted forms, or the calendar's years."""
    canonical = normalise(text)
    try:
        period = parse_period(canonical or "")
    except PeriodError:
        raise PeriodInputError(
            _("“%(value)s” is not a period: %(forms)s.")
            % {"value": text, "forms": accepted_forms()}
        ) from None
    if not FIRST_YEAR <= period.year <= LAST_YEAR:
        raise PeriodInputError(
            _(
                "%(year)s is outside the working calendar: dossiers can be shown for the years "
                "%(first)s to %(last)s."
            )
            % {"year": period.year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return period


@dataclass(frozen=True)
class PeriodChoice:
    """The period a page shows and, when the one asked for was refused, why (the page then
    shows the default period and the message next to the period field)."""

    period: Period
    error: str = ""
    typed: str = ""


def read_period(text: str | None, default_year: Callable[[], int]) -> PeriodChoice:
    """The period asked for (empty: the default year), or the default year with the error.
    ``default_year`` is called only when needed (it queries the database)."""
    typed = (text or "").strip()
    if typed:
        try:
            return PeriodChoice(parse_user_period(typed))
        except PeriodInputError as e:
            return PeriodChoice(parse_period(str(default_year())), str(e), typed)
    return PeriodChoice(parse_period(str(default_year())))
