"""Who the community secretaries of a street were over a period, read from the tree's tenures,
and when each community's secretary post stood vacant (two queries whatever the street's size)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from orgchart.models import COMMUNITY_KINDS, Organisation, PostTitle, Tenure

from .types import DateSpan, Stint


def communities(street: Organisation, start: dt.date) -> list[Organisation]:
    """The community party organisations directly under `street` still open on `start` or after
    (one query)."""
    return list(
        Organisation.objects.in_subtree(street)
        .filter(depth=street.depth + 1, kind__in=COMMUNITY_KINDS)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .order_by("path")
    )


def community_stints(
    street: Organisation, start: dt.date, until: dt.date
) -> tuple[list[Stint], dict[int, list[DateSpan]]]:
    """Every tenure of a community's secretary post sharing a day with [start, until], clipped to
    it, and per community the spans of [start, until] no tenure covers (two queries).

    A community closed during the period is judged up to its closing day, one founded during it
    from its founding day.
    """
    found = communities(street, start)
    by_id = {org.pk: org for org in found}
    rows = (
        Tenure.objects.filter(
            post__title=PostTitle.SECRETARY,
            post__organisation_id__in=list(by_id),
            started_on__lte=until,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values_list(
            "post__organisation_id", "member_id", "member__user_id", "member__name", "started_on", "ended_on"
        )
        .order_by("post__organisation_id", "started_on", "pk")
    )
    stints: list[Stint] = []
    covered: dict[int, list[DateSpan]] = defaultdict(list)
    for org_id, member_id, user_id, name, started_on, ended_on in rows:
        org = by_id[org_id]
        last = min(until, ended_on or until, org.closed_on or until)
        span = DateSpan(max(start, started_on), last)
        if span.end < span.start:
            continue
        stints.append(Stint(member_id, user_id, name, org_id, org.path, span))
        covered[org_id].append(span)
    vacancies = {}
    for org in found:
        # A community is judged from its founding (when recorded) to its closing.
        whole = DateSpan(max(start, org.established_on or start), min(until, org.closed_on or until))
        vacancies[org.pk] = gaps(whole, covered[org.pk]) if whole.end >= whole.start else []
    return stints, vacancies


def gaps(whole: DateSpan, spans: list[DateSpan]) -> list[DateSpan]:
    """The parts of `whole` none of `spans` covers, in order."""
    found = []
    cursor = whole.start
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > cursor:
            found.append(DateSpan(cursor, min(span.start - dt.timedelta(days=1), whole.end)))
        cursor = max(cursor, span.end + dt.timedelta(days=1))
        if cursor > whole.end:
            break
    if cursor <= whole.end:
        found.append(DateSpan(cursor, whole.end))
    return [g for g in found if g.end >= g.start]
