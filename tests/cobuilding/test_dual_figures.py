"""Hours of reported-in members count twice, as the issue asks: in the residence community's
volunteer-service figures (the dashboard counts by organiser subtree, whoever served) and in the
home branch's report of its members reported in elsewhere — and not in the home branch's own
dashboard, whose subtree organised nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cobuilding import queries
from tests.factories.orgchart import make_post_holder
from volunteers import services as volunteer_services
from volunteers.dashboard import dashboard

from .dual_support import activity_on, employed, reported_in, subtree_activity, unit_branch

pytestmark = pytest.mark.django_db


def test_hours_count_in_the_community_dashboard_and_the_home_report(client, street, units, roles):
    branch = unit_branch(units)
    member = employed(branch, 1)
    year = timezone.localdate().year
    reported_in(member, street["community1"], reported_on=dt.date(year, 1, 1))
    # Signed up through the service (dual reporting admits them), then credited as a finished one.
    activity = subtree_activity(street["branch1"], title="楼道清洁")
    signup = volunteer_services.sign_up(activity, actor=member.user)
    day = max(timezone.localdate() - dt.timedelta(days=1), dt.date(year, 1, 1))
    done = activity_on(street["branch1"], day, title="已完成")
    type(signup).objects.filter(pk=signup.pk).update(activity=done, hours=Decimal("2.5"))

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    assert dashboard(street["community1"], start, end).total.hours == Decimal("2.50")
    assert dashboard(street["street"], start, end).total.hours == Decimal("2.50")
    assert dashboard(street["community2"], start, end).total.hours == 0
    assert dashboard(branch, start, end).total.hours == 0  # the unit organised nothing
    (row,) = queries.home_branch_report_ins(branch, year)
    assert row.hours == Decimal("2.50")

    client.force_login(roles["community_secretary"])
    page = client.get(
        reverse("volunteers:dashboard"),
        {
            "org": street["community1"].pk,
            "start": start.isoformat(),
            "end": min(end, timezone.localdate()).isoformat(),
        },
    )
    assert page.status_code == 200 and page.context["board"].total.hours == Decimal("2.50")
    client.force_login(make_post_holder(branch, "yiyuan", branch=branch))
    home = client.get(reverse("cobuilding_dual:home", args=[branch.pk]))
    assert home.context["total"] == Decimal("2.50")
