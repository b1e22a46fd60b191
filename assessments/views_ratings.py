"""Rating pages (phone first): a member rates their community's secretary; a resident rates with
a rating ticket (评议票) typed in or opened from its QR code; a thank-you page.

Refusals come from assessments.ratings in Chinese; nothing is written on a refusal. Ticket code
checks are rate-limited per client address (core.ratelimit), so codes cannot be tried in bulk.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core import ratelimit
from core.tree import paths_q

from . import ratings
from .models import Answer

# Residents at one meeting often share one address (the venue's Wi-Fi), each opening the page and
# submitting: the limit stops trying codes in bulk (31^10 codes) without refusing a full hall.
# Setting ASSESSMENTS_TICKET_ATTEMPTS_PER_HOUR overrides it.
TICKET_ATTEMPTS_PER_HOUR = 200


def _answers_from(request: HttpRequest, questions) -> dict[str, str]:
    return {q.code: request.POST.get(f"q_{q.code}", "") for q in questions}


def _context(target, refusal=None, answers=None) -> dict:
    return {
        "target": target,
        "questions": target.questions if target else [],
        "choices": Answer.choices,
        "refusal": refusal,
        "answers": answers or {},
    }


@never_cache
@login_required
def rate(request: HttpRequest) -> HttpResponse:
    """The member's rating page: their community's secretary and the questions."""
    try:
        target = ratings.member_target(request.user)
    except ratings.RatingRefused as exc:
        return render(request, "assessments/rate.html", {"refusal": exc.messages[0]})
    if target.already:
        return render(request, "assessments/rate.html", {"refusal": ratings.already_rated().messages[0]})
    if request.method == "POST":
        answers = _answers_from(request, target.questions)
        try:
            ratings.rate_as_member(request.user, answers)
        except ratings.RatingRefused as exc:
            return render(
                request, "assessments/rate.html", _context(target, exc.messages[0], answers), status=400
            )
        return redirect("assessments:thanks")
    return render(request, "assessments/rate.html", _context(target))


def _too_many(request: HttpRequest) -> bool:
    return not ratelimit.allow(
        "assessment-ticket",
        ratelimit.client_address(request),
        limit=getattr(settings, "ASSESSMENTS_TICKET_ATTEMPTS_PER_HOUR", TICKET_ATTEMPTS_PER_HOUR),
        seconds=3600,
    )


@never_cache
def ticket_entry(request: HttpRequest) -> HttpResponse:
    """Type in the code of a rating ticket."""
    if request.method == "POST":
        code = ratings.normalise_code(request.POST.get("code", ""))
        if code.isascii() and code.isalnum():
            return redirect(reverse("assessments:ticket", kwargs={"code": code}))
        return render(
            request,
            "assessments/ticket_entry.html",
            {"refusal": ratings.invalid_ticket().messages[0]},
            status=400,
        )
    return render(request, "assessments/ticket_entry.html", {})


def _no_referrer(view):
    """The ticket's code is in the address: no link or resource of another site followed from the
    page carries it on in a Referer header.

    "same-origin", not "no-referrer": under "no-referrer" browsers send `Origin: null` with the
    page's own form, which Django's CSRF check refuses (403), so no resident could rate."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


@_no_referrer
@never_cache
def ticket(request: HttpRequest, code: str) -> HttpResponse:
    """Rate with a ticket: its community's secretary and the questions."""
    if _too_many(request):
        return render(
            request,
            "assessments/ticket_entry.html",
            {"refusal": _("Too many attempts from your network; please try again in an hour.")},
            status=429,
        )
    try:
        target = ratings.ticket_target(code)
    except ratings.RatingRefused as exc:
        return render(request, "assessments/ticket_entry.html", {"refusal": exc.messages[0]}, status=400)
    if request.method == "POST":
        answers = _answers_from(request, target.questions)
        try:
            ratings.rate_with_ticket(code, answers)
        except ratings.RatingRefused as exc:
            return render(
                request, "assessments/rate.html", _context(target, exc.messages[0], answers), status=400
            )
        return redirect("assessments:thanks")
    return render(request, "assessments/rate.html", _context(target))


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/thanks.html", {})


# Ticket sheets (street managers) --------------------------------------------------------------


@never_cache
@login_required
def ticket_sheet(request: HttpRequest) -> HttpResponse:
    """Generate tickets for a community and download their printable sheet, in one step: the
    codes are shown nowhere else. A lost sheet is voided here (its batch's unused tickets)."""
    from django.core.exceptions import PermissionDenied

    from orgchart.models import COMMUNITY_KINDS, Organisation

    from . import access
    from .models import Phase, RatingTicketBatch
    from .ticket_sheet import render_ticket_sheet

    if not access.is_assessment_manager(request.user):
        raise PermissionDenied
    cycles = list(
        access.manageable_cycles(request.user)
        .filter(phase__in=(Phase.DRAFT, Phase.OPEN, Phase.RATING))
        .select_related("street")
    )
    street_paths = tuple(c.street.path for c in cycles)
    communities = list(
        Organisation.objects.filter(paths_q(street_paths, "path"), depth=2, kind__in=COMMUNITY_KINDS).open()
        if cycles
        else []
    )
    refusal = None
    batches = list(
        RatingTicketBatch.objects.filter(cycle__in=cycles).select_related("community", "cycle__street")[:100]
    )
    if request.method == "POST" and request.POST.get("void"):
        batch = next((b for b in batches if str(b.pk) == request.POST["void"]), None)
        if batch is not None:
            ratings.void_batch(batch, actor=request.user)
        return redirect("assessments:ticket-sheet")
    if request.method == "POST":
        try:
            cycle = next(c for c in cycles if str(c.pk) == request.POST.get("cycle"))
            community = next(o for o in communities if str(o.pk) == request.POST.get("community"))
            count = int(request.POST.get("count", ""))
        except (StopIteration, ValueError):
            refusal = _("Choose a cycle, one of its communities and the number of tickets.")
        else:
            try:
                _batch, codes = ratings.generate_tickets(cycle, community, count, actor=request.user)
            except ratings.RatingRefused as exc:
                refusal = exc.messages[0]
            else:
                pdf = render_ticket_sheet(
                    title=str(cycle),
                    community=community.name,
                    codes=codes,
                    url_for=lambda code: request.build_absolute_uri(
                        reverse("assessments:ticket", kwargs={"code": code})
                    ),
                    entry_url=request.build_absolute_uri(reverse("assessments:ticket-entry")),
                )
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'attachment; filename="rating-tickets-{community.code}.pdf"'
                )
                return response
    return render(
        request,
        "assessments/ticket_sheet.html",
        {"cycles": cycles, "communities": communities, "refusal": refusal, "batches": batches},
        status=400 if refusal else 200,
    )
