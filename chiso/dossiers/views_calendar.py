"""The working calendar page (``/dossiers/calendar/?year=2025``) and the recompute page
(``/dossiers/recompute/``).

The calendar is public information: every user with a role reads the year's days that are not
ordinary (public holidays and days off in lieu from ``holidays.VN``, the announced swaps
shipped in ``ANNOUNCED_SWAPS``, the local ``CalendarDay`` rows with who wrote them), the office
hours and the working days of each month. Only the reform office changes a day
(:func:`chiso.dossiers.actions.set_calendar_day`) and recomputes the dossiers in the background
(:mod:`chiso.dossiers.jobs`); the recompute page and its progress are the reform office's only.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import holidays
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import scope
from chiso.audit.models import AuditEvent
from chiso.dossiers import jobs
from chiso.dossiers.actions import CalendarDayRefused, request_recompute, set_calendar_day
from chiso.dossiers.conf import current_calendar
from chiso.dossiers.models import CalendarDay, RecomputeJob
from chiso.dossiers.workcalendar import ANNOUNCED_SWAPS, FIRST_YEAR, LAST_YEAR

# What a day is, as the calendar counts it now (see _kind).
HOLIDAY = gettext_lazy("Public holiday")
IN_LIEU = gettext_lazy("Day off in lieu")
WORKED = gettext_lazy("Working day in exchange")
EXTRA_OFF = gettext_lazy("Extra day off")
NO_CHANGE = gettext_lazy("Ordinary day (declared, changes nothing)")
# The choices of the form, as set_calendar_day takes them.
DAY_CHOICES: dict[str, bool | None] = {"working": True, "off": False, "ordinary": None}
RECENT_JOBS = 10


@dataclass(frozen=True)
class SpecialDay:
    """A day of the year that is not ordinary, or that a local row names."""

    date: datetime.date
    working: bool  # as the calendar counts it now
    kind: Promise
    source: str
    note: str
    local: bool  # a CalendarDay row (the reform office may set it back to ordinary)


def _holiday_language() -> str:
    return "en_US" if (get_language() or "vi").startswith("en") else "vi"


_US_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


def _holiday_name(name: str, language: str) -> str:
    """A holiday's name as the page writes dates (dd/mm/yyyy): the package's en_US names give
    the worked Saturday of a swap as mm/dd/yyyy ("Day off (substituted from 05/04/2024)"),
    which a reader of this page takes for 5 April (review s5-2, M2)."""
    return _US_DATE.sub(r"\2/\1/\3", name) if language == "en_US" else name


def _in_lieu(day: datetime.date, names_en: Any, strict: Any) -> bool:
    """A day off in lieu: a holiday moved off a weekend (``holidays`` lists it only when its
    observed days are asked for) or the day off of an announced swap, which holidays 0.109
    marks by its label only ("Day off (substituted from …)")."""
    return day not in strict or str(names_en.get(day, "")).startswith("Day off (substituted")


def _provenance(rows: list[CalendarDay]) -> dict[int, AuditEvent]:
    """The latest audit row that set each local row (one query)."""
    events = AuditEvent.objects.filter(
        action="dossiers.calendar.set",
        object_type=CalendarDay._meta.label_lower,
        object_id__in=[str(r.pk) for r in rows],
    ).select_related("actor")
    latest: dict[int, AuditEvent] = {}
    for event in events.order_by("at", "id"):
        latest[int(event.object_id)] = event
    return latest


def _source(row: CalendarDay | None, event: AuditEvent | None, shipped: bool | None) -> str:
    if event is not None:
        who = (event.actor.get_full_name() if event.actor else "") or event.actor_label
        when = timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M")
        return _("Set by %(who)s on %(when)s") % {"who": who, "when": when}
    if row is not None and shipped != row.is_working:
        return _("Local entry (no audit row)")
    if shipped is not None:
        return _("Announced swap shipped with chiso")
    return _("National public holidays (Labour Code 2019, Article 112)")


def _kind(day: datetime.date, working: bool, public: Any, in_lieu: bool) -> Promise:
    ordinary = day.weekday() < 5 and day not in public
    if working and not ordinary:
        return WORKED
    if not working and day in public:
        return IN_LIEU if in_lieu else HOLIDAY
    if not working and ordinary:
        return EXTRA_OFF
    return NO_CHANGE


def special_days(year: int) -> list[SpecialDay]:
    """The year's public holidays, shipped swaps and local rows, in date order."""
    calendar = current_calendar()
    language = _holiday_language()
    public = holidays.country_holidays("VN", years=year, language=language)
    names_en = holidays.country_holidays("VN", years=year, language="en_US")
    strict = holidays.country_holidays("VN", years=year, observed=False)
    shipped = {d: w for d, w in ANNOUNCED_SWAPS if d.year == year}
    local = {r.date: r for r in CalendarDay.objects.filter(date__year=year)}
    events = _provenance(list(local.values()))
    shipped_note = _("Worked in exchange for a bridge day off announced by the government")
    out = []
    for day in sorted(set(public) | set(shipped) | set(local)):
        row = local.get(day)
        event = events.get(row.pk) if row is not None else None
        working = calendar.is_working_day(day)
        note = (row.note if row else "") or _holiday_name(public.get(day, ""), language)
        if not note and day in shipped:
            note = shipped_note
        out.append(
            SpecialDay(
                date=day,
                working=working,
                kind=_kind(day, working, public, _in_lieu(day, names_en, strict)),
                source=_source(row, event, shipped.get(day)),
                note=str(note),
                local=row is not None,
            )
        )
    return out


