"""Helpers for the evidence tests: secretaries with tenures in the past, study records, result and
notice pages, done activities and credited sign-ups, all at chosen (Asia/Shanghai) times."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, ActivityKind, ActivityState, Eligibility
from orgchart.models import Post, PostTitle, Tenure
from portal.models import StudyRecord
from tests.factories.orgchart import MemberFactory, UserFactory
from tests.portal.content_support import notice, result, study
from volunteers.models import SignUp, SignUpStatus

_n = itertools.count(1)


def at(day: dt.date, hour: int = 14, minute: int = 0) -> dt.datetime:
    """An aware Asia/Shanghai time on `day`."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def secretary(community, branch, started_on: dt.date, ended_on: dt.date | None = None, *, login: bool = True):
    """A member of `branch` holding `community`'s secretary post from `started_on` to `ended_on`."""
    n = next(_n)
    user = UserFactory(username=f"shuji{n}") if login else None
    member = MemberFactory(organisation=branch, user=user, name=f"书记{n}")
    post, _created = Post.objects.get_or_create(organisation=community, title=PostTitle.SECRETARY)
    Tenure.objects.create(post=post, member=member, started_on=started_on, ended_on=ended_on)
    return member


def record(member, material, day: dt.date, reflection: str = "") -> StudyRecord:
    return StudyRecord.objects.create(
        member=member, material=material, studied_on=day, minutes=30, reflection=reflection
    )


def activity(
    organiser, when: dt.datetime, *, kind=ActivityKind.VOLUNTEER_SERVICE, state=ActivityState.DONE, **fields
):
    """An activity of `organiser` starting at `when`, two hours long, moved to `state`."""
    made = activity_services.create_activity(
        actor=None,
        organiser=organiser,
        open_now=True,
        kind=kind,
        title=fields.pop("title", f"活动{next(_n)}"),
        place="社区活动中心",
        starts_at=when,
        ends_at=when + dt.timedelta(hours=2),
        capacity=100,
        eligibility=Eligibility.ANYONE,
        **fields,
    )
    Activity.objects.filter(pk=made.pk).update(state=state)
    made.state = state
    return made


def credit(act: Activity, users, hours: str = "2", *, status=SignUpStatus.CONFIRMED, checked_in: bool = True):
    SignUp.objects.bulk_create(
        [
            SignUp(
                activity=act,
                person=user,
                status=status,
                confirmed_at=act.starts_at if status == SignUpStatus.CONFIRMED else None,
                checked_in_at=act.starts_at if checked_in else None,
                hours=Decimal(hours),
            )
            for user in users
        ]
    )


__all__ = ["at", "secretary", "record", "activity", "credit", "notice", "result", "study"]
