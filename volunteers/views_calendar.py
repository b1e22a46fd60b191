"""Calendar pages and feeds: the month view, "my calendar feed" (the secret URL, reset), and the
ICS feeds themselves (per organisation, public; per person, behind the secret token).

Thin: the month's activities come from activities.queries.activity_list (so from
activities.access.visible_activities), the feeds from volunteers.calendars.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activities import queries as activity_queries
from activities.models import Activity
from orgchart.models import Organisation

from .calendars import feeds, tokens
from .calendars.month import month_grid, shift_month
from .forms import ActivityFilterForm

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _feed_context(request: HttpRequest) -> feeds.FeedContext:
    def activity_url(activity: Activity) -> str:
        return request.build_absolute_uri(reverse("volunteers:activity", args=[activity.pk]))

    return feeds.FeedContext(activity_url=activity_url, host=feeds.uid_host())


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=feeds.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


def calendar_page(request: HttpRequest) -> HttpResponse:
    """The month view of the activities the reader may see, filtered by organiser and kind."""
    form = ActivityFilterForm(request.GET or None)
    today = timezone.localdate()
    year, month = today.year, today.month
    status = 200
    filters: dict = {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
            if filters.get("month"):
                year, month = filters["month"]
        else:
            status = 400  # shown with the form's Chinese messages, for the current month
            filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k != "month"}
    activities = activity_queries.activity_list(
        request.user,
        kind=filters.get("kind") or "",
        organisation=filters.get("organisation"),
        month=(year, month),
    )
    keep = {
        key: request.GET[key] for key in ("kind", "organisation") if request.GET.get(key) and key in filters
    }

    def month_url(y: int, m: int) -> str | None:
        if not FIRST_YEAR <= y <= LAST_YEAR:
            return None
        return "?" + urlencode({**keep, "month": f"{y:04d}-{m:02d}"})

    weeks = month_grid(year, month, activities)
    organisation = filters.get("organisation")
    feed_url = ""
    if organisation is not None:
        feed_url = request.build_absolute_uri(reverse("volunteers:organisation_feed", args=[organisation.pk]))
    context = {
        "form": form,
        "year": year,
        "month": month,
        "weeks": weeks,
        "has_activities": any(day.activities for week in weeks for day in week if day.in_month),
        "previous_url": month_url(*shift_month(year, month, -1)),
        "next_url": month_url(*shift_month(year, month, 1)),
        "today_url": "?" + urlencode(keep) if keep else "?",
        "organisation": organisation,
        "feed_url": feed_url,
    }
    return render(request, "volunteers/calendar.html", context, status=status)


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    """My calendar feed: the secret URL to subscribe to, how to, and the reset button."""
    token = tokens.feed_token(actor=request.user)
    url = request.build_absolute_uri(reverse("volunteers:person_feed", args=[token]))
    response = render(
        request,
        "volunteers/my_calendar.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )
    response.personal_data = True  # the secret URL: never stored by browsers or proxies
    return response


@login_required
@require_POST
def reset_my_calendar(request: HttpRequest) -> HttpResponse:
    tokens.reset_feed_token(actor=request.user)
    messages.success(
        request,
        _("Your calendar link was reset: the old link no longer works. Subscribe again with the new one."),
    )
    return redirect("volunteers:my_calendar")


@require_GET
def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's ICS feed; an unknown, old or malformed token is a 404 (it reveals nothing)."""
    user = tokens.user_for_token(token)
    if user is None:
        raise Http404(_("No such calendar."))
    response = _ics(feeds.person_feed(user, _feed_context(request)), "my-volunteer-service.ics")
    response.personal_data = True
    return response


@require_GET
def organisation_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's public ICS feed (what anyone may see on the portal)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    response = _ics(feeds.organisation_feed(organisation, _feed_context(request)), f"organisation-{pk}.ics")
    patch_cache_control(response, public=True, max_age=900)
    return response
