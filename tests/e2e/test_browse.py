"""Browse the portal in a real browser: log in, open the organisation chart, open members lists."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("username", ["jiedao", "shequ", "dangyuan"])
def test_each_demo_user_logs_in_and_opens_the_organisation_chart(portal, page, screenshot, street, username):
    log_in(page, portal.url, username)
    assert page.locator("h1").first.inner_text() == street["street"].name
    screenshot(page, "home")

    page.click("nav.site-nav a[href='/chart/']")
    page.wait_for_url(portal.url + "/chart/")
    tree = page.locator("nav.org-tree")
    for key in ("street", "community1", "community2", "union"):
        assert tree.get_by_role("link", name=street[key].name, exact=True).is_visible()
    # The chart opens on the user's own part of the tree: the street for the street secretary,
    # their community for the community secretary and the member. Its figures and charts show.
    landing = {"jiedao": "street", "shequ": "community1", "dangyuan": "community1"}[username]
    assert page.locator("#stats-title").inner_text() == street[landing].name
    assert page.locator("#stats figure.chart").count() >= 4
    screenshot(page, "chart")

    # Open a community's branch in the tree, then look at its figures.
    page.locator("nav.org-tree details summary", has_text=street["community2"].name).locator(
        "a"
    ).first.click()
    page.wait_for_url(f"**/chart/?org={street['community2'].pk}#stats")
    assert page.locator("#stats-title").inner_text() == street["community2"].name
    assert page.get_by_role("link", name=street["branch2"].name, exact=True).is_visible()

    page.set_viewport_size(PHONE)
    page.goto(portal.url + "/chart/")
    screenshot(page, "chart-phone")
    # Nothing is wider than the phone's screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_member_cannot_open_another_communitys_members(portal, page, screenshot, street):
    log_in(page, portal.url, "dangyuan")
    response = page.goto(f"{portal.url}/orgchart/{street['community2'].pk}/members/")
    assert response.status == 403
    assert page.get_by_test_id("error-403").is_visible()
    assert page.get_by_test_id("members-table").count() == 0
    screenshot(page, "forbidden")

    # Nor does the chart offer the link.
    page.goto(f"{portal.url}/chart/?org={street['community2'].pk}")
    assert page.get_by_test_id("members-link").count() == 0


def test_street_secretary_opens_the_members_of_both_communities(portal, page, screenshot, street, roles):
    log_in(page, portal.url, "jiedao")
    for key, member_name in (
        ("community1", roles["own_member"].name),
        ("community2", roles["other_member"].name),
    ):
        page.goto(f"{portal.url}/chart/?org={street[key].pk}")
        page.get_by_test_id("members-link").click()
        page.wait_for_url(f"**/orgchart/{street[key].pk}/members/")
        table = page.get_by_test_id("members-table")
        assert table.get_by_role("link", name=member_name, exact=True).is_visible()
        screenshot(page, f"members-{key}")

    page.get_by_role("link", name=roles["other_member"].name, exact=True).click()
    page.wait_for_url(f"**/orgchart/members/{roles['other_member'].pk}/")
    assert page.locator("h1").inner_text() == roles["other_member"].name
    screenshot(page, "member-detail")
    page.set_viewport_size(PHONE)
    page.goto(f"{portal.url}/orgchart/{street['community2'].pk}/members/")
    screenshot(page, "members-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
