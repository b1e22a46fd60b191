"""Caches: subtree figures retired by every change to members, posts and the tree; anonymous
visitors' pages retired by publishing, unpublishing and a notice's expiry; never a cached page for a
logged-in user, a form with a token, or a members-only 404."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.dates import add_years
from orgchart import roster, services
from orgchart.cache import organisation_data_changed
from orgchart.models import Member, OrgKind, PostTitle
from orgchart.queries import cached_subtree_statistics
from portal import pagecache
from portal.models import Visibility
from portal.site import ensure_site
from tests.factories.orgchart import MemberFactory, make_org
from tests.factories.roster import roster_row, roster_xlsx, upload

from .content_support import notice

CHART_URL = "/chart/"


@pytest.fixture
def site(street):
    return ensure_site(street["street"])


def home_stats(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.context["stats"]


def queries_of(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# --- subtree figures ---------------------------------------------------------------------------


def test_cached_figures_cost_fewer_queries_than_computing_them(client, site, street, roles):
    client.force_login(roles["member"])
    client.get("/")  # warm the site's own look-ups
    organisation_data_changed()
    computed, _ = queries_of(client, "/")
    cached, response = queries_of(client, "/")
    assert response.context["stats"].members == 4
    assert cached <= computed - 4  # members aggregate, posts, organisations by kind, communities
    organisation_data_changed()
    chart_first, _ = queries_of(client, CHART_URL)
    chart_again, _ = queries_of(client, CHART_URL)
    assert chart_again <= chart_first - 4  # the same three, and the member count per node


def test_a_new_member_shows_on_the_next_request(client, site, street, roles):
    client.force_login(roles["member"])
    assert home_stats(client).members == 4
    MemberFactory(organisation=street["branch2"], name="新党员")
    assert home_stats(client).members == 5


def test_a_transfer_out_and_within_show_on_the_next_request(client, site, street, roles):
    client.force_login(roles["street_secretary"])
    client.get(f"{CHART_URL}?org={street['community2'].pk}")
    before = client.get(f"{CHART_URL}?org={street['community2'].pk}").context["stats"].members
    services.transfer_member(roles["other_member"], to_organisation=street["branch1"])
    assert client.get(f"{CHART_URL}?org={street['community2'].pk}").context["stats"].members == before - 1
    assert home_stats(client).members == 4
    services.transfer_member(Member.objects.get(pk=roles["other_member"].pk), outside_organisation="外区")
    assert home_stats(client).members == 3


def test_appoint_and_vacate_show_on_the_next_request(client, site, street, roles):
    client.force_login(roles["member"])
    post = services.ensure_post(street["branch2"], PostTitle.SECRETARY)
    vacant = home_stats(client).posts_vacant
    services.appoint(post, roles["other_member"])
    assert home_stats(client).posts_vacant == vacant - 1
    services.vacate(post)  # a queryset update: no post_save, the service's signal bumps
    assert home_stats(client).posts_vacant == vacant


def test_closing_an_organisation_shows_on_the_next_request(client, site, street, roles):
    client.force_login(roles["member"])
    empty = make_org(street["street"], OrgKind.COMMUNITY, name="空社区", code="SQ9")
    assert home_stats(client).organisations_by_kind[OrgKind.COMMUNITY] == 3
    services.close_organisation(empty)  # a queryset update as well
    assert home_stats(client).organisations_by_kind[OrgKind.COMMUNITY] == 2


def test_a_roster_import_shows_on_the_next_request(client, site, street, roles):
    client.force_login(roles["member"])
    assert home_stats(client).members == 4
    job = roster.start_import(
        upload(roster_xlsx([roster_row("SQ1-ZB1"), roster_row("SQ2-ZB1")])), actor=roles["street_secretary"]
    )
    assert job.imported_count == 2  # bulk_create: no post_save, the import bumps
    assert home_stats(client).members == 6


def test_figures_follow_the_date(street, roles):
    # A member turns 60 at midnight: the day is part of the key, so tomorrow is computed afresh.
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    MemberFactory(organisation=street["branch1"], birth_date=add_years(tomorrow, -60))
    aged_today = cached_subtree_statistics(street["street"], today).aged_60_plus
    assert cached_subtree_statistics(street["street"], tomorrow).aged_60_plus == aged_today + 1


# --- anonymous visitors' pages ------------------------------------------------------------------


def test_a_public_notice_is_served_from_the_cache_without_queries(client, site, street):
    page = notice(street["street"], title="公开通知", visibility=Visibility.PUBLIC)
    first = client.get(page.url)
    assert first.status_code == 200
    assert first[pagecache.HEADER] == "miss"
    count, again = queries_of(client, page.url)
    assert again[pagecache.HEADER] == "hit"
    assert count == 0
    assert "公开通知" in again.content.decode()


def test_a_published_change_is_visible_on_the_next_request(client, site, street):
    page = notice(street["street"], title="旧标题", visibility=Visibility.PUBLIC)
    index = client.get("/notices/")
    assert "旧标题" in client.get(page.url).content.decode()
    assert "旧标题" in index.content.decode()
    assert client.get("/notices/")[pagecache.HEADER] == "hit"

    page.title = "新标题"
    page.save_revision().publish()

    assert "新标题" in client.get(page.url).content.decode()
    assert "新标题" in client.get("/notices/").content.decode()


def test_an_unpublished_page_disappears_on_the_next_request(client, site, street):
    page = notice(street["street"], title="将撤回的通知", visibility=Visibility.PUBLIC)
    assert client.get(page.url).status_code == 200
    assert "将撤回的通知" in client.get("/notices/").content.decode()

    page.unpublish()

    assert client.get(page.url).status_code == 404
    assert "将撤回的通知" not in client.get("/notices/").content.decode()


def test_a_cached_list_ends_when_the_next_notice_expires(client, site, street):
    soon = timezone.now() + dt.timedelta(seconds=90)
    notice(street["street"], title="即将过期", visibility=Visibility.PUBLIC, expires_at=soon)
    response = client.get("/notices/")
    assert response[pagecache.HEADER] == "miss"
    timeout = pagecache.page_timeout(response.wsgi_request)
    assert 0 < timeout <= 90


def test_an_expired_notice_leaves_the_cached_list_when_it_expires(client, site, street):
    page = notice(
        street["street"],
        title="即将过期的通知",
        visibility=Visibility.PUBLIC,
        expires_at=timezone.now() + dt.timedelta(seconds=2),
    )
    listed = client.get("/notices/")
    assert "即将过期的通知" in listed.content.decode()
    assert listed[pagecache.HEADER] == "miss"
    time.sleep(2.2)  # time passes; no signal tells anyone
    later = client.get("/notices/")
    assert later[pagecache.HEADER] == "miss"  # the entry ended with the expiry
    assert "即将过期的通知" not in later.content.decode()
    assert client.get(page.url).status_code == 200  # the notice keeps its address


def test_pages_for_a_logged_in_member_are_never_cached(client, site, street, roles):
    page = notice(street["street"], title="公开通知", visibility=Visibility.PUBLIC)
    client.force_login(roles["member"])
    for url in ("/", page.url, "/notices/"):
        response = client.get(url)
        assert pagecache.HEADER not in response
    client.logout()
    assert client.get("/")[pagecache.HEADER] == "miss"


def test_a_members_only_page_404_is_not_cached_and_not_leaked(client, site, street, roles):
    page = notice(street["street"], title="内部通知", visibility=Visibility.MEMBERS)
    anonymous = client.get(page.url)
    assert anonymous.status_code == 404
    assert pagecache.HEADER not in anonymous
    client.force_login(roles["member"])
    assert client.get(page.url).status_code == 200
    client.logout()
    assert client.get(page.url).status_code == 404


def test_a_page_rendering_a_csrf_token_or_a_cookie_is_not_cached(client, site, street):
    # The login page renders a form token; it is not a Wagtail page either.
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert pagecache.HEADER not in response


def test_a_visitor_with_a_session_cookie_is_not_served_from_the_cache(client, site, street):
    assert client.get("/")[pagecache.HEADER] == "miss"
    assert client.get("/")[pagecache.HEADER] == "hit"
    client.cookies["sessionid"] = "not-a-session"
    assert pagecache.HEADER not in client.get("/")
