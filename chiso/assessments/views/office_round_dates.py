"""The reform office corrects a round's deadlines while it is open (review s6 M2: a date typed
wrong when the round opened stayed for good). Every change goes through
:func:`chiso.assessments.actions.change_deadlines`, which checks the order and audits old → new.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chiso.accounts import scope
from chiso.assessments import actions
from chiso.assessments.actions.round_dates import OPEN_STAGES, deadline_label
from chiso.assessments.models import Deadline, Round
from chiso.assessments.views.office_rounds import bootstrap, date_field


class DeadlinesForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_past = forms.BooleanField(
        label=gettext_lazy("Change the deadlines even though some new dates are already past"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for d in Deadline:
            self.fields[f"{d.value}_due"] = date_field(deadline_label(d.value))
        self.order_fields([f"{d.value}_due" for d in Deadline] + ["reason"])
        bootstrap(self)


@login_required
@require_http_methods(["GET", "POST"])
def round_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the round's deadlines in a form; POST: change them with a reason."""
    scope.require_reform_office(request.user)
    rnd = get_object_or_404(Round.objects.select_related("block", "framework"), pk=pk)
    # Written as people type them (the inputs are text boxes, not date pickers).
    initial = {f"{d.value}_due": f"{getattr(rnd, f'{d.value}_due'):%d/%m/%Y}" for d in Deadline}
    form = DeadlinesForm(request.POST or None, initial=initial)
    # The confirmation box shows once new dates were refused as past (or was ticked), as on
    # the page that opens a round.
    past = bool(request.POST.get("confirm_past"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = actions.change_deadlines(
                rnd,
                {d.value: data[f"{d.value}_due"] for d in Deadline},
                reason=data["reason"],
                actor=request.user,
                allow_past=data["confirm_past"],
            )
        except actions.DeadlineError as e:
            form.add_error(f"{e.stage}_due", str(e))
            bootstrap(form)
            past = past or isinstance(e, actions.PastDeadlinesError)
        except actions.AssessmentError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("Deadlines changed: %(changes)s.")
                % {
                    "changes": "; ".join(
                        f"{deadline_label(stage)} {old:%d/%m/%Y} → {new:%d/%m/%Y}"
                        for stage, (old, new) in changed.items()
                    )
                },
            )
            return redirect(reverse("assessments:round", args=[rnd.pk]) + "#deadlines-h")
    return render(
        request,
        "assessments/office/round_deadlines.html",
        {"rnd": rnd, "form": form, "open": rnd.stage in OPEN_STAGES, "past": past},
    )
