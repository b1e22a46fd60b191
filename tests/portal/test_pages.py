"""The public pages: home, organisation chart, members lists, member records, login, error pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgchart import services
from orgchart.models import OrgKind
from portal.site import ensure_site
from tests.factories.orgchart import MemberFactory, make_org

CHART_URL = "/chart/"
ROLES = ["street_secretary", "community_secretary", "member", "outsider", "superuser", "anonymous"]


@pytest.fixture
def site(street):
    return ensure_site(street["street"])


def client_as(client, roles, role):
    if role != "anonymous":
        client.force_login(roles[role])
    return client


def members_url(org) -> str:
    return reverse("orgchart:org_members", args=[org.pk])


def detail_url(member) -> str:
    return reverse("orgchart:member_detail", args=[member.pk])


def grow_tree(street, communities: int, members_per_branch: int) -> None:
    """Add communities, each with two branches (one with a group) and members."""
    for i in range(communities):
        community = make_org(street["street"], OrgKind.COMMUNITY, name=f"扩展社区{i}")
        for j in range(2):
            branch = make_org(community, OrgKind.BRANCH, name=f"扩展社区{i}支部{j}")
            if j == 0:
                make_org(branch, OrgKind.GROUP, name=f"扩展社区{i}支部{j}小组")
            MemberFactory.create_batch(members_per_branch, organisation=branch)


def count_queries(client, url: str) -> int:
    client.get(url)  # warm caches (site root paths, content types) as a running server has them
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- home page ---------------------------------------------------------------------------------


def test_home_page_shows_the_street_name_and_headline_figures(client, site, street, roles):
    # A manager of the street: its 4 members are a small group, whose breakdowns a plain member
    # sees as "fewer than 5" (tests/orgchart/test_small_groups.py).
    client.force_login(roles["street_secretary"])
    response = client.get("/")
    assert response.status_code == 200
    assert street["street"].name in response.content.decode()
    stats = response.context["stats"]
    assert stats.members == 4
    assert stats.aged_60_plus == 4  # the factory's members are born in 1960
    assert response.context["communities"] == 2
    assert 'class="figure-value">4<' in response.content.decode()


def test_home_page_links_managers_to_admin_and_members_to_their_record(client, site, roles):
    client.force_login(roles["street_secretary"])
    page = client.get("/").content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in page
    assert f'href="{CHART_URL}"' in page

    client.force_login(roles["member"])
    page = client.get("/").content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' not in page
    assert f'href="{reverse("orgchart:my_record")}"' in page


def test_anonymous_visitors_are_sent_to_the_login_page(client, site, street):
    # The home page is public since the notices issue; everything below still needs a login.
    for url in (CHART_URL, members_url(street["community1"]), reverse("orgchart:my_record")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_login_page_logs_in_and_wrong_password_says_so(client, site, roles):
    assert client.get(reverse("login")).status_code == 200
    bad = client.post(reverse("login"), {"username": "dangyuan", "password": "wrong"})
    assert bad.status_code == 200
    assert bad.context["form"].non_field_errors()
    good = client.post(reverse("login"), {"username": "dangyuan", "password": "demo12345"})
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(CHART_URL).status_code == 302


# --- organisation chart -----------------------------------------------------------------------


def test_chart_page_serves_at_chart_not_under_the_orgchart_views(client, site, roles):
    client.force_login(roles["member"])
    assert client.get(CHART_URL).status_code == 200


def test_chart_page_renders_the_whole_tree_nested(client, site, street, roles):
    client.force_login(roles["member"])
    response = client.get(CHART_URL)
    page = response.content.decode()
    for org in street.values():
        assert org.name in page
    tree = response.context["tree"]
    assert [n.org for n in tree] == [street["street"]]
    children = [n.org for n in tree[0].children]
    assert children == [street["community1"], street["community2"], street["union"]]
    assert tree[0].children[0].children[0].children[0].org == street["group1"]
    assert tree[0].members == 4 and tree[0].children[0].members == 3
    assert page.count("<details") == 5  # street, two communities, two branches; groups are leaves


def test_chart_page_shows_the_selected_nodes_statistics_as_charts(client, site, street, roles):
    # A manager: community 2's single member is a small group, hidden from a plain member.
    client.force_login(roles["street_secretary"])
    response = client.get(CHART_URL, {"org": street["community2"].pk})
    assert response.context["selected"] == street["community2"]
    assert response.context["stats"].members == 1
    page = response.content.decode()
    assert page.count('<figure class="chart') == len(response.context["charts"]) >= 5
    assert "<svg" in page  # donuts
    assert 'class="bar-fill"' in page  # bars
    # The selected node's ancestors are open so it can be seen.
    tree = response.context["tree"]
    assert tree[0].is_open and tree[0].children[1].is_open and tree[0].children[1].is_selected
    assert not tree[0].children[0].is_open


@pytest.mark.parametrize(
    "role, sees_link",
    [("street_secretary", True), ("community_secretary", True), ("member", False), ("outsider", False)],
)
def test_chart_page_links_to_members_only_for_those_who_may_see_them(
    client, site, street, roles, role, sees_link
):
    client.force_login(roles[role])
    response = client.get(CHART_URL, {"org": street["community1"].pk})
    assert response.status_code == 200
    assert (members_url(street["community1"]) in response.content.decode()) is sees_link


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "999999", "1' OR 1=1"])
def test_chart_page_unknown_or_malformed_node_is_404_not_500(client, site, roles, bad):
    client.force_login(roles["member"])
    response = client.get(CHART_URL, {"org": bad})
    assert response.status_code == 404
    assert b'data-testid="error-404"' in response.content


def test_closed_organisations_are_left_out_of_the_chart(client, site, street, roles):
    services.close_organisation(street["union"])
    client.force_login(roles["street_secretary"])
    assert street["union"].name not in client.get(CHART_URL).content.decode()
    assert client.get(CHART_URL, {"org": street["union"].pk}).status_code == 404


def test_chart_page_query_count_does_not_grow_with_the_tree(
    client, site, street, roles, django_assert_num_queries
):
    client.force_login(roles["street_secretary"])
    url = f"{CHART_URL}?org={street['community1'].pk}"
    small = count_queries(client, url)
    grow_tree(street, communities=6, members_per_branch=3)
    client.get(url)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["tree"][0].children) == 9


# --- members of a node ------------------------------------------------------------------------

MEMBERS_MATRIX = {
    # role: (community 1, community 2)
    "street_secretary": (200, 200),
    "community_secretary": (200, 403),
    "member": (403, 403),
    "outsider": (403, 403),
    "superuser": (200, 200),
    "anonymous": (302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_a_communitys_members(client, site, street, roles, role):
    client_as(client, roles, role)
    got = tuple(client.get(members_url(street[key])).status_code for key in ("community1", "community2"))
    assert got == MEMBERS_MATRIX[role]


def test_member_cannot_open_another_communitys_members(client, site, street, roles):
    client.force_login(roles["member"])
    response = client.get(members_url(street["community2"]))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="error-403"' in page
    assert roles["other_member"].name not in page


def test_members_list_shows_the_subtree_with_masked_mobiles(client, site, street, roles):
    client.force_login(roles["community_secretary"])
    response = client.get(members_url(street["community1"]))
    page = response.content.decode()
    own = roles["own_member"]
    assert own.name in page and roles["other_member"].name not in page
    assert own.masked_mobile in page and own.mobile not in page
    assert response.context["page_obj"].paginator.count == 3


@pytest.mark.parametrize(
    "url", ["/orgchart/abc/members/", "/orgchart/999999/members/", "/orgchart/-1/members/"]
)
def test_members_list_of_unknown_node_is_404(client, site, roles, url):
    client.force_login(roles["street_secretary"])
    assert client.get(url).status_code == 404


def test_members_list_bad_page_number_shows_a_page_not_an_error(client, site, street, roles):
    client.force_login(roles["street_secretary"])
    for page in ("abc", "999", "-3"):
        assert client.get(members_url(street["street"]), {"page": page}).status_code == 200


def test_members_list_query_count_does_not_grow_with_members(
    client, site, street, roles, django_assert_num_queries
):
    client.force_login(roles["street_secretary"])
    url = members_url(street["street"])
    small = count_queries(client, url)
    grow_tree(street, communities=4, members_per_branch=8)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 4 + 4 * 2 * 8


# --- member detail ----------------------------------------------------------------------------

DETAIL_MATRIX = {
    # role: (own member of community 1, member of community 2)
    "street_secretary": (200, 200),
    "community_secretary": (200, 404),
    "member": (200, 404),
    "outsider": (404, 404),
    "superuser": (200, 200),
    "anonymous": (302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_a_member_record(client, site, roles, role):
    client_as(client, roles, role)
    got = tuple(client.get(detail_url(roles[key])).status_code for key in ("own_member", "other_member"))
    assert got == DETAIL_MATRIX[role]


def test_managers_and_the_member_see_the_full_id_number_lists_show_it_nowhere(client, site, street, roles):
    own = roles["own_member"]
    for role in ("community_secretary", "member"):
        client.force_login(roles[role])
        page = client.get(detail_url(own)).content.decode()
        assert own.id_number in page and own.mobile in page
    client.force_login(roles["street_secretary"])
    page = client.get(members_url(street["street"])).content.decode()
    assert own.id_number not in page and own.mobile not in page and own.masked_mobile in page


def test_member_record_lists_posts_held_and_transfers(client, site, street, roles):
    member = roles["other_member"]
    services.transfer_member(member, to_organisation=street["branch1"], reason="搬家")
    client.force_login(roles["street_secretary"])
    response = client.get(detail_url(member))
    assert [t.to_organisation for t in response.context["transfers"]] == [street["branch1"]]
    assert "搬家" in response.content.decode()

    secretary = roles["community_secretary"].member
    response = client.get(detail_url(secretary))
    assert [t.post.organisation for t in response.context["tenures"]] == [street["community1"]]


@pytest.mark.parametrize("url", ["/orgchart/members/abc/", "/orgchart/members/999999/"])
def test_unknown_member_is_404(client, site, roles, url):
    client.force_login(roles["superuser"])
    response = client.get(url)
    assert response.status_code == 404
    assert b'data-testid="error-404"' in response.content


def test_my_record_takes_a_member_to_their_own_record(client, site, roles):
    client.force_login(roles["member"])
    response = client.get(reverse("orgchart:my_record"))
    assert response.status_code == 302
    assert response.url == detail_url(roles["own_member"])


def test_my_record_explains_when_the_account_has_no_member_record(client, site, roles):
    client.force_login(roles["outsider"])
    response = client.get(reverse("orgchart:my_record"))
    assert response.status_code == 200
    assert "orgchart/no_record.html" in [t.name for t in response.templates]


# --- site bootstrap ---------------------------------------------------------------------------


def test_ensure_site_is_idempotent_and_moves_an_old_chart_page_off_orgchart(street, client, roles):
    from portal.models import HomePage, OrgChartPage

    home = ensure_site(street["street"])
    assert ensure_site(street["street"]).pk == home.pk
    assert HomePage.objects.count() == 1 and OrgChartPage.objects.count() == 1
    chart = OrgChartPage.objects.get()
    chart.slug = "orgchart"
    chart.save()
    ensure_site(street["street"])
    chart.refresh_from_db()
    assert chart.slug == "chart" and chart.url_path.endswith("/chart/")
    client.force_login(roles["member"])
    assert client.get(CHART_URL).status_code == 200


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("street_secretary", "street"),
        ("community_secretary", "community1"),
        ("member", "community1"),
        ("outsider", "street"),
        ("superuser", "street"),
    ],
)
def test_chart_opens_on_the_users_own_part_of_the_tree(client, site, street, roles, role, landing):
    client.force_login(roles[role])
    response = client.get(CHART_URL)
    assert response.context["selected"] == street[landing]
