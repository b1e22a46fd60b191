"""The public page of a recurring series: when it happens, in words, and its coming occurrences.

Seen by who sees its occurrences (activities.access.visible_series: the same rule on the
series' kind, eligibility and organiser); anyone else gets 404. The occurrences listed are those
the reader may see (activities.queries.upcoming_occurrences).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from activities import access as activity_access
from activities import queries as activity_queries
from activities import recurrence

from . import queries

# The most occurrences the page lists (a daily series generates eight weeks ahead).
MAX_LISTED = 60


def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(
        activity_access.visible_series(request.user).select_related("organiser"), pk=pk
    )
    occurrences = list(activity_queries.upcoming_occurrences(request.user).filter(series=series)[:MAX_LISTED])
    counts = queries.activity_counts(a.pk for a in occurrences)
    rows = [(a, counts.get(a.pk, {"held": 0, "waiting": 0})) for a in occurrences]
    return render(
        request,
        "volunteers/series_detail.html",
        {
            "series": series,
            "rule_words": recurrence.describe_series(series),
            "rows": rows,
            "teams": series.teams.all(),
            "can_manage": activity_access.can_manage_series(request.user, series),
        },
    )
