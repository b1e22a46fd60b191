"""Rating pages (phone first): a member rates their community's secretary; a resident rates with
a rating ticket (评议票) typed in or opened from its QR code (the code in the address's #fragment,
never in its path or query: see ticket_entry); a thank-you page.

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


def _no_referrer(view):
    """No link or resource followed from a ticket page carries its address on in a Referer
    header to another site (the old path form of the address holds the code).

    "same-origin", not "no-referrer": under "no-referrer" browsers send `Origin: null` with the
    page's own form, which Django's CSRF check refuses (403), so no resident could rate."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


def _too_many_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/ticket_entry.html",
        {"refusal": _("Too many attempts from your network; please try again in an hour.")},
        status=429,
    )


def _ticket_step(request: HttpRequest, code: str) -> HttpResponse:
    """Check the ticket `code`; show its questions, or, when the answers came with it, rate."""
    try:
        target = ratings.ticket_target(code)
    except ratings.RatingRefused as exc:
        return render(request, "assessments/ticket_entry.html", {"refusal": exc.messages[0]}, status=400)
    code = ratings.normalise_code(code)
    if request.method == "POST" and request.POST.get("rate"):
        answers = _answers_from(request, target.questions)
        try:
            ratings.rate_with_ticket(code, answers)
        except ratings.RatingRefused as exc:
            context = {**_context(target, exc.messages[0], answers), "ticket_code": code}
            return render(request, "assessments/rate.html", context, status=400)
        return redirect("assessments:thanks")
    return render(request, "assessments/rate.html", {**_context(target), "ticket_code": code})


@_no_referrer
@never_cache
def ticket_entry(request: HttpRequest) -> HttpResponse:
    """Rate with a ticket, the code never in the address (so never in a web server's access log):
    typed in, or filled in from the QR code's #fragment by assessments/ticket.js (a fragment is
    not sent to the server), and POSTed — first alone (the questions come back with the code in a
    hidden field), then with the answers."""
    if request.method != "POST":
        return render(request, "assessments/ticket_entry.html", {})
    if _too_many(request):
        return _too_many_page(request)
    return _ticket_step(request, request.POST.get("code", ""))


@_no_referrer
@never_cache
def ticket(request: HttpRequest, code: str) -> HttpResponse:
    """The old address with the code in its path, which sheets printed before the fragment form
    point to: still answered, or residents holding those sheets could not rate (their scan has
    already put the code in the log; no answer of ours can take it out). Its form posts to the
    entry address, so the answers' request does not repeat it. New sheets never point here."""
    if _too_many(request):
        return _too_many_page(request)
    return _ticket_step(request, code)


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
