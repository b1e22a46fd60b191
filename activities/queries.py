"""Reads of activities several callers share: the filtered list, the coming occurrences of series."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from core.tree import path_prefix_q
from orgchart.models import Organisation

from . import access
from .models import Activity


def month_range(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next, in the portal's time zone."""
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = timezone.make_aware(dt.datetime(year + (month == 12), month % 12 + 1, 1))
    return start, end


def activity_list(
    user,
    *,
    kind: str = "",
    organisation: Organisation | None = None,
    month: tuple[int, int] | None = None,
) -> QuerySet[Activity]:
    """Activities `user` may see, filtered by kind, organiser subtree and month, soonest first."""
    qs = access.visible_activities(user).select_related("organiser")
    if kind:
        qs = qs.filter(kind=kind)
    if organisation is not None:
        qs = qs.filter(path_prefix_q(organisation.path, "organiser__path"))
    if month is not None:
        start, end = month_range(*month)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return qs.order_by("starts_at", "pk")


def upcoming_occurrences(user, now: dt.datetime | None = None) -> QuerySet[Activity]:
    """Occurrences of recurring series `user` may see that are not over yet, soonest first (the
    series page and the API filter them by series)."""
    now = now or timezone.now()
    return (
        access.visible_activities(user)
        .filter(series__isnull=False, ends_at__gte=now)
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )
