"""One secretary's frozen result for the street (/assessments/sheet/<cycle id>/result/<result id>/):
its figures and breakdown, the committee's changes (field, old → new, reason, by, at) and, during
公示 only, the forms to change the total, the band or the recommendation with a written reason
(work.override).

Access as the score sheet: the street's post-holders; anyone else 403; another street's cycle or a
result of another cycle 404. Bad input answers 400 with the message and writes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import presentation, work
from .models import Band, Phase, SecretaryResult
from .views import _sheet_cycle


@login_required
def result(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    cycle = _sheet_cycle(request, pk)
    found = get_object_or_404(SecretaryResult.objects.select_related("community"), pk=result_pk, cycle=cycle)
    found.cycle = cycle
    can_change = cycle.phase == Phase.PUBLICITY
    errors: list[str] = []
    form = {"field": "", "value": "", "reason": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        if not can_change:
            errors = [_("Results can be changed only during the public notice.")]
        else:
            try:
                work.override(
                    found, actor=request.user, field=form["field"], value=form["value"], reason=form["reason"]
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("The change is saved with its reason."))
                return redirect(request.path)
    names = cycle.band_names()
    lines = presentation.with_rating_notes(cycle, [{"lines": found.breakdown}])[0]["lines"]
    return render(
        request,
        "assessments/sheet_result.html",
        {
            "cycle": cycle,
            "result": found,
            "band_name": names.get(found.band, found.band),
            "bands": [(value, names[value]) for value in Band.values],
            "lines": lines,
            "trail": presentation.override_trail(cycle, [found.pk]).get(found.pk, []),
            "can_change": can_change,
            "errors": errors,
            "form": form,
        },
        status=400 if errors else 200,
    )
