"""Dual reporting opens the residence community's "subtree" activities to its reported-in members
(volunteers.scopes, filled by cobuilding): sign-up, the activity page, the list; not organisation
life, not another community's, not after the report-in ended; the sign-up's queries do not grow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from activities.models import ActivityKind
from cobuilding import services as cobuilding_services
from volunteers import access, scopes, services
from volunteers.models import SignUpStatus

from .dual_support import employed, reported_in, subtree_activity, unit_branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(units):
    return unit_branch(units)


def test_the_scope_is_registered_by_cobuilding():
    from cobuilding.eligibility import reported_in_members_q

    assert reported_in_members_q in scopes._scopes


def test_a_reported_in_member_may_sign_up_for_the_communitys_activities(street, branch):
    member = employed(branch, 1)
    community_activity = subtree_activity(street["community1"])
    branch_activity = subtree_activity(street["branch1"], title="楼道清洁")
    other_community = subtree_activity(street["community2"], title="别的社区")
    assert not access.may_sign_up(member.user, community_activity)  # not yet reported in

    reported_in(member, street["community1"])
    member.user.refresh_from_db()
    assert access.may_sign_up(member.user, community_activity)
    assert access.may_sign_up(member.user, branch_activity)  # in the community's subtree
    assert not access.may_sign_up(member.user, other_community)
    signup = services.sign_up(community_activity, actor=member.user)
    assert signup.status == SignUpStatus.CONFIRMED
    with pytest.raises(ValidationError) as refused:
        services.sign_up(other_community, actor=member.user)
    assert refused.value.code == "not_eligible"


def test_organisation_life_stays_with_the_home_branch(street, branch):
    member = employed(branch, 1)
    reported_in(member, street["community1"])
    meeting = subtree_activity(street["branch1"], kind=ActivityKind.ORGANISATION_LIFE, title="党员大会")
    assert not access.may_sign_up(member.user, meeting)


def test_an_ended_report_in_stops_it(street, branch):
    member = employed(branch, 1)
    report = reported_in(member, street["community1"])
    activity = subtree_activity(street["community1"])
    assert access.may_sign_up(member.user, activity)
    cobuilding_services.end_report_in(report, actor=None)
    assert not access.may_sign_up(member.user, activity)


def test_the_street_level_and_home_rules_are_unchanged(street, branch, roles):
    member = employed(branch, 1)
    reported_in(member, street["community1"])
    street_activity = subtree_activity(street["street"], title="街道活动")
    # The street's subtree holds the unit and so the member's own branch: admitted as before.
    assert access.may_sign_up(member.user, street_activity)
    community_activity = subtree_activity(street["community1"])
    assert access.may_sign_up(roles["member"], community_activity)  # a member of community 1
    assert not access.may_sign_up(roles["outsider"], community_activity)


def test_the_page_and_the_list_show_the_activity_without_a_refusal(client, street, branch):
    member = employed(branch, 1)
    reported_in(member, street["community1"])
    activity = subtree_activity(street["community1"])
    client.force_login(member.user)
    listed = client.get(reverse("volunteers:activities"))
    assert activity in [row[0] for row in listed.context["rows"]]
    page = client.get(reverse("volunteers:activity", args=[activity.pk]))
    assert page.status_code == 200 and page.context["refusal"] is None


def _sign_up_queries(user, activity) -> list[str]:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/activities/{activity.pk}/sign-up/")
    assert response.status_code == 201, response.content
    return [q["sql"] for q in queries.captured_queries]


def test_the_sign_up_queries_do_not_grow(street, branch, roles):
    """A member of the organiser's subtree signs up in as many queries as before the member
    scopes (the organisation came with the user: no eligibility query); a reported-in member's
    eligibility is ONE query (the subtree and the report-in in one EXISTS), asked before the
    activity's row is locked, with the other checks of the actor."""
    reported = employed(branch, 1)
    reported_in(reported, street["community1"])
    home = roles["member"]  # of branch 1 in community 1
    own = _sign_up_queries(home, subtree_activity(street["community1"], title="甲"))
    dual = _sign_up_queries(reported.user, subtree_activity(street["community1"], title="乙"))
    assert len(own) == BASELINE_SIGN_UP_QUERIES
    assert len(dual) == len(own) + 1
    (eligibility,) = [i for i, sql in enumerate(dual) if "cobuilding_reportin" in sql]
    overlapping = next(i for i, sql in enumerate(dual) if sql.startswith('SELECT "volunteers_signup"'))
    assert eligibility < overlapping  # before the duplicate/clash check, so before the lock


# Measured on the code before the member scopes (a member of the organiser's subtree signing up
# through the API with a token; the test transaction's savepoints included).
BASELINE_SIGN_UP_QUERIES = 10
