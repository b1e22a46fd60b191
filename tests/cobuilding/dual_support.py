"""Builders of the dual reporting (双报到) tests: a unit's branch, employed members with logins
reported in to a community, activities on a given day, credited hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from activities.models import Eligibility
from cobuilding import services
from orgchart.models import MemberCategory, OrgKind
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from tests.factories.volunteers import make_activity
from volunteers.models import SignUp, SignUpStatus


def unit_branch(units):
    return make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")


def employed(branch, n: int, *, login: bool = True):
    return MemberFactory(
        organisation=branch,
        category=MemberCategory.EMPLOYED,
        user=UserFactory(username=f"zz{n}") if login else None,
        name=f"在职{n}",
    )


def reported_in(member, community, *, skills: str = "", reported_on: dt.date | None = None):
    return services.report_in(
        actor=None,
        member=member,
        community=community,
        reported_on=reported_on or timezone.localdate() - dt.timedelta(days=30),
        skills=skills,
    )


def subtree_activity(organiser, **fields):
    """An open activity for the members of the organiser's subtree."""
    fields.setdefault("eligibility", Eligibility.SUBTREE)
    return make_activity(organiser, **fields)


def activity_on(organiser, day: dt.date, **fields):
    activity = make_activity(organiser, **fields)
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    type(activity).objects.filter(pk=activity.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), signup_deadline=None
    )
    activity.refresh_from_db()
    return activity


def served(activity, member, hours: str) -> SignUp:
    return SignUp.objects.create(
        activity=activity, person=member.user, status=SignUpStatus.CONFIRMED, hours=Decimal(hours)
    )
