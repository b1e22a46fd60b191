"""Activities and teams in the Wagtail admin: scoped by the access rule, saved by the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from tests.factories.volunteers import make_activity
from volunteers.models import SignUpStatus, Team

pytestmark = pytest.mark.django_db


def _form(organiser, **overrides):
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=5)).replace(second=0, microsecond=0)
    data = {
        "organiser": organiser.pk,
        "kind": "volunteer_service",
        "meeting_type": "",
        "title": "敬老院慰问",
        "description": "",
        "place": "敬老院",
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (starts + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "capacity": "8",
        "signup_deadline": "",
        "cancel_cutoff_hours": "2",
        "eligibility": "anyone",
        "open_now": "on",
    }
    data.update(overrides)
    return data


def test_secretary_lists_only_their_communitys_activities(client, street, roles):
    mine = make_activity(street["community1"], title="一社区活动")
    make_activity(street["community2"], title="二社区活动", starts_in=dt.timedelta(days=4))
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("volunteers_activity:index"))
    assert page.status_code == 200
    body = page.content.decode()
    assert mine.title in body and "二社区活动" not in body


def test_secretary_cannot_edit_another_communitys_activity(client, street, roles):
    other = make_activity(street["community2"])
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("volunteers_activity:edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("volunteers_activity:edit", args=[other.pk]), _form(street["community2"]))
    assert response.status_code == 404


def test_create_through_the_admin_and_bad_input_is_a_form_error(client, street, roles):
    client.force_login(roles["community_secretary"])
    add = reverse("volunteers_activity:add")
    bad = _form(street["community1"], capacity="0")
    response = client.post(add, bad)
    assert response.status_code == 200 and "capacity" in response.context["form"].errors
    backwards = _form(street["community1"])
    backwards["ends_at"], backwards["starts_at"] = backwards["starts_at"], backwards["ends_at"]
    response = client.post(add, backwards)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Activity.objects.exists()
    outside = client.post(add, _form(street["community2"]))
    assert outside.status_code == 200 and "organiser" in outside.context["form"].errors
    assert client.post(add, _form(street["community1"])).status_code == 302
    created = Activity.objects.get()
    assert created.organiser == street["community1"] and created.state == "open"
    assert created.created_by == roles["community_secretary"]


def test_edit_adding_places_offers_them_to_the_waiting_list(client, street, roles, people):
    from volunteers import services

    activity = make_activity(street["community1"], capacity=1)
    services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    client.force_login(roles["community_secretary"])
    data = _form(street["community1"], capacity="2")
    data.pop("organiser")
    data.pop("open_now")
    response = client.post(reverse("volunteers_activity:edit", args=[activity.pk]), data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_member_without_a_post_cannot_open_the_admin_listing(client, street, roles):
    client.force_login(roles["member"])
    assert client.get(reverse("volunteers_activity:index")).status_code in (302, 403)


def test_teams_listing_is_scoped(client, street, roles):
    Team.objects.create(organisation=street["community1"], name="一社区志愿队")
    Team.objects.create(organisation=street["community2"], name="二社区志愿队")
    client.force_login(roles["community_secretary"])
    body = client.get(reverse("volunteers_team:index")).content.decode()
    assert "一社区志愿队" in body and "二社区志愿队" not in body


def test_team_created_in_the_admin_and_others_teams_not_editable(client, street, roles, people):
    other = Team.objects.create(organisation=street["community2"], name="二社区志愿队")
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("volunteers_team:edit", args=[other.pk])).status_code == 404
    activity = make_activity(street["community1"])
    response = client.post(
        reverse("volunteers_team:add"),
        {
            "organisation": street["community1"].pk,
            "name": "党员先锋队",
            "kind": "members",
            "description": "",
            "leaders": [people["m1"].pk],
            "members": [people["m2"].pk, people["volunteer"].pk],
            "activities": [activity.pk],
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="党员先锋队")
    assert list(team.leaders.all()) == [people["m1"]] and list(team.activities.all()) == [activity]
    # A person of another community is not offered.
    response = client.post(
        reverse("volunteers_team:add"),
        {
            "organisation": street["community1"].pk,
            "name": "x",
            "kind": "members",
            "leaders": [people["volunteer2"].pk],
        },
    )
    assert response.status_code == 200 and "leaders" in response.context["form"].errors
