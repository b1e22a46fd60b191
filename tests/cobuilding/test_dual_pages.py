"""Pages of dual reporting: the community's reported-in members (filter, invitations, export) and
the home branch's members reported in elsewhere (export); access, forged ids, bad input, constant
queries at 1× and 10× the members."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cobuilding import dual
from inbox.models import Notification
from tests.factories.orgchart import make_post_holder

from .dual_support import activity_on, employed, reported_in, served, subtree_activity, unit_branch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def branch(units):
    return unit_branch(units)


@pytest.fixture
def branch_secretary(branch):
    return make_post_holder(branch, "yiyuan", branch=branch)


def _past_day() -> dt.date:
    """A day this year before today (or today on 1 January)."""
    today = timezone.localdate()
    return max(today - dt.timedelta(days=1), dt.date(today.year, 1, 1))


@pytest.fixture
def scene(street, branch):
    """Two members of the hospital's branch reported in to community 1: one served 3 hours there
    this year, one has not."""
    start = dt.date(timezone.localdate().year, 1, 1)
    busy, idle = employed(branch, 1), employed(branch, 2)
    reported_in(busy, street["community1"], skills="医疗咨询", reported_on=start)
    reported_in(idle, street["community1"], skills="法律咨询", reported_on=start)
    served(activity_on(street["branch1"], _past_day()), busy, "3")
    return {"busy": busy, "idle": idle}


def _members(response) -> dict[str, Decimal]:
    return {row.report_in.member.name: row.hours for row in response.context["rows"]}


def test_the_community_sees_who_reported_in_and_who_has_not_served(client, street, roles, scene):
    client.force_login(roles["community_secretary"])
    url = reverse("cobuilding_dual:community", args=[street["community1"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert _members(page) == {"在职1": Decimal("3.00"), "在职2": Decimal("0.00")}
    assert "医院第一党支部" in page.content.decode() and "法律咨询" in page.content.decode()
    waiting = client.get(url, {"filter": "not-served"})
    assert _members(waiting) == {"在职2": Decimal("0.00")}


def test_the_home_branch_sees_its_members_hours_where_they_live(
    client, street, branch, branch_secretary, scene
):
    client.force_login(branch_secretary)
    page = client.get(reverse("cobuilding_dual:home", args=[branch.pk]))
    assert page.status_code == 200
    assert _members(page) == {"在职1": Decimal("3.00"), "在职2": Decimal("0.00")}
    assert page.context["total"] == Decimal("3.00")
    assert "第1社区党委" in page.content.decode()


def test_exports(client, street, branch, roles, branch_secretary, scene):
    client.force_login(roles["community_secretary"])
    response = client.get(reverse("cobuilding_dual:community-export", args=[street["community1"].pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows[0]) == 6  # the header row
    assert {(r[0], r[1], r[2], r[5]) for r in rows[1:]} == {
        ("在职1", "医院第一党支部", "医疗咨询", 3),
        ("在职2", "医院第一党支部", "法律咨询", 0),
    }
    client.force_login(branch_secretary)
    response = client.get(reverse("cobuilding_dual:home-export", args=[branch.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {(r[0], r[1], r[5]) for r in rows[1:]} == {
        ("在职1", "第1社区党委", 3),
        ("在职2", "第1社区党委", 0),
    }


def test_access_forged_ids_and_bad_years(client, street, branch, roles, branch_secretary, scene):
    community = street["community1"]
    urls = [
        reverse("cobuilding_dual:community", args=[community.pk]),
        reverse("cobuilding_dual:community-export", args=[community.pk]),
        reverse("cobuilding_dual:home", args=[community.pk]),
    ]
    client.force_login(roles["member"])  # a plain member: manages nothing
    assert {client.get(url).status_code for url in urls} == {403}
    assert client.get(reverse("cobuilding_dual:index")).status_code == 403
    client.force_login(branch_secretary)  # manages the hospital's branch, not community 1
    assert {client.get(url).status_code for url in urls} == {404}
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("cobuilding_dual:community", args=[street["community2"].pk])).status_code == 404
    assert client.get(reverse("cobuilding_dual:home", args=[999999])).status_code == 404
    bad = client.get(urls[0], {"year": "x1"})
    assert bad.status_code == 400 and bad.context["error"]
    assert client.get(urls[0], {"year": "1999"}).status_code == 400
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to the sign-in page


def test_the_index_links_the_reports(client, street, roles):
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("cobuilding_dual:index"))
    assert page.status_code == 200
    assert reverse("cobuilding_dual:community", args=[street["community1"].pk]) in page.content.decode()


def _levels(response) -> list[str]:
    return [m.level_tag for m in response.context["messages"]]


def _invite(client, community, **data):
    return client.post(reverse("cobuilding_dual:invite", args=[community.pk]), data, follow=True)


def test_invitations_reach_the_not_served_once_per_activity(client, street, roles, scene, branch):
    community = street["community1"]
    no_login = employed(branch, 3, login=False)
    reported_in(no_login, community, reported_on=dt.date(timezone.localdate().year, 1, 1))
    activity = subtree_activity(street["branch1"], title="环境整治")
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("cobuilding_dual:community", args=[community.pk]))
    assert activity in page.context["activities"]
    assert {row.report_in.member.name for row in page.context["invitable"]} == {"在职2", "在职3"}

    response = _invite(client, community, activity=activity.pk, who="all")
    assert response.status_code == 200
    told = Notification.objects.filter(cause_key=f"cobuilding-invitation:{activity.pk}")
    assert list(told.values_list("recipient_id", flat=True)) == [scene["idle"].user_id]
    (note,) = told
    assert note.url == reverse("volunteers:activity", args=[activity.pk])
    assert _levels(response) == ["success"]

    again = _invite(client, community, activity=activity.pk, who="chosen", member=[scene["idle"].pk])
    assert told.count() == 1  # once per member and activity
    assert _levels(again) == ["success"]
    result = dual.invite_not_served(
        actor=roles["community_secretary"], community=community, activity_id=activity.pk
    )
    assert (result.invited, result.already, result.no_login) == (0, 1, 1)
    # The invited member may sign up (a subtree activity of the community: dual reporting).
    from volunteers import access as volunteer_access

    assert volunteer_access.may_sign_up(scene["idle"].user, activity)


def test_invitations_refuse_bad_activities_and_members(client, street, roles, scene):
    community = street["community1"]
    elsewhere = subtree_activity(street["community2"], title="别的社区活动")
    draft = subtree_activity(community, title="草稿", open_now=False)
    past = activity_on(community, _past_day(), title="已结束")
    mine = subtree_activity(community, title="本社区活动")
    client.force_login(roles["community_secretary"])
    actor = roles["community_secretary"]
    for activity_id in (elsewhere.pk, draft.pk, past.pk, "junk", 999999, ""):
        response = _invite(client, community, activity=activity_id, who="all")
        assert response.status_code == 200 and _levels(response) == ["error"]
        with pytest.raises(ValidationError) as refused:
            dual.invite_not_served(actor=actor, community=community, activity_id=activity_id)
        assert refused.value.code == "not_invitable"
    for members in ([scene["busy"].pk], [999999], ["junk"]):  # served already, forged, junk
        response = _invite(client, community, activity=mine.pk, who="chosen", member=members)
        assert _levels(response) == ["error"]
    with pytest.raises(ValidationError) as refused:
        dual.invite_not_served(
            actor=actor, community=community, activity_id=mine.pk, member_ids=[scene["busy"].pk]
        )
    assert refused.value.code == "unknown_member"
    response = _invite(client, community, activity=mine.pk, who="chosen")
    assert _levels(response) == ["error"]
    with pytest.raises(ValidationError) as refused:
        dual.invite_not_served(actor=actor, community=community, activity_id=mine.pk, member_ids=[])
    assert refused.value.code == "no_members"
    with pytest.raises(PermissionDenied):
        dual.invite_not_served(actor=roles["member"], community=community, activity_id=mine.pk)
    assert not Notification.objects.filter(cause_key__startswith="cobuilding-invitation").exists()
    # Another community's post-holder: 404; a plain member: 403; GET: 405.
    client.force_login(make_post_holder(street["community2"], "shequ2x", branch=street["branch2"]))
    assert _invite(client, community, activity=mine.pk, who="all").status_code == 404
    client.force_login(roles["member"])
    assert _invite(client, community, activity=mine.pk, who="all").status_code == 403
    assert client.get(reverse("cobuilding_dual:invite", args=[community.pk])).status_code == 405


def test_pages_take_the_same_queries_at_one_and_ten_times_the_members(
    client, street, branch, roles, branch_secretary, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = street["community1"]
    activity = activity_on(street["branch1"], _past_day())
    subtree_activity(community, title="开放活动")
    start = dt.date(timezone.localdate().year, 1, 1)
    pages = [
        (roles["community_secretary"], reverse("cobuilding_dual:community", args=[community.pk])),
        (roles["community_secretary"], reverse("cobuilding_dual:community-export", args=[community.pk])),
        (branch_secretary, reverse("cobuilding_dual:home", args=[branch.pk])),
        (branch_secretary, reverse("cobuilding_dual:home-export", args=[branch.pk])),
    ]
    counts = []
    made = 0
    for size in (2, 18):
        for _ in range(size):
            made += 1
            member = employed(branch, 100 + made)
            reported_in(member, community, reported_on=start, skills="技能")
            if made % 2:
                served(activity, member, "1")
        sizes = []
        for user, url in pages:
            client.force_login(user)
            client.get(url)  # warm: the site's own caches (menus, site name) are not ours
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
    assert made == 20


def test_invitations_take_the_same_queries_at_one_and_ten_times_the_members(
    street, branch, roles, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = street["community1"]
    start = dt.date(timezone.localdate().year, 1, 1)
    counts = []
    made = 0
    for size in (2, 18):
        activity = subtree_activity(community, title=f"活动{size}", starts_in=dt.timedelta(days=3 + size))
        for _ in range(size):
            made += 1
            reported_in(employed(branch, 200 + made), community, reported_on=start)
        actor = type(roles["community_secretary"]).objects.get(pk=roles["community_secretary"].pk)
        with CaptureQueriesContext(connection) as queries:
            result = dual.invite_not_served(actor=actor, community=community, activity_id=activity.pk)
        counts.append(len(queries))
        assert result.invited == made
    assert counts[0] == counts[1]


def test_the_admin_menu_links_the_pages_for_post_holders_only(client, roles):
    index = reverse("cobuilding_dual:index")
    client.force_login(roles["community_secretary"])
    assert index in client.get(reverse("wagtailadmin_home")).content.decode()
