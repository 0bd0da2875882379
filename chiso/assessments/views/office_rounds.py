"""The reform office's round pages: the list, opening a round, and one round's administration
(progress, deadlines and extensions, appraiser assignments, closing stages, finalise, publish).

Provincial leaders (viewers) read these pages; only the reform office gets the forms, and every
write goes through :mod:`chiso.assessments.actions`, which checks again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments import actions, queries
from chiso.assessments.actions.cancel import cancel_problem
from chiso.assessments.actions.common import own_agencies
from chiso.assessments.actions.publishing import round_result_set
from chiso.assessments.actions.round_dates import OPEN_STAGES
from chiso.assessments.inputs import set_late_penalty
from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Deadline,
    DeadlineExtension,
    Round,
    Stage,
    effective_deadline,
)
from chiso.assessments.views.office import lang, require_round_reader
from chiso.engine.problems import ProblemsError
from chiso.frameworks.models import Framework
from chiso.org.models import Agency, Block
from chiso.org.queries import deputies_without_assignment
from chiso.results.actions import ResultError
from chiso.results.models import ResultSet

DATE_HINT = gettext_lazy("dd/mm/yyyy")


def date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.TextInput(attrs={"placeholder": DATE_HINT, "inputmode": "numeric"}),
    )


def bootstrap(form: forms.Form) -> None:
    """Bootstrap's classes on every widget, and the error text tied to its input."""
    for name, field in form.fields.items():
        select = isinstance(field.widget, forms.Select)
        css = "form-select" if select else "form-control"
        if form.is_bound and name in form.errors:
            css += " is-invalid"
            field.widget.attrs["aria-describedby"] = f"id_{name}_errors"
        field.widget.attrs["class"] = css


def penalty_choices() -> list[tuple[str, Any]]:
    """The penalty items of every published framework, grouped by framework."""
    groups: list[tuple[str, Any]] = [("", _("None: lateness is only recorded"))]
    par = Framework.objects.filter(status=Framework.Status.PUBLISHED, kind=Framework.Kind.PAR_INDEX)
    for fw in par:
        penalties = [
            (a.code, f"{a.code} — {a.title}")
            for a in fw.to_engine().adjustments
            if a.kind == "penalty"
        ]
        if penalties:
            groups.append((f"{fw.title} ({fw.year})", penalties))
    return groups