def working_days_by_month(year: int) -> list[tuple[datetime.date, int]]:
    """(first day of the month, working days in it) for the twelve months of ``year``."""
    calendar = current_calendar()
    counts = []
    for month in range(1, 13):
        first = datetime.date(year, month, 1)
        day, count = first, 0
        while day.month == month:
            count += calendar.is_working_day(day)
            day += datetime.timedelta(days=1)
        counts.append((first, count))
    return counts


class DayForm(forms.Form):
    """A day to set: its date as people write it (dd/mm/yyyy), what it becomes, a note."""

    date = forms.CharField(required=False)
    kind = forms.CharField(required=False)
    note = forms.CharField(required=False)

    def clean_date(self) -> datetime.date:
        text = self.cleaned_data["date"].strip()
        if not text:
            raise forms.ValidationError(_("Enter the date as dd/mm/yyyy."))
        try:
            return datetime.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 02/09/2025.")
                % {"value": text}
            ) from None

    def clean_kind(self) -> str:
        kind = str(self.cleaned_data["kind"])
        if kind not in DAY_CHOICES:
            raise forms.ValidationError(
                _(
                    "Choose whether the day is a working day, a day off or as the national "
                    "calendar says."
                )
            )
        return kind


def _year(request: HttpRequest) -> tuple[int, str]:
    """The year of ``?year=`` (default: this year) and the message when it is refused."""
    today = timezone.localdate().year
    text = request.GET.get("year", "").strip()
    if not text:
        return today, ""
    if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text), ""
    refused = _("“%(value)s” is not a year of the working calendar (%(first)s–%(last)s).")
    return today, refused % {"value": text, "first": FIRST_YEAR, "last": LAST_YEAR}


def _hours() -> dict[str, Any]:
    calendar = current_calendar()
    return {
        "sessions": calendar.sessions,
        "day_hours": calendar.day_minutes / 60,
        "cutoff": calendar.cutoff,
        "closing": calendar.sessions[-1][1],
        "hours_setting": getattr(settings, "DOSSIERS_OFFICE_HOURS", ""),
        "cutoff_setting": getattr(settings, "DOSSIERS_RECEIPT_CUTOFF", ""),
    }


