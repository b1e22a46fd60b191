"""Reads shared by the pages, the export and the figures: scoped, with a constant number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from orgchart.models import Organisation

from . import access
from .models import Housing, Resident


def resident_list(
    user, *, community: Organisation | None = None, status: str = "registered"
) -> QuerySet[Resident]:
    """Registrations `user` may list, with what a list row shows loaded in the same query."""
    qs = access.visible_residents(user).select_related("community", "housing")
    if community is not None:
        qs = qs.in_subtree(community)
    if status == "registered":
        qs = qs.registered()
    elif status == "left":
        qs = qs.filter(left_on__isnull=False)
    return qs.order_by("community__path", "-arrived_on", "pk")


def housing_list(user) -> QuerySet[Housing]:
    """Housing `user` may see, each with its registered tenants counted (one query)."""
    return with_tenant_counts(access.visible_housing(user).select_related("community", "landlord"))


def with_tenant_counts(qs: QuerySet[Housing]) -> QuerySet[Housing]:
    return qs.annotate(tenant_count=Count("tenants", filter=Q(tenants__left_on__isnull=True)))


def overcrowded(qs: QuerySet[Housing]) -> QuerySet[Housing]:
    """群租: more registered tenants than beds."""
    return with_tenant_counts(qs).filter(tenant_count__gt=F("beds"))


def by_category(root: Organisation) -> dict[tuple[int, str], int]:
    """(community id, category) → registered residents, in `root`'s subtree."""
    rows = (
        Resident.objects.registered()
        .in_subtree(root)
        .values("community", "category")
        .annotate(n=Count("pk"))
        .values_list("community", "category", "n")
    )
    return {(community, category): n for community, category, n in rows}


def per_month(root: Organisation, field: str, since: dt.date) -> dict[dt.date, int]:
    """Month (first day) → registrations whose `field` date (arrived_on or left_on) falls in it."""
    rows = (
        Resident.objects.in_subtree(root)
        .filter(**{f"{field}__gte": since})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return {(m.date() if isinstance(m, dt.datetime) else m): n for m, n in rows}


def month_starts(today: dt.date, months: int = 12) -> list[dt.date]:
    """The first days of the last `months` months, oldest first, this month last."""
    year, month = today.year, today.month
    out = []
    for _i in range(months):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]
