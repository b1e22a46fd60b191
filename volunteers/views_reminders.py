"""The page a reminder's "cannot come" link opens: GET shows the activity and asks, POST cancels.

Never acts on GET (mail scanners and link previews open links). Thin: volunteers.reminders
checks the signed link and cancels through volunteers.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import reminders


@login_required
def cannot_come(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signup = reminders.read_cannot_come(token, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return render(request, "volunteers/cannot_come.html", {"signup": None}, status=400)
    if request.method == "POST":
        try:
            signup = reminders.cannot_come(token, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you for telling us; your place goes to the next in line."))
            return redirect("volunteers:activity", pk=signup.activity_id)
    return render(request, "volunteers/cannot_come.html", {"signup": signup})
