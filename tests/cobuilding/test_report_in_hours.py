"""Hours of reported-in members: counted at the residence community and credited back to the home
branch; only on the community's activities, only while the report-in was open; two queries at
1× and 10× the members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cobuilding import queries, services
from orgchart.models import MemberCategory, OrgKind
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from tests.factories.volunteers import make_activity
from volunteers.models import SignUp, SignUpStatus

pytestmark = pytest.mark.django_db


def _activity(organiser, day: dt.date):
    activity = make_activity(organiser)
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    type(activity).objects.filter(pk=activity.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), signup_deadline=None
    )
    activity.refresh_from_db()
    return activity


def _served(activity, member, hours: str) -> None:
    SignUp.objects.create(
        activity=activity, person=member.user, status=SignUpStatus.CONFIRMED, hours=Decimal(hours)
    )


@pytest.fixture
def hospital_branch(units):
    return make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")


def _employed(branch, n: int):
    return MemberFactory(
        organisation=branch,
        category=MemberCategory.EMPLOYED,
        user=UserFactory(username=f"zz{n}"),
        name=f"在职{n}",
    )


def test_hours_count_at_the_community_and_at_the_home_branch(street, hospital_branch):
    year = timezone.localdate().year - 1  # last year: every date below is in the past
    served, idle = _employed(hospital_branch, 1), _employed(hospital_branch, 2)
    for member in (served, idle):
        services.report_in(
            actor=None, member=member, community=street["community1"], reported_on=dt.date(year, 3, 1)
        )
    in_community = _activity(street["branch1"], dt.date(year, 5, 1))  # in community 1's subtree
    elsewhere = _activity(street["community2"], dt.date(year, 5, 2))
    before = _activity(street["community1"], dt.date(year, 2, 1))
    _served(in_community, served, "3")
    _served(elsewhere, served, "5")
    _served(before, served, "7")

    rows = {
        row.report_in.member.name: row for row in queries.community_report_ins(street["community1"], year)
    }
    assert rows["在职1"].hours == Decimal("3.00") and rows["在职1"].served
    assert rows["在职2"].hours == 0 and not rows["在职2"].served  # reported in, not served this year
    home = {
        row.report_in.member.name: row.hours for row in queries.home_branch_report_ins(hospital_branch, year)
    }
    assert home == {"在职1": Decimal("3.00"), "在职2": Decimal("0.00")}
    assert queries.community_report_ins(street["community2"], year) == []


def test_hours_after_the_report_in_ended_are_not_credited(street, hospital_branch):
    year = timezone.localdate().year - 1  # last year: every date below is in the past
    member = _employed(hospital_branch, 1)
    report = services.report_in(
        actor=None, member=member, community=street["community1"], reported_on=dt.date(year, 1, 2)
    )
    services.end_report_in(report, actor=None, ended_on=dt.date(year, 4, 30))
    _served(_activity(street["community1"], dt.date(year, 4, 1)), member, "2")
    _served(_activity(street["community1"], dt.date(year, 6, 1)), member, "4")
    (row,) = queries.home_branch_report_ins(hospital_branch, year)
    assert row.hours == Decimal("2.00")


def test_reports_take_two_queries_at_one_and_ten_times_the_members(
    street, hospital_branch, django_assert_num_queries
):
    year = timezone.localdate().year - 1  # last year: every date below is in the past
    activity = _activity(street["community1"], dt.date(year, 5, 1))
    sizes = []
    made = 0
    for count in (2, 18):
        for _ in range(count):
            made += 1
            member = _employed(hospital_branch, made)
            services.report_in(
                actor=None, member=member, community=street["community1"], reported_on=dt.date(year, 1, 2)
            )
            _served(activity, member, "1.5")
        with django_assert_num_queries(2):
            rows = queries.community_report_ins(street["community1"], year)
        with django_assert_num_queries(2):
            queries.home_branch_report_ins(hospital_branch, year)
        sizes.append((len(rows), sum(row.hours for row in rows)))
    assert sizes == [(2, Decimal("3.00")), (20, Decimal("30.00"))]


def test_hours_through_the_api_for_the_community_and_the_home_branch(street, hospital_branch, roles):
    from rest_framework.test import APIClient

    from tests.factories.orgchart import make_post_holder

    year = timezone.localdate().year - 1
    member = _employed(hospital_branch, 1)
    services.report_in(
        actor=None, member=member, community=street["community1"], reported_on=dt.date(year, 1, 2)
    )
    _served(_activity(street["community1"], dt.date(year, 5, 1)), member, "2.5")
    community = APIClient()
    community.force_authenticate(roles["community_secretary"])
    url = "/api/cobuilding/report-ins/hours/"
    rows = community.get(
        url, {"organisation": street["community1"].pk, "side": "community", "year": year}
    ).json()
    assert [(row["report_in"]["member_name"], row["hours"], row["served"]) for row in rows] == [
        ("在职1", "2.50", True)
    ]
    home = APIClient()
    home.force_authenticate(make_post_holder(hospital_branch, "yiyuan", branch=hospital_branch))
    rows = home.get(url, {"organisation": hospital_branch.pk, "side": "home", "year": year}).json()
    assert [row["hours"] for row in rows] == ["2.50"]
    # Not theirs: 404; bad parameters: 400.
    assert (
        community.get(url, {"organisation": hospital_branch.pk, "side": "home", "year": year}).status_code
        == 404
    )
    assert community.get(url, {"organisation": 999999, "side": "home", "year": year}).status_code == 404
    assert (
        community.get(url, {"organisation": street["community1"].pk, "side": "x", "year": "abc"}).status_code
        == 400
    )
