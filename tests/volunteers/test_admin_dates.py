"""The volunteers' admin lists show when things happen as a local day and time — in the future
too (Wagtail's relative DateColumn read "刚刚", "just now", for any future moment)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import series as series_rules
from activities.models import ActivityKind, Eligibility
from tests.factories.volunteers import make_activity

pytestmark = pytest.mark.django_db


def test_an_activity_starting_next_month_shows_its_day_and_time(client, street, roles):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(days=30))
    client.force_login(roles["community_secretary"])
    html = client.get(reverse("volunteers_activity:index")).content.decode()
    assert f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}" in html
    assert "刚刚" not in html


def test_a_series_next_occurrence_shows_its_day_and_time(client, street, roles):
    starts_on = timezone.localdate() + dt.timedelta(days=40)
    series_rules.create_series(
        actor=None,
        organiser=street["community1"],
        kind=ActivityKind.VOLUNTEER_SERVICE,
        title="周六社区清洁",
        place="社区活动中心",
        start_time=dt.time(9, 0),
        duration_minutes=120,
        capacity=5,
        eligibility=Eligibility.ANYONE,
        rule="FREQ=DAILY",
        starts_on=starts_on,
    )
    client.force_login(roles["community_secretary"])
    html = client.get(reverse("volunteers_series:index")).content.decode()
    assert f"{starts_on:%Y-%m-%d} 09:00" in html
    assert "刚刚" not in html
