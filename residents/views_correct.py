"""Correcting a registration (/residents/<pk>/correct/): an officer every detail, a landlord their
own current tenant's mobile. Thin: residents.access decides who, residents.corrections checks and
writes; a registration outside one's reach is 404, a deregistered one 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import access, audit, corrections
from .forms_correct import CorrectionForm, PhoneCorrectionForm
from .views import _after_change, _apply_errors, _visible_resident


@login_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _visible_resident(request, pk)
    if not access.can_correct_phone(request.user, resident):
        raise PermissionDenied(_("You may not correct this registration."))
    officer = access.can_correct(request.user, resident)
    if officer:
        form = CorrectionForm(request.POST or None, initial=corrections.current_values(resident))
    else:
        form = PhoneCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            corrections.correct(request.user, resident, changes, form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The correction is recorded."))
            return _after_change(request, resident)
    elif request.method != "POST" and officer:
        audit.record_read(request.user, resident)  # the form shows the full record
    title = _("Correct the registration of %(name)s") % {"name": resident.masked_name}
    return render(
        request,
        "residents/form.html",
        {"form": form, "title": title, "resident": resident},
        status=400 if request.method == "POST" else 200,
    )
