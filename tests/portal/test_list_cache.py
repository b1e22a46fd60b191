"""Member lists from the list cache (portal/listcache.py): shared by readers with the same audience,
never by readers with different ones, and retired by publishing, unpublishing and transfers."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from orgchart import services
from portal.listcache import audience_key
from portal.models import Visibility
from tests.factories.orgchart import MemberFactory, UserFactory

from .content_support import notice


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def seen(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", ["/", "/notices/"])
def test_a_members_only_notice_never_reaches_a_member_outside_its_audience_through_the_cache(
    client, site, street, people, url
):
    notice(street["community1"], title="一社区内部通知", visibility=Visibility.MEMBERS)
    assert "一社区内部通知" in seen(client, people["member"], url)  # fills the cache for community 1

    assert "一社区内部通知" not in seen(client, people["member2"], url)
    client.logout()
    assert "一社区内部通知" not in client.get(url).content.decode()


def test_members_of_one_branch_share_an_audience_and_others_do_not(street, people):
    own = people["member"]
    neighbour = UserFactory(username="linju")
    MemberFactory(organisation=street["branch1"], user=neighbour, name="同支部党员")
    assert audience_key(own) == audience_key(neighbour)
    assert audience_key(own) != audience_key(people["member2"])
    assert audience_key(own) != audience_key(people["community_secretary"])  # manages a subtree


@pytest.mark.parametrize("url", ["/", "/notices/"])
def test_a_notice_published_for_a_member_shows_on_their_next_request(client, site, street, people, url):
    notice(street["community1"], title="第一条通知", visibility=Visibility.MEMBERS)
    assert "第一条通知" in seen(client, people["member"], url)

    notice(street["community1"], title="新发布的通知", visibility=Visibility.MEMBERS)

    assert "新发布的通知" in seen(client, people["member"], url)


def test_an_unpublished_notice_leaves_a_members_lists_on_the_next_request(client, site, street, people):
    page = notice(street["community1"], title="将撤回的内部通知", visibility=Visibility.MEMBERS)
    assert "将撤回的内部通知" in seen(client, people["member"], "/notices/")
    assert "将撤回的内部通知" in seen(client, people["member"], "/")

    page.unpublish()

    assert "将撤回的内部通知" not in seen(client, people["member"], "/notices/")
    assert "将撤回的内部通知" not in seen(client, people["member"], "/")


def test_a_transferred_member_sees_their_new_communitys_notices_at_once(client, site, street, roles, people):
    notice(street["community1"], title="一社区的通知", visibility=Visibility.MEMBERS)
    notice(street["community2"], title="二社区的通知", visibility=Visibility.MEMBERS)
    member_user = people["member"]
    before = seen(client, member_user, "/notices/")
    assert "一社区的通知" in before and "二社区的通知" not in before

    # The street secretary manages both sides: the transfer is accepted at once.
    services.transfer_member(
        member_user.member, to_organisation=street["branch2"], reason="搬家", actor=roles["street_secretary"]
    )

    after = seen(client, member_user, "/notices/")
    assert "二社区的通知" in after and "一社区的通知" not in after


def test_the_unread_count_falls_when_the_member_reads_a_notice(client, site, street, people):
    first = notice(street["community1"], title="待读通知甲", visibility=Visibility.MEMBERS)
    notice(street["community1"], title="待读通知乙", visibility=Visibility.MEMBERS)
    client.force_login(people["member"])
    assert client.get("/").context["unread_notices"] == 2

    client.get(first.url)

    assert client.get("/").context["unread_notices"] == 1


def test_a_filtered_list_is_computed_not_cached_and_bad_filters_still_answer(client, site, street, people):
    notice(street["community1"], title="一社区筛选通知", visibility=Visibility.MEMBERS)
    client.force_login(people["member"])
    filtered = client.get("/notices/", {"org": street["community2"].pk})
    assert "一社区筛选通知" not in filtered.content.decode()
    bad = client.get("/notices/", {"month": "两千年"})
    assert bad.status_code == 200
    assert "一社区筛选通知" in bad.content.decode()
