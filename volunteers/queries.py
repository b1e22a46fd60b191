"""Reads of the volunteer service several callers share: hours sums, my service, rosters.

Hours sums take a date range over the activities' start (local dates, both ends included) and
answer in one query whatever the number of sign-ups, people, teams or organisations asked about.
Hours count for the team of each activity (an activity of two teams counts for both) and for the
organiser's organisation and every organisation above it. A sign-up is credited when it is
confirmed and carries hours (CREDITED); every sum of hours, here and in the dashboard
(volunteers.dashboard), filters by that one condition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import LIVE_STATES, Activity
from core.tree import path_prefix_q
from orgchart.models import Organisation

from .models import LIVE_STATUSES, SignUp, SignUpStatus, Team

ZERO = Decimal("0.00")
_HOURS = DecimalField(max_digits=12, decimal_places=2)


# A sign-up credited with service hours.
CREDITED = Q(status=SignUpStatus.CONFIRMED, hours__gt=0)


def range_q(start: dt.date | None, end: dt.date | None, field: str = "activity__starts_at") -> Q:
    """Rows whose `field` (a time) falls on a local date from `start` to `end`, both included."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": timezone.make_aware(dt.datetime.combine(start, dt.time.min))})
    if end is not None:
        next_day = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
        q &= Q(**{f"{field}__lt": next_day})
    return q


def _credited(start: dt.date | None, end: dt.date | None) -> QuerySet[SignUp]:
    return SignUp.objects.filter(range_q(start, end), CREDITED)


def subtree_signups(root: Organisation, start: dt.date | None, end: dt.date | None) -> QuerySet[SignUp]:
    """Every sign-up for an activity organised in `root`'s subtree starting over the range (the
    organiser's subtree: the rule hours_by_organisation counts by)."""
    return SignUp.objects.filter(range_q(start, end), path_prefix_q(root.path, "activity__organiser__path"))


def subtree_activities(root: Organisation, start: dt.date | None, end: dt.date | None) -> QuerySet[Activity]:
    """Activities organised in `root`'s subtree starting over the range."""
    return Activity.objects.in_subtree(root).filter(range_q(start, end, "starts_at"))


def credited_signups(user, start: dt.date | None = None, end: dt.date | None = None) -> QuerySet[SignUp]:
    """One person's sign-ups credited with hours over the range (a certificate's rows)."""
    return _credited(start, end).filter(person=user)


def hours_for_person(user, start: dt.date | None = None, end: dt.date | None = None) -> Decimal:
    """One person's service hours over the range (one query)."""
    total = _credited(start, end).filter(person=user).aggregate(total=Sum("hours"))["total"]
    return (total or ZERO).quantize(ZERO)


def hours_by_person(user_ids: Iterable[int], start=None, end=None) -> dict[int, Decimal]:
    """{user id: hours} for the given people (one query; people with none are left out)."""
    rows = (
        _credited(start, end)
        .filter(person_id__in=list(user_ids))
        .values("person_id")
        .annotate(total=Sum("hours"))
        .values_list("person_id", "total")
    )
    return {pk: total.quantize(ZERO) for pk, total in rows}


def hours_by_team(teams: Iterable[Team | int], start=None, end=None) -> dict[int, Decimal]:
    """{team id: hours credited on the team's activities} (one query; every team asked is a key)."""
    ids = [t if isinstance(t, int) else t.pk for t in teams]
    rows = (
        _credited(start, end)
        .filter(activity__teams__in=ids)
        .values("activity__teams")
        .annotate(total=Sum("hours"))
        .values_list("activity__teams", "total")
    )
    found = {pk: total.quantize(ZERO) for pk, total in rows}
    return {pk: found.get(pk, ZERO) for pk in ids}


def hours_by_organisation(orgs: Iterable[Organisation], start=None, end=None) -> dict[int, Decimal]:
    """{organisation id: hours credited on activities organised in its subtree} (one query)."""
    orgs = list(orgs)
    if not orgs:
        return {}
    sums = {
        f"o{org.pk}": Coalesce(
            Sum("hours", filter=path_prefix_q(org.path, "activity__organiser__path")),
            Value(ZERO),
            output_field=_HOURS,
        )
        for org in orgs
    }
    row = _credited(start, end).aggregate(**sums)
    return {org.pk: Decimal(row[f"o{org.pk}"]).quantize(ZERO) for org in orgs}


def my_signups(user) -> QuerySet[SignUp]:
    return SignUp.objects.filter(person=user).select_related("activity", "activity__organiser")


def my_service(user) -> dict:
    """ "我的志愿服务": live sign-ups for activities still to come, the rest as history, total hours."""
    now = timezone.now()
    upcoming_q = Q(status__in=LIVE_STATUSES, activity__state__in=LIVE_STATES, activity__ends_at__gte=now)
    mine = my_signups(user)
    return {
        "upcoming": list(mine.filter(upcoming_q).order_by("activity__starts_at", "pk")),
        "history": list(mine.exclude(upcoming_q).order_by("-activity__starts_at", "-pk")[:100]),
        "hours": hours_for_person(user),
    }


def roster(activity: Activity) -> QuerySet[SignUp]:
    """Everyone signed up or waiting, with the names the organiser reads (member or volunteer)."""
    return (
        SignUp.objects.filter(activity=activity, status__in=LIVE_STATUSES)
        .select_related("person", "person__member", "person__volunteer__community")
        .order_by(F("confirmed_at").asc(nulls_last=True), "queued_at", "pk")
    )


def activity_counts(activity_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{activity id: {"held": places taken, "waiting": queue length}} in one query."""
    rows = (
        SignUp.objects.filter(activity_id__in=list(activity_ids))
        .values("activity_id")
        .annotate(
            held=Count("pk", filter=Q(status__in=(SignUpStatus.CONFIRMED, SignUpStatus.OFFERED))),
            waiting=Count("pk", filter=Q(status=SignUpStatus.WAITING)),
        )
    )
    return {row["activity_id"]: {"held": row["held"], "waiting": row["waiting"]} for row in rows}


def display_name(user) -> str:
    """A participant's name: their member record's, their volunteer record's, or the login's."""
    for attr in ("member", "volunteer"):
        try:
            return getattr(user, attr).name
        except ObjectDoesNotExist:
            continue
    return user.get_full_name() or user.get_username()


def my_calendar(user, start: dt.date, end: dt.date) -> QuerySet[SignUp]:
    """A person's sign-ups for activities starting over a date range (both ends included), by
    start; drafts left out (one query)."""
    return (
        my_signups(user)
        .filter(range_q(start, end))
        .exclude(activity__state="draft")
        .order_by("activity__starts_at", "activity_id", "pk")
    )
