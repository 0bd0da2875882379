"""The audit trail pages: a filtered, paginated list and its XLSX export.

The reform office reads every row of the province; an agency's users (focal officer, leader)
read only the rows about their own agency and the units below it. There is nothing to add,
change or delete here: both views answer GET only (405 otherwise), and the model refuses
changes anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments import visibility
from chiso.assessments.models import (
    AdjustmentEntry,
    AppraiserAssignment,
    Assessment,
    DeadlineExtension,
    Evidence,
    ItemEntry,
    Round,
)
from chiso.audit.exporting import action_label, agency_names, describe_details, export_xlsx
from chiso.audit.models import AuditEvent, AuditEventAgency, about_agencies
from chiso.org.models import Agency
from chiso.results.models import ResultSet

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_HINT = gettext_lazy("dd/mm/yyyy")


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """The rows this user may read; PermissionDenied for everyone else.

    An agency's users read the rows about their agencies, also those about several agencies
    among them (a round's cancellation), but not the appraisers' and the council's rows about
    their assessment before its page shows those marks (:mod:`chiso.assessments.visibility`).
    """
    if scope.is_reform_office(user):
        return AuditEvent.objects.all()
    if scope.has_role(user, Role.FOCAL_OFFICER, Role.AGENCY_LEADER):
        agency_ids = scope.own_agency_ids(user)
        return AuditEvent.objects.filter(about_agencies(agency_ids)).exclude(
            _not_yet_shown(agency_ids)
        )
    raise PermissionDenied


def reader_agencies(user: Any) -> set[int] | None:
    """The agencies whose rows an agency's user reads; None for the reform office (all)."""
    return None if scope.is_reform_office(user) else set(scope.own_agency_ids(user))


def _not_yet_shown(agency_ids: Any) -> Q:
    """Rows of appraisal marks, council decisions and appraiser assignments of these agencies
    whose assessment has not reached the stage at which the agency sees them."""
    hidden = Q(pk__in=[])
    label = ItemEntry._meta.label_lower
    for action, stages in visibility.ITEM_ACTIONS_SHOWN_AFTER.items():
        entries = ItemEntry.objects.filter(assessment__agency_id__in=agency_ids).exclude(
            assessment__status__in=stages
        )
        hidden |= Q(action=action, object_type=label, object_id__in=_ids(entries))
    shown = Assessment.objects.filter(
        round_id=OuterRef("round_id"),
        agency_id=OuterRef("agency_id"),
        status__in=visibility.ASSIGNMENTS_SHOWN_AFTER,
    )
    assignments = AppraiserAssignment.objects.filter(agency_id__in=agency_ids).exclude(
        Exists(shown)
    )
    hidden |= Q(object_type=AppraiserAssignment._meta.label_lower, object_id__in=_ids(assignments))
    # A removed assignment (unassign_appraiser) has no row left to date it: its rows stay hidden.
    hidden |= Q(object_type=AppraiserAssignment._meta.label_lower) & ~Q(
        object_id__in=_ids(AppraiserAssignment.objects.filter(agency_id__in=agency_ids))
    )
    return hidden


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Primary keys as text, to compare with ``AuditEvent.object_id``."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def round_filter(rnd: Round) -> Q:
    """Every row about the round: the round itself, its assessments, items, extensions,
    appraiser assignments (also those removed since: their rows carry the round's id),
    bonus/penalty entries, evidence files and its block's results."""
    parts = {
        Round: Round.objects.filter(pk=rnd.pk),
        Assessment: Assessment.objects.filter(round=rnd),
        ItemEntry: ItemEntry.objects.filter(assessment__round=rnd),
        DeadlineExtension: DeadlineExtension.objects.filter(round=rnd),
        AppraiserAssignment: AppraiserAssignment.objects.filter(round=rnd),
        AdjustmentEntry: AdjustmentEntry.objects.filter(assessment__round=rnd),
        Evidence: Evidence.objects.filter(assessment__round=rnd),
        ResultSet: ResultSet.objects.filter(block=rnd.block, framework=rnd.framework),
    }
    q = Q(pk__in=[])
    for model, rows in parts.items():
        q |= Q(object_type=model._meta.label_lower, object_id__in=_ids(rows))
    # A removed assignment has no row left to join on; assign_appraiser and unassign_appraiser
    # record the round's id in the data. An agency's users still never see these rows
    # (_not_yet_shown hides rows of removed assignments).
    q |= Q(object_type=AppraiserAssignment._meta.label_lower, data__round=rnd.pk)
    return q


def _shown_data(event: AuditEvent, own: set[int] | None = None) -> dict[str, Any]:
    """The row's data without the round's id of an assignment row: it is there for
    :func:`round_filter`, and the round is what the page is filtered by, not a change.

    ``own``: the agencies of an agency's user (None: the reform office reads everything). A
    row about several agencies (a round's cancellation) then keeps, of its lists of records
    per agency (extensions, removed files), only those of the user's agencies."""
    data = dict(event.data or {})
    if event.object_type == AppraiserAssignment._meta.label_lower:
        data.pop("round", None)
    if own is not None and event.agency_id_ref is None:
        for key, value in list(data.items()):
            if isinstance(value, list) and value and all(_per_agency(v) for v in value):
                kept = [v for v in value if v["agency_id"] in own]
                if kept:
                    data[key] = kept
                else:
                    del data[key]
    return data


def _per_agency(value: Any) -> bool:
    return isinstance(value, dict) and "agency_id" in value


class FilterForm(forms.Form):
    round = forms.ModelChoiceField(
        label=gettext_lazy("Round"), queryset=Round.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"), queryset=Agency.objects.none(), required=False
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    user = forms.ChoiceField(label=gettext_lazy("User"), required=False)
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": DATE_HINT}),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": DATE_HINT}),
    )

    def __init__(self, events: QuerySet[AuditEvent], user: Any, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        every = str(gettext_lazy("All"))
        # Also the agencies of rows about several (for an agency's user: their own only).
        listed = AuditEventAgency.objects.all()
        if not scope.is_reform_office(user):
            listed = listed.filter(agency_id_ref__in=scope.own_agency_ids(user))
        agencies = Agency.objects.filter(
            Q(pk__in=events.values("agency_id_ref")) | Q(pk__in=listed.values("agency_id_ref"))
        ).order_by("name")
        round_field = self.fields["round"]
        agency_field = self.fields["agency"]
        assert isinstance(round_field, forms.ModelChoiceField)
        assert isinstance(agency_field, forms.ModelChoiceField)
        rounds = Round.objects.select_related("block")
        if not scope.is_reform_office(user):
            rounds = rounds.filter(assessments__agency__in=scope.own_agency_ids(user)).distinct()
        round_field.queryset = rounds
        round_field.empty_label = every
        agency_field.queryset = agencies
        agency_field.empty_label = every
        actions = events.order_by("action").values_list("action", flat=True).distinct()
        labels = events.order_by("actor_label").values_list("actor_label", flat=True).distinct()
        # The code stays the value (links and exports keep working); people read the words.
        named = sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1])
        self.fields["action"].choices = [("", every), *named]  # type: ignore[attr-defined]
        self.fields["user"].choices = [("", every)] + [(u, u) for u in labels]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            invalid = self.is_bound and name in self.errors
            field.widget.attrs["class"] = css + (" is-invalid" if invalid else "")

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """The events matching the valid filters (an invalid one is ignored and shown)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("round"):
            events = events.filter(round_filter(data["round"]))
        if data.get("agency"):
            events = events.filter(about_agencies([data["agency"].pk]))
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("user"):
            events = events.filter(actor_label=data["user"])
        # Days of the Vietnamese calendar: __date uses the current (server) time zone.
        if data.get("start"):
            events = events.filter(at__date__gte=data["start"])
        if data.get("end"):
            events = events.filter(at__date__lte=data["end"])
        return events


def _filtered(request: HttpRequest) -> tuple[FilterForm, QuerySet[AuditEvent]]:
    events = visible_events(request.user)
    form = FilterForm(events, request.user, request.GET)
    return form, form.apply(events).select_related("actor").order_by("-at", "-id")


def _for_export(events: QuerySet[AuditEvent], own: set[int] | None) -> Iterator[AuditEvent]:
    """The rows with the data the page shows (:func:`_shown_data`), changed in memory only."""
    for event in events.iterator():
        event.data = _shown_data(event, own)
        yield event


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    own = reader_agencies(request.user)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    names = agency_names(page.object_list)
    # An event about several agencies (a round's cancellation) names how many; its change
    # column lists them.
    several = dict(
        AuditEventAgency.objects.filter(event__in=page.object_list)
        .values_list("event_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        {
            "event": e,
            "at": timezone.localtime(e.at),
            "agency": names.get(e.agency_id_ref)
            if e.agency_id_ref is not None
            else (
                ngettext("%(count)s agency", "%(count)s agencies", several[e.pk])
                % {"count": several[e.pk]}
                if e.pk in several
                else ""
            ),
            "change": describe_details(_shown_data(e, own), agencies=names),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    """The filtered rows (all pages) as XLSX, headers in the page's language."""
    _form, events = _filtered(request)
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    own = reader_agencies(request.user)
    response = HttpResponse(export_xlsx(_for_export(events, own), lang), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.xlsx"'
    return response