class OpenRoundForm(forms.Form):
    block = forms.ModelChoiceField(
        label=gettext_lazy("Block"), queryset=Block.objects.order_by("-year", "order", "name")
    )
    framework = forms.ModelChoiceField(
        label=gettext_lazy("Framework"),
        # Only administrative reform index frameworks are self-assessed in a round.
        queryset=Framework.objects.filter(
            status=Framework.Status.PUBLISHED, kind=Framework.Kind.PAR_INDEX
        ),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose a published administrative reform index (PAR) framework from the list."
            )
        },
    )
    self_assessment_due = date_field(Round._meta.get_field("self_assessment_due").verbose_name)
    approval_due = date_field(Round._meta.get_field("approval_due").verbose_name)
    appraisal_1_due = date_field(Round._meta.get_field("appraisal_1_due").verbose_name)
    explanation_due = date_field(Round._meta.get_field("explanation_due").verbose_name)
    appraisal_2_due = date_field(Round._meta.get_field("appraisal_2_due").verbose_name)
    council_due = date_field(Round._meta.get_field("council_due").verbose_name)
    late_penalty_code = forms.ChoiceField(
        label=Round._meta.get_field("late_penalty_code").verbose_name,
        required=False,
        help_text=Round._meta.get_field("late_penalty_code").help_text,
    )
    confirm_past = forms.BooleanField(
        label=gettext_lazy("Open the round even though some deadlines are already past"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        penalty = self.fields["late_penalty_code"]
        assert isinstance(penalty, forms.ChoiceField)
        penalty.choices = penalty_choices()
        self.fields["block"].label_from_instance = lambda b: f"{b.name} ({b.year})"  # type: ignore[attr-defined]
        bootstrap(self)


class ExtensionForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=Agency.objects.none())
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=Deadline.choices)
    new_date = date_field(gettext_lazy("New deadline"))
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, rnd: Round, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = Agency.objects.filter(
            pk__in=rnd.assessments.values("agency_id")
        ).order_by("name")
        bootstrap(self)


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """Every round with its stage, deadlines, how many agencies stand at each status, the late."""
    require_round_reader(request.user)
    rounds = list(Round.objects.select_related("block", "framework"))
    counts: dict[int, Counter[str]] = {r.pk: Counter() for r in rounds}
    for row in Assessment.objects.values("round_id", "status"):
        counts[row["round_id"]][row["status"]] += 1
    rows = [
        {
            "round": r,
            "statuses": [(Stage(s).label, n) for s, n in sorted(counts[r.pk].items())],
            "agencies": sum(counts[r.pk].values()),
            "late": len(queries.late(r)),
            "deadlines": [(d.label, getattr(r, f"{d.value}_due")) for d in Deadline],
        }
        for r in rounds
    ]
    return render(
        request,
        "assessments/office/round_list.html",
        {"rows": rows, "can_change": scope.is_reform_office(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest) -> HttpResponse:
    scope.require_reform_office(request.user)
    form = OpenRoundForm(request.POST or None)
    # The confirmation box shows once the deadlines were refused as past (or was ticked).
    past = bool(request.POST.get("confirm_past"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a penalty item the framework lacks leaves no round behind.
            with transaction.atomic():
                rnd = actions.open_round(
                    data["block"],
                    data["framework"],
                    {d.value: data[f"{d.value}_due"] for d in Deadline},
                    actor=request.user,
                    allow_past=data["confirm_past"],
                )
                if data["late_penalty_code"]:
                    set_late_penalty(rnd, data["late_penalty_code"], actor=request.user)
        except actions.DeadlineError as e:
            # Under the date it is about, and the input marked invalid for screen readers.
            form.add_error(f"{e.stage}_due", str(e))
            bootstrap(form)
            past = past or isinstance(e, actions.PastDeadlinesError)
        except actions.AssessmentError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("The round is open: %(count)d agencies can start their self-assessment.")
                % {"count": rnd.assessments.count()},
            )
            return redirect("assessments:round", rnd.pk)
    return render(request, "assessments/office/round_open.html", {"form": form, "past": past})


@dataclass
class AgencyRow:
    assessment: Assessment
    progress: queries.Progress
    late: bool
    self_deadline: Any
    extended: bool


def _assignment_grid(rnd: Round, assessments: list[Assessment]) -> dict[str, Any]:
    fields = [(n.code, n.title) for n in rnd.framework.to_engine().nodes]
    current = {
        (a.agency_id, a.field_code): a.user_id
        for a in AppraiserAssignment.objects.filter(round=rnd)
    }
    appraisers = list(
        get_user_model()
        .objects.filter(memberships__role=Role.APPRAISER, is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )
    # assign_appraiser refuses an appraiser's own agency, so each agency's choice leaves them
    # out (a current assignment stays listed, so the form never silently shows "—").
    excluded = {u.pk: own_agencies(u) for u in appraisers}
    rows = [
        (
            a.agency,
            [
                (
                    code,
                    title,
                    current.get((a.agency_id, code)),
                    [
                        u
                        for u in appraisers
                        if a.agency_id not in excluded[u.pk]
                        or u.pk == current.get((a.agency_id, code))
                    ],
                )
                for code, title in fields
            ],
        )
        for a in assessments
    ]
    return {"fields": fields, "rows": rows, "appraisers": appraisers}


def _render_round(
    request: HttpRequest, rnd: Round, extension_form: ExtensionForm | None = None
) -> HttpResponse:
    assessments = list(rnd.assessments.select_related("agency", "round__framework"))
    late_ids = {a.pk for a in queries.late(rnd)}
    extensions = {
        (e.agency_id, e.stage): e
        for e in DeadlineExtension.objects.filter(round=rnd).select_related("agency")
    }
    progress = queries.progress_of(assessments)
    rows = []
    for a in assessments:
        extension = extensions.get((a.agency_id, Deadline.SELF_ASSESSMENT.value))
        rows.append(
            AgencyRow(
                assessment=a,
                progress=progress[a.pk],
                late=a.pk in late_ids,
                self_deadline=effective_deadline(
                    rnd.self_assessment_due, extension.new_date if extension else None
                ),
                extended=extension is not None and extension.new_date > rnd.self_assessment_due,
            )
        )
    can_change = scope.is_reform_office(request.user)
    result_set = round_result_set(rnd)
    return render(
        request,
        "assessments/office/round_detail.html",
        {
            "rnd": rnd,
            "rows": rows,
            "deadlines": [(d.label, getattr(rnd, f"{d.value}_due")) for d in Deadline],
            # With whether the round's own date has since caught up (review s7 M2): the agency
            # then has the round's date, which the list says.
            "extensions": [
                (e, e.new_date <= getattr(rnd, f"{e.stage}_due"))
                for e in sorted(extensions.values(), key=lambda e: (e.agency.name, e.stage))
            ],
            "grid": _assignment_grid(rnd, assessments),
            "can_change": can_change,
            "extension_form": extension_form or ExtensionForm(rnd),
            "steps": [(key, s.label) for key, s in STEPS.items() if s.available(rnd, result_set)],
            "result_set": result_set,
            "late_penalty": rnd.late_penalty_code,
            "assigning_open": rnd.stage in (Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2),
            "deadlines_open": rnd.stage in OPEN_STAGES,
            # Offered only while nothing was entered (actions.cancel refuses otherwise).
            "cancellable": can_change and rnd.stage == Stage.DRAFT and not cancel_problem(rnd),
        },
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_round_reader(request.user)
    return _render_round(request, get_object_or_404(Round.objects.select_related("block"), pk=pk))


@login_required
@require_POST
def round_extend(request: HttpRequest, pk: int) -> HttpResponse:
    scope.require_reform_office(request.user)
    rnd = get_object_or_404(Round, pk=pk)
    form = ExtensionForm(rnd, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.grant_extension(
                rnd,
                data["agency"],
                data["stage"],
                data["new_date"],
                reason=data["reason"],
                actor=request.user,
            )
        except actions.AssessmentError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("%(agency)s now has until %(date)s for the stage «%(stage)s».")
                % {
                    "agency": data["agency"].name,
                    "date": f"{data['new_date']:%d/%m/%Y}",
                    "stage": Deadline(data["stage"]).label,
                },
            )
            return redirect(reverse("assessments:round", args=[rnd.pk]) + "#extensions")
    return _render_round(request, rnd, extension_form=form)


@login_required
@require_POST
def round_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give one field of one agency to an appraiser; the action refuses their own agency."""
    scope.require_reform_office(request.user)
    rnd = get_object_or_404(Round, pk=pk)
    agency_pk, user_pk = (request.POST.get(k, "") for k in ("agency", "user"))
    back = redirect(reverse("assessments:round", args=[rnd.pk]) + "#appraisers")
    if not user_pk.isdigit():
        messages.error(request, _("Choose an appraiser."))
        return back
    agency = get_object_or_404(
        Agency,
        pk=int(agency_pk) if agency_pk.isdigit() else 0,
        pk__in=rnd.assessments.values("agency_id"),
    )
    user = get_object_or_404(get_user_model(), pk=int(user_pk))
    field_code = request.POST.get("field", "")
    if not user.is_active:
        # assign_appraiser itself does not check this yet; a locked account cannot log in.
        messages.error(
            request,
            _("%(name)s's account is locked: choose an active appraiser.")
            % {"name": user.get_full_name() or user.get_username()},
        )
        return back
    try:
        actions.assign_appraiser(rnd, agency, field_code, user, actor=request.user)
    except actions.AssessmentError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("%(name)s appraises field %(field)s of %(agency)s.")
            % {
                "name": user.get_full_name() or user.get_username(),
                "field": field_code,
                "agency": agency.name,
            },
        )
    return back


@login_required
@require_http_methods(["GET", "POST"])
def round_unassign(request: HttpRequest, pk: int, agency_pk: int, field_code: str) -> HttpResponse:
    """GET asks to confirm removing the appraiser of one field of one agency; POST removes it
    through :func:`actions.unassign_appraiser` (audited), only if that field's appraiser is
    still the one the page named (its id in the form). The reform office only; an agency not
    evaluated in the round, or a field without an appraiser, is 404."""
    scope.require_reform_office(request.user)
    rnd = get_object_or_404(Round.objects.select_related("block", "framework"), pk=pk)
    assignment = get_object_or_404(
        AppraiserAssignment.objects.select_related("agency", "user"),
        round=rnd,
        agency_id=agency_pk,
        field_code=field_code,
    )
    name = assignment.user.get_full_name() or assignment.user.get_username()
    back = reverse("assessments:round", args=[rnd.pk]) + "#appraisers"
    error = ""
    if request.method == "POST":
        shown = request.POST.get("appraiser", "")
        try:
            if not shown.isdigit():  # a form from before the page pinned the appraiser
                raise actions.AssessmentError(
                    _("This page is out of date: check who appraises the field and confirm again.")
                )
            actions.unassign_appraiser(
                rnd, assignment.agency, field_code, actor=request.user, shown=int(shown)
            )
        except actions.AssessmentError as e:
            error = str(e)
        else:
            messages.success(
                request,
                _("%(name)s no longer appraises field %(field)s of %(agency)s.")
                % {"name": name, "field": field_code, "agency": assignment.agency.name},
            )
            return redirect(back)
    titles = {n.code: n.title for n in rnd.framework.to_engine().nodes}
    return render(
        request,
        "assessments/office/round_unassign.html",
        {
            "rnd": rnd,
            "assignment": assignment,
            "appraiser": name,
            "field_title": titles.get(field_code, ""),
            "back": back,
            "error": error,
        },
    )


# Closing stages, finalising, reopening and publishing: each confirmed on its own page.


@dataclass(frozen=True)
class Step:
    label: Any
    explains: Any
    stage: str
    run: Callable[..., Any]
    needs_reason: bool = False
    done: Any = None  # the message after success; by default, the stage reached
    publishes: bool = False  # offered only while the round's results are finalised

    def available(self, rnd: Round, result_set: ResultSet | None) -> bool:
        if rnd.stage != self.stage:
            return False
        published = result_set is not None and result_set.status == ResultSet.Status.PUBLISHED
        if self.publishes:
            return result_set is not None and result_set.status == ResultSet.Status.FINALISED
        if self.needs_reason:
            return not published
        return True


STEPS = {
    "close-appraisal-1": Step(
        gettext_lazy("Close appraisal round 1"),
        gettext_lazy(
            "Self-assessment, approval and appraisal round 1 end for every agency, submitted or "
            "not; agencies may then explain the items marked for explanation."
        ),
        Stage.DRAFT,
        lambda rnd, actor, reason: actions.close_appraisal_1(rnd, actor=actor),
    ),
    "close-explanation": Step(
        gettext_lazy("Close the explanation stage"),
        gettext_lazy("Agencies can no longer explain; appraisers set the round 2 points."),
        Stage.EXPLANATION,
        lambda rnd, actor, reason: actions.close_explanation(rnd, actor=actor),
    ),
    "close-appraisal-2": Step(
        gettext_lazy("Close appraisal round 2"),
        gettext_lazy("Appraisal ends; the council decides where agencies and appraisers differ."),
        Stage.APPRAISAL_2,
        lambda rnd, actor, reason: actions.close_appraisal_2(rnd, actor=actor),
    ),
    "finalise": Step(
        gettext_lazy("Finalise the round"),
        gettext_lazy(
            "Every agency is scored on its effective values and the round and its results are "
            "locked. Reopening needs a reason."
        ),
        Stage.COUNCIL,
        lambda rnd, actor, reason: actions.finalise_round(rnd, actor=actor),
    ),
    "reopen": Step(
        gettext_lazy("Reopen the round"),
        gettext_lazy(
            "The round goes back to the council and its results become a draft again, to be "
            "replaced when it is finalised anew."
        ),
        Stage.FINALISED,
        lambda rnd, actor, reason: actions.reopen_round(rnd, reason=reason, actor=actor),
        needs_reason=True,
    ),
    "publish": Step(
        gettext_lazy("Publish the results"),
        gettext_lazy(
            "The results become public (also on the public page without login) and their "
            "snapshot is chained by hash; published numbers never change and cannot reopen."
        ),
        Stage.FINALISED,
        lambda rnd, actor, reason: actions.publish_round(rnd, actor=actor),
        done=gettext_lazy("The results are published: the public page now shows them."),
        publishes=True,
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def round_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """GET asks for confirmation; POST (with the reason where one is needed) does it."""
    scope.require_reform_office(request.user)
    rnd = get_object_or_404(Round.objects.select_related("block", "framework"), pk=pk)
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    error = ""
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        try:
            chosen.run(rnd, request.user, reason)
        except (actions.AssessmentError, ResultError) as e:
            error = str(e)
        except ProblemsError as e:
            error = "; ".join(e.texts(lang()))
        else:
            rnd.refresh_from_db()
            messages.success(
                request,
                str(chosen.done)
                if chosen.done
                else _("Done: %(step)s. The round is now at the stage «%(stage)s».")
                % {"step": chosen.label, "stage": rnd.get_stage_display()},
            )
            return redirect("assessments:round", rnd.pk)
    return render(
        request,
        "assessments/office/round_step.html",
        {
            "rnd": rnd,
            "step": chosen,
            "key": step,
            "error": error,
            "reason": reason,
            "agencies": rnd.assessments.count(),
            # Finalising scores the leaders too: a deputy without a field assignment for the
            # year silently gets the agency's index (review s6 L8), so name them first.
            "unassigned": deputies_without_assignment(rnd.assessments.values("agency_id"), rnd.year)
            if step == "finalise"
            else [],
        },
    )
