"""The co-building admin lists show days as dates: a need's wanted period, an agreement's term, a
resource's availability, a decision's due day — in the future too (Wagtail's relative DateColumn
read "刚刚", "just now", for any future day)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.cobuilding import make_agreement, make_need, make_resource

from .meetings_support import decide, make_meeting

pytestmark = pytest.mark.django_db


def test_admin_lists_show_future_days_as_dates(client, street, units, roles):
    today = timezone.localdate()
    soon, later = today + dt.timedelta(days=10), today + dt.timedelta(days=400)
    community = street["community1"]
    agreement = make_agreement(community, units["hospital"], starts_on=today, ends_on=later)
    make_resource(community, units["hospital"], available_from=soon, available_until=later)
    make_need(community, wanted_from=soon, wanted_until=later)
    meeting = make_meeting(community, [agreement], day=today + dt.timedelta(days=1))
    decide(meeting, later, owner_unit_org=units["hospital"])
    client.force_login(roles["community_secretary"])
    for name in ("cobuilding_agreement", "cobuilding_resource", "cobuilding_need", "cobuilding_decision"):
        html = client.get(reverse(f"{name}:index")).content.decode()
        assert f"{later:%Y-%m-%d}" in html, name
        assert "刚刚" not in html, name
