"""The home page routes a URL in two queries whatever its depth, and answers as Wagtail would:
the deepest page on the path serves it, a draft or a missing page is 404."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from portal.models import Visibility

from .content_support import notice, section


def test_a_page_deep_in_the_tree_is_found_and_served(client, site, street):
    page = notice(
        street["group1"], title="党小组的公开通知", visibility=Visibility.PUBLIC, slug="xiaozu-tongzhi"
    )
    response = client.get(page.url)
    assert response.status_code == 200
    assert "党小组的公开通知" in response.content.decode()
    assert page.url.count("/") >= 5  # street / community / branch / group / notice


def test_routing_costs_the_same_queries_at_every_depth(client, site, street):
    shallow = notice(street["street"], visibility=Visibility.PUBLIC)
    deep = notice(street["group1"], visibility=Visibility.PUBLIC)
    for page in (shallow, deep):  # the site look-up and version stamps come from the cache after
        client.get(page.url, HTTP_COOKIE="messages=x")
    with CaptureQueriesContext(connection) as shallow_ctx:
        assert client.get(shallow.url, HTTP_COOKIE="messages=x").status_code == 200
    with CaptureQueriesContext(connection) as deep_ctx:
        assert client.get(deep.url, HTTP_COOKIE="messages=x").status_code == 200
    assert len(deep_ctx.captured_queries) == len(shallow_ctx.captured_queries)


def test_a_draft_page_is_not_found(client, site, street):
    page = notice(street["community1"], title="草稿", visibility=Visibility.PUBLIC)
    page.unpublish()
    assert client.get(page.url).status_code == 404


def test_a_missing_page_under_a_real_section_is_not_found(client, site, street):
    assert client.get(section(street["community1"]).url + "no-such-page/").status_code == 404
    assert client.get("/no-such-section/no-such-page/").status_code == 404


def test_a_slug_at_another_depth_or_in_another_branch_is_not_reached(client, site, street):
    page = notice(street["community2"], visibility=Visibility.PUBLIC, slug="only-in-two")
    assert client.get(page.url).status_code == 200
    one = section(street["community1"]).url
    assert client.get(one + "only-in-two/").status_code == 404  # the slug lives under community 2
    assert client.get("/only-in-two/").status_code == 404  # and one level deeper


def test_a_section_that_is_not_live_still_leads_to_its_live_pages(client, site, street):
    # Wagtail routes through pages on the way whatever their state; only the page served must be live.
    page = notice(street["branch1"], title="支部公开通知", visibility=Visibility.PUBLIC)
    Page.objects.filter(pk=section(street["branch1"]).pk).update(live=False)
    assert client.get(page.url).status_code == 200