def _calendar_page(
    request: HttpRequest, year: int, status: int = 200, **extra: Any
) -> HttpResponse:
    reform_office = scope.is_reform_office(request.user)
    months = working_days_by_month(year)
    context = {
        "year": year,
        "years": range(FIRST_YEAR, LAST_YEAR + 1),
        "days": special_days(year),
        "months": months,
        "year_total": sum(count for _first, count in months),
        **_hours(),
        "can_change": reform_office,
        "changed": jobs.calendar_changed_since_recompute(),
        "active_job": jobs.active_job(),
        "form": DayForm(),
        **extra,
    }
    return render(request, "dossiers/calendar.html", context, status=status)


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The year's special days, office hours and working days per month; the reform office
    also gets the form that changes a day."""
    scope.require_any_role(request.user)
    year, error = _year(request)
    return _calendar_page(request, year, 400 if error else 200, year_error=error)


_DONE_MESSAGES = {
    "working": gettext_lazy("%(date)s is now a working day."),
    "off": gettext_lazy("%(date)s is now a day off."),
    "ordinary": gettext_lazy(
        "The local entry of %(date)s is removed: the day follows the national holidays and the "
        "shipped swaps again."
    ),
}
_NOTHING_TO_REMOVE = gettext_lazy(
    "The province had no entry for %(date)s: nothing changed. The day follows the national "
    "holidays and the shipped swaps."
)


@login_required
@require_POST
def calendar_day(request: HttpRequest) -> HttpResponse:
    """Set one day (reform office only), then show its year again; a refused form is shown
    with its messages next to the fields and nothing written."""
    scope.require_reform_office(request.user)
    form = DayForm(request.POST)
    if form.is_valid():
        day, kind = form.cleaned_data["date"], form.cleaned_data["kind"]
        try:
            written = set_calendar_day(
                day,
                is_working=DAY_CHOICES[kind],
                note=form.cleaned_data["note"].strip(),
                actor=request.user,
            )
        except CalendarDayRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            if kind == "ordinary" and written is None:
                messages.info(request, _NOTHING_TO_REMOVE % {"date": f"{day:%d/%m/%Y}"})
            else:
                messages.success(request, _DONE_MESSAGES[kind] % {"date": f"{day:%d/%m/%Y}"})
            return redirect(f"{reverse('dossiers:calendar')}?year={day.year}")
    shown = form.cleaned_data.get("date")
    year = shown.year if shown and FIRST_YEAR <= shown.year <= LAST_YEAR else None
    return _calendar_page(
        request, year or timezone.localdate().year, 400, form=form, form_refused=True
    )


def _worded(*shown: RecomputeJob | None) -> None:
    """Give each job its failure in the reader's language (``error_text``, jobs.error_message)."""
    for job in shown:
        if job is not None:
            job.error_text = jobs.error_message(job)  # type: ignore[attr-defined]


@login_required
@require_GET
def recompute_page(request: HttpRequest) -> HttpResponse:
    """The job waiting or running (or the last one) with its progress, the recent jobs, the
    latest recompute of any origin and the two buttons. Reform office only."""
    scope.require_reform_office(request.user)
    jobs.fail_timed_out(actor=request.user)
    recent = list(RecomputeJob.objects.select_related("requested_by")[:RECENT_JOBS])
    job = jobs.active_job() or (recent[0] if recent else None)
    _worded(job, *recent)
    return render(
        request,
        "dossiers/recompute.html",
        {
            "job": job,
            "recent": recent,
            "last": jobs.last_recompute(),
            "changed": jobs.calendar_changed_since_recompute(),
        },
    )


@login_required
@require_GET
def recompute_status(request: HttpRequest) -> HttpResponse:
    """The progress fragment the recompute page polls every 2 seconds while a job runs, with
    the table of recent jobs swapped out of band, so that it follows the status."""
    scope.require_reform_office(request.user)
    recent = list(RecomputeJob.objects.select_related("requested_by")[:RECENT_JOBS])
    job = jobs.active_job() or (recent[0] if recent else None)
    _worded(job, *recent)
    return render(
        request, "dossiers/recompute_status.html", {"job": job, "recent": recent, "oob": True}
    )


@login_required
@require_POST
def recompute_start(request: HttpRequest) -> HttpResponse:
    """Ask for a recompute (``mode=open``: the dossiers still being processed; else all) and
    start it in the background; when one is already waiting or running, show that one."""
    scope.require_reform_office(request.user)
    open_only = request.POST.get("mode") == "open"
    job, created = request_recompute(open_only=open_only, actor=request.user)
    if created:
        jobs.start_in_background(job)
        messages.success(
            request,
            _("The recompute of the dossiers still being processed has started.")
            if open_only
            else _("The recompute of every dossier has started."),
        )
    else:
        messages.info(
            request,
            _("A recompute is already under way; it is shown below. Start another one after it."),
        )
    return redirect("dossiers:recompute")


# Spliced into chiso/dossiers/urls.py under the app's namespace.
urlpatterns = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/day/", calendar_day, name="calendar_day"),
    path("recompute/", recompute_page, name="recompute"),
    path("recompute/status/", recompute_status, name="recompute_status"),
    path("recompute/start/", recompute_start, name="recompute_start"),
]
