"""Who sees which activity: the public never learns when and where a branch meets; a member of
another community sees a members-only volunteer activity (and is told why they may not join) but
not another branch's organisation life; managers see their drafts. Tried through the pages too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from activities.access import visible_activities
from activities.models import ActivityKind, Eligibility
from tests.factories.volunteers import make_activity

E = Eligibility
LIFE = ActivityKind.ORGANISATION_LIFE

pytestmark = pytest.mark.django_db


@pytest.fixture
def activities(street):
    return {
        "open": make_activity(street["community1"], title="公开活动", eligibility=E.ANYONE),
        "members": make_activity(street["community1"], title="党员活动", eligibility=E.MEMBERS),
        "subtree": make_activity(street["community1"], title="一社区党员", eligibility=E.SUBTREE),
        "meeting": make_activity(
            street["branch1"],
            title="三月支委会",
            kind=LIFE,
            eligibility=E.SUBTREE,
        ),
        "draft": make_activity(street["community1"], title="草稿活动", open_now=False),
    }


def seen(user, activities) -> set[str]:
    visible = set(visible_activities(user).values_list("pk", flat=True))
    return {name for name, activity in activities.items() if activity.pk in visible}


def test_an_anonymous_visitor_sees_only_what_anyone_may_join(activities):
    assert seen(AnonymousUser(), activities) == {"open"}


def test_a_registered_volunteer_also_sees_members_activities_to_be_told_why_not(people, activities):
    assert seen(people["volunteer"], activities) == {"open", "members"}


def test_a_member_of_another_community_does_not_see_a_branchs_organisation_life(people, activities):
    assert seen(people["other_community"], activities) == {"open", "members", "subtree"}


def test_a_member_of_the_branch_sees_its_meetings(people, activities):
    assert seen(people["m1"], activities) == {"open", "members", "subtree", "meeting"}


def test_the_community_secretary_sees_everything_of_theirs_drafts_included(roles, activities):
    assert seen(roles["community_secretary"], activities) == set(activities)


def test_the_pages_answer_404_for_what_one_may_not_see(client, people, activities):
    meeting = reverse("volunteers:activity", args=[activities["meeting"].pk])
    assert client.get(meeting).status_code in (302, 404)  # anonymous: never the meeting's page
    assert "三月支委会" not in client.get(reverse("volunteers:activities")).content.decode()
    client.force_login(people["other_community"])
    assert client.get(meeting).status_code == 404
    assert client.post(reverse("volunteers:sign_up", args=[activities["meeting"].pk])).status_code == 404
    client.force_login(people["m1"])
    assert client.get(meeting).status_code == 200
