"""Public pages of the assessment, no login: the results of final cycles (/assessments/results/,
/assessments/results/<id>/) and the 公示 page of a cycle in publicity (/assessments/publicity/<id>/)
with the form to object.

What is published is assessments.public's rule. A cycle in any other phase answers 404, whatever
the id. Objections go through services.file_objection (anonymous or signed in); every attempt is
counted per client address (core.ratelimit), and a refusal writes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core import ratelimit

from . import public, services
from .models import Phase

# A 公示 page is open to everyone: a few objections an hour from one address is plenty for a
# person, and stops a script filling the committee's list. ASSESSMENTS_OBJECTIONS_PER_HOUR overrides.
OBJECTIONS_PER_HOUR = 5


def results(request: HttpRequest) -> HttpResponse:
    """Final cycles, newest first, and the cycles in 公示 now."""
    return render(
        request,
        "assessments/results_list.html",
        {"cycles": list(public.public_cycles()), "publicity": list(public.publicity_cycles())},
    )


def result(request: HttpRequest, pk: str) -> HttpResponse:
    """One final cycle's recommended secretaries and award-winning works."""
    cycle = public.cycle_in(Phase.FINAL, pk)
    return render(request, "assessments/result.html", {"pub": public.publication(cycle)})


def _too_many(request: HttpRequest) -> bool:
    return not ratelimit.allow(
        "assessment-objection",
        ratelimit.client_address(request),
        limit=getattr(settings, "ASSESSMENTS_OBJECTIONS_PER_HOUR", OBJECTIONS_PER_HOUR),
        seconds=3600,
    )


@never_cache
def publicity(request: HttpRequest, pk: str) -> HttpResponse:
    """The 公示 page: the proposed results, the window's last day and the objection form."""
    cycle = public.cycle_in(Phase.PUBLICITY, pk)
    pub = public.publication(cycle)
    today = timezone.localdate()
    window_open = pub.window_ends_on is not None and today <= pub.window_ends_on
    errors: list[str] = []
    text = ""
    status = 200
    if request.method == "POST":
        text = request.POST.get("text", "")
        if _too_many(request):
            errors, status = [_("Too many objections from your network; please try again in an hour.")], 429
        else:
            try:
                services.file_objection(cycle, text, actor=request.user, today=today)
            except ValidationError as error:
                errors, status = error.messages, 400
            else:
                return redirect(f"{request.path}?filed=1")
    return render(
        request,
        "assessments/publicity.html",
        {
            "pub": pub,
            "window_open": window_open,
            "errors": errors,
            "text": text,
            "filed": request.GET.get("filed") == "1" and not errors,
            "max_length": services.OBJECTION_MAX_LENGTH,
        },
        status=status,
    )
