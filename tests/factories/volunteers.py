"""Activities and volunteers for tests, made through the services like the app makes them."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, ActivityKind, Eligibility
from volunteers.models import Volunteer

from .orgchart import UserFactory

_mobiles = itertools.count(1)


def make_activity(
    organiser, *, starts_in: dt.timedelta = dt.timedelta(days=3), hours: float = 2, **fields
) -> Activity:
    """An open activity of `organiser` starting `starts_in` from now and lasting `hours`."""
    starts_at = fields.pop("starts_at", None) or timezone.now() + starts_in
    values = {
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "title": "社区环境整治",
        "place": "社区活动中心",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=hours),
        "capacity": 5,
        "eligibility": Eligibility.ANYONE,
        "cancel_cutoff_hours": 2,
    }
    values.update(fields)
    open_now = values.pop("open_now", True)
    return activity_services.create_activity(actor=None, organiser=organiser, open_now=open_now, **values)


def make_volunteer(community, username: str | None = None, name: str = "志愿者", **fields) -> Volunteer:
    user = UserFactory(**({"username": username} if username else {}))
    return Volunteer.objects.create(
        user=user,
        name=name,
        mobile=fields.pop("mobile", f"137{next(_mobiles):08d}"),
        community=community,
        **fields,
    )


def started(activity: Activity, ago: dt.timedelta = dt.timedelta(minutes=10)) -> Activity:
    """Move an activity's times so it started `ago` (keeping its length), straight in the database."""
    length = activity.ends_at - activity.starts_at
    starts_at = timezone.now() - ago
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=starts_at, ends_at=starts_at + length, signup_deadline=None
    )
    activity.refresh_from_db()
    return activity
