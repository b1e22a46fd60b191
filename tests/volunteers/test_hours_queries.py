"""Hours add up per person, team and organisation subtree over a date range, in one query each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.orgchart import MemberFactory, UserFactory
from tests.factories.volunteers import make_activity
from volunteers import queries
from volunteers.models import SignUp, SignUpStatus, Team

pytestmark = pytest.mark.django_db


def _credit(activity, users, hours: str = "2.00") -> None:
    SignUp.objects.bulk_create(
        SignUp(
            activity=activity,
            person=u,
            status=SignUpStatus.CONFIRMED,
            queued_at=timezone.now(),
            hours=Decimal(hours),
        )
        for u in users
    )


def _data(street, scale: int):
    """`scale` activities in each community, each with 3 people credited 2 hours."""
    team1 = Team.objects.create(organisation=street["community1"], name=f"一队{scale}")
    team2 = Team.objects.create(organisation=street["community2"], name=f"二队{scale}")
    users = []
    for i in range(3):
        user = UserFactory(username=f"h{scale}-{i}")
        MemberFactory(organisation=street["branch1"], user=user)
        users.append(user)
    day = timezone.now() - dt.timedelta(days=10)
    for n in range(scale):
        for org, team in ((street["community1"], team1), (street["branch2"], team2)):
            activity = make_activity(org, starts_at=day + dt.timedelta(hours=3 * n), open_now=False)
            team.activities.add(activity)
            _credit(activity, users)
    return users, (team1, team2)


@pytest.mark.parametrize("scale", [1, 10])
def test_hours_sums_take_one_query_each_whatever_the_data(street, django_assert_num_queries, scale):
    users, teams = _data(street, scale)
    start = timezone.localdate() - dt.timedelta(days=30)
    end = timezone.localdate()
    orgs = [street["street"], street["community1"], street["community2"]]
    with django_assert_num_queries(1):
        person = queries.hours_for_person(users[0], start, end)
    with django_assert_num_queries(1):
        by_person = queries.hours_by_person([u.pk for u in users], start, end)
    with django_assert_num_queries(1):
        by_team = queries.hours_by_team(teams, start, end)
    with django_assert_num_queries(1):
        by_org = queries.hours_by_organisation(orgs, start, end)
    per_activity = Decimal("6.00")  # three people, two hours each
    assert person == Decimal("4.00") * scale
    assert by_person == {u.pk: Decimal("4.00") * scale for u in users}
    assert by_team == {teams[0].pk: per_activity * scale, teams[1].pk: per_activity * scale}
    assert by_org == {
        street["street"].pk: 2 * per_activity * scale,
        street["community1"].pk: per_activity * scale,
        street["community2"].pk: per_activity * scale,
    }


def test_hours_outside_the_range_do_not_count(street):
    users, teams = _data(street, 1)
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    assert queries.hours_for_person(users[0], long_ago, long_ago + dt.timedelta(days=30)) == Decimal("0")
    assert queries.hours_by_team(teams, long_ago, long_ago) == {t.pk: Decimal("0") for t in teams}
