"""The JSON API under /api/: who may call what (an access matrix), what each role sees, tokens,
and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory

from orgchart import services
from orgchart.models import Member, Organisation, OrgKind
from orgchart.serializers import MemberSerializer
from tests.factories.orgchart import MemberFactory, make_org

from .api_support import ROLES, client_for, db_state, new_member_payload

# ---------------------------------------------------------------------------------------------
# The access matrix: every role × every endpoint, read and write.


@pytest.fixture
def ctx(street, roles):
    """The `street` and `roles` fixtures plus an empty second branch in community 1."""
    return {**street, **roles, "branch1b": make_org(street["community1"], OrgKind.BRANCH, code="SQ1-ZB2")}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[dict], str]
    # Expected status per role, in the order of ROLES:
    # anonymous, street_secretary, community_secretary, member, outsider, superuser.
    expected: tuple[int, int, int, int, int, int]
    payload: Callable[[dict], dict] | None = None

    @property
    def writes(self) -> bool:
        return self.method != "get"


def _org(key: str, suffix: str = "") -> Callable[[dict], str]:
    return lambda c: f"/api/organisations/{c[key].pk}/{suffix}"


def _member(key: str, suffix: str = "") -> Callable[[dict], str]:
    return lambda c: f"/api/members/{c[key].pk}/{suffix}"


CASES = [
    # Reading the tree and its figures: any signed-in user.
    Case("tree", "get", lambda c: "/api/organisations/", (401, 200, 200, 200, 200, 200)),
    Case("organisation", "get", _org("community2"), (401, 200, 200, 200, 200, 200)),
    Case("statistics", "get", _org("community2", "statistics/"), (401, 200, 200, 200, 200, 200)),
    Case("me", "get", lambda c: "/api/me/", (401, 200, 200, 200, 200, 200)),
    # Members: those you may not see are not there (404).
    Case("members", "get", lambda c: "/api/members/", (401, 200, 200, 200, 200, 200)),
    Case("own member (community 1)", "get", _member("own_member"), (401, 200, 200, 200, 404, 200)),
    Case("member of community 2", "get", _member("other_member"), (401, 200, 404, 404, 404, 200)),
    # Changing the tree: managers of that subtree only.
    Case(
        "create under community 1",
        "post",
        lambda c: "/api/organisations/",
        (401, 201, 201, 403, 403, 201),
        lambda c: {"parent": c["community1"].pk, "name": "新支部", "code": "NEW-1", "kind": "branch"},
    ),
    Case(
        "create under community 2",
        "post",
        lambda c: "/api/organisations/",
        (401, 201, 403, 403, 403, 201),
        lambda c: {"parent": c["community2"].pk, "name": "新支部", "code": "NEW-2", "kind": "branch"},
    ),
    Case(
        "create a new street",
        "post",
        lambda c: "/api/organisations/",
        (401, 403, 403, 403, 403, 201),
        lambda c: {"parent": None, "name": "新街道", "code": "JD2", "kind": "street_committee"},
    ),
    Case(
        "rename branch in community 1",
        "patch",
        _org("branch1"),
        (401, 200, 200, 403, 403, 200),
        lambda c: {"name": "改名支部"},
    ),
    Case(
        "rename branch in community 2",
        "patch",
        _org("branch2"),
        (401, 200, 403, 403, 403, 200),
        lambda c: {"name": "改名支部"},
    ),
    Case(
        "move group within community 1",
        "post",
        _org("group1", "move/"),
        (401, 200, 200, 403, 403, 200),
        lambda c: {"parent": c["branch1b"].pk},
    ),
    Case(
        "move group of community 2 into community 1",
        "post",
        _org("group2", "move/"),
        (401, 200, 403, 403, 403, 200),
        lambda c: {"parent": c["branch1b"].pk},
    ),
    Case(
        "move own group out to community 2",  # manages the group, not the new parent
        "post",
        _org("group1", "move/"),
        (401, 200, 403, 403, 403, 200),
        lambda c: {"parent": c["branch2"].pk},
    ),
    Case(
        "close empty branch in community 1",
        "post",
        _org("branch1b", "close/"),
        (401, 200, 200, 403, 403, 200),
    ),
    Case("close the street's union", "post", _org("union", "close/"), (401, 200, 403, 403, 403, 200)),
    # Members: writers manage the member's branch; viewers who may not edit get 403; others 404.
    Case(
        "register member in community 1",
        "post",
        lambda c: "/api/members/",
        (401, 201, 201, 403, 403, 201),
        lambda c: new_member_payload(c["branch1"]),
    ),
    Case(
        "register member in community 2",
        "post",
        lambda c: "/api/members/",
        (401, 201, 403, 403, 403, 201),
        lambda c: new_member_payload(c["branch2"]),
    ),
    Case(
        "edit own member (community 1)",
        "patch",
        _member("own_member"),
        (401, 200, 200, 403, 404, 200),
        lambda c: {"mobile": "13700000000"},
    ),
    Case(
        "edit member of community 2",
        "patch",
        _member("other_member"),
        (401, 200, 404, 404, 404, 200),
        lambda c: {"mobile": "13700000000"},
    ),
    Case(
        "transfer member of community 1 to community 2",
        "post",
        _member("own_member", "transfer/"),
        (401, 201, 201, 403, 404, 201),
        lambda c: {"to_organisation": c["branch2"].pk, "reason": "搬家"},
    ),
    Case(
        "transfer member of community 2 out of the street",
        "post",
        _member("other_member", "transfer/"),
        (401, 201, 404, 404, 404, 201),
        lambda c: {"outside_organisation": "外区某党支部"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_access_matrix(ctx, case, role):
    """Each role gets the status the access rule gives it; a refused write writes nothing."""
    client = client_for(role, ctx)
    before = db_state()
    payload = case.payload(ctx) if case.payload else {}
    response = getattr(client, case.method)(case.url(ctx), payload, format="json")
    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if case.writes:
        assert (db_state() != before) == (expected < 400)
    else:
        assert db_state() == before


def test_anonymous_request_is_told_to_authenticate_with_a_token(ctx):
    response = APIClient().get("/api/members/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["detail"] == "身份认证信息未提供。"


def test_session_write_without_csrf_token_is_refused(ctx):
    client = client_for("community_secretary", ctx, enforce_csrf_checks=True)
    before = db_state()
    response = client.patch(f"/api/organisations/{ctx['branch1'].pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert db_state() == before


# ---------------------------------------------------------------------------------------------
# What each role sees.


def _member_names(client: APIClient, query: str = "") -> set[str]:
    response = client.get(f"/api/members/{query}")
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


def test_community_secretary_lists_only_community_1s_members(ctx):
    names = _member_names(client_for("community_secretary", ctx))
    assert names == {"jiedao书记", "shequ书记", "普通党员"}


def test_street_secretary_and_superuser_list_every_member_of_the_street(ctx):
    everyone = {"jiedao书记", "shequ书记", "普通党员", "二社区党员"}
    assert _member_names(client_for("street_secretary", ctx)) == everyone
    assert _member_names(client_for("superuser", ctx)) == everyone


def test_member_lists_only_their_own_record(ctx):
    assert _member_names(client_for("member", ctx)) == {"普通党员"}


def test_user_without_member_record_lists_nobody(ctx):
    response = client_for("outsider", ctx).get("/api/members/")
    assert response.json()["count"] == 0


def test_member_sees_their_own_id_number_and_mobile_in_full(ctx):
    own = ctx["own_member"]
    row = client_for("member", ctx).get(f"/api/members/{own.pk}/").json()
    assert row["id_number"] == own.id_number
    assert len(row["id_number"]) == 18 and "*" not in row["id_number"]
    assert row["mobile"] == own.mobile
    assert row["personal_data_visible"] is True


def test_secretary_sees_full_personal_data_of_managed_members(ctx):
    rows = client_for("community_secretary", ctx).get("/api/members/").json()["results"]
    by_pk = {m.pk: m for m in Member.objects.all()}
    for row in rows:
        assert row["id_number"] == by_pk[row["id"]].id_number
        assert row["mobile"] == by_pk[row["id"]].mobile


def test_id_number_and_mobile_are_masked_for_someone_without_access_to_personal_data(ctx):
    # Under today's rule whoever may list a member may also see their personal data, so the
    # masking is checked where it is decided: the serializer asks access.can_see_personal_data.
    request = APIRequestFactory().get("/api/members/")
    request.user = ctx["community_secretary"]
    other = Member.objects.select_related("organisation").get(pk=ctx["other_member"].pk)
    data = MemberSerializer(other, context={"request": request}).data
    assert data["id_number"] == other.id_number_masked != other.id_number
    assert data["id_number"].startswith("3101") and "*" in data["id_number"]
    assert data["mobile"] == other.masked_mobile == f"{other.mobile[:3]}****{other.mobile[-4:]}"
    assert data["personal_data_visible"] is False


@pytest.mark.parametrize("role", ["street_secretary", "member"])
def test_encrypted_and_hashed_id_number_are_never_exposed(ctx, role):
    client = client_for(role, ctx)
    own = ctx["own_member"]
    bodies = [
        client.get("/api/members/").content.decode(),
        client.get(f"/api/members/{own.pk}/").content.decode(),
        client.get("/api/me/").content.decode(),
    ]
    for body in bodies:
        assert "id_number_encrypted" not in body and "id_number_hash" not in body
        assert own.id_number_encrypted not in body and own.id_number_hash not in body


def test_members_list_is_active_members_unless_left_ones_are_asked_for(ctx):
    services.transfer_member(ctx["other_member"], outside_organisation="外区党委")
    client = client_for("street_secretary", ctx)
    assert "二社区党员" not in _member_names(client)
    assert "二社区党员" in _member_names(client, "?include_left=1")


def test_members_filter_by_subtree_category_and_name(ctx):
    MemberFactory(organisation=ctx["group1"], name="小组党员", category="employed")
    client = client_for("street_secretary", ctx)
    assert _member_names(client, f"?organisation={ctx['community2'].pk}") == {"二社区党员"}
    assert _member_names(client, f"?organisation={ctx['branch1'].pk}") == {
        "jiedao书记",
        "shequ书记",
        "普通党员",
        "小组党员",
    }
    assert _member_names(client, "?category=employed") == {"小组党员"}
    assert _member_names(client, "?search=书记") == {"jiedao书记", "shequ书记"}


def test_filtering_on_another_communitys_branch_shows_nothing_more(ctx):
    client = client_for("community_secretary", ctx)
    assert _member_names(client, f"?organisation={ctx['branch2'].pk}") == set()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?organisation=999999", "organisation"),
        ("?organisation=abc", "organisation"),
        ("?category=cadre", "category"),
    ],
)
def test_members_list_with_bad_filter_is_a_400_naming_the_filter(ctx, query, field):
    response = client_for("street_secretary", ctx).get(f"/api/members/{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_member_detail_shows_transfer_history(ctx):
    services.transfer_member(ctx["own_member"], to_organisation=ctx["branch1b"], reason="兴趣小组")
    row = client_for("community_secretary", ctx).get(f"/api/members/{ctx['own_member'].pk}/").json()
    assert row["organisation"] == ctx["branch1b"].pk
    assert [(t["kind"], t["from_organisation"], t["to_organisation"]) for t in row["transfers"]] == [
        ("within", ctx["branch1"].pk, ctx["branch1b"].pk)
    ]


def test_me_shows_the_community_secretarys_record_and_community(ctx):
    data = client_for("community_secretary", ctx).get("/api/me/").json()
    assert data["username"] == "shequ"
    assert data["member"]["name"] == "shequ书记"
    assert data["manages_everything"] is False
    assert [(o["id"], o["parent"]) for o in data["managed_organisations"]] == [
        (ctx["community1"].pk, ctx["street"].pk)
    ]


def test_me_for_a_plain_member_manages_nothing(ctx):
    data = client_for("member", ctx).get("/api/me/").json()
    assert data["member"]["id"] == ctx["own_member"].pk
    assert data["member"]["id_number"] == ctx["own_member"].id_number
    assert data["managed_organisations"] == []


def test_me_for_an_outsider_has_no_member_record(ctx):
    data = client_for("outsider", ctx).get("/api/me/").json()
    assert data["member"] is None and data["managed_organisations"] == []


def test_me_for_the_superuser_manages_every_street(ctx):
    data = client_for("superuser", ctx).get("/api/me/").json()
    assert data["manages_everything"] is True
    assert [o["id"] for o in data["managed_organisations"]] == [ctx["street"].pk]


# ---------------------------------------------------------------------------------------------
# The tree and its figures.


def test_tree_is_a_flat_list_in_path_order_with_parent_ids(ctx):
    rows = client_for("member", ctx).get("/api/organisations/").json()
    expected = list(Organisation.objects.filter(closed_on__isnull=True).order_by("path"))
    assert [row["id"] for row in rows] == [org.pk for org in expected]
    parents = {org.pk: (org.get_parent().pk if org.depth > 1 else None) for org in expected}
    assert {row["id"]: row["parent"] for row in rows} == parents
    community = next(row for row in rows if row["id"] == ctx["community1"].pk)
    assert community["code"] == "SQ1"
    assert community["kind"] == "community_committee"
    assert community["kind_label"]
    assert community["depth"] == 2
    assert community["numchild"] == 2
    assert community["closed_on"] is None


def test_tree_of_a_subtree_keeps_the_roots_parent(ctx):
    rows = client_for("outsider", ctx).get(f"/api/organisations/?root={ctx['community1'].pk}").json()
    assert [row["code"] for row in rows] == ["SQ1", "SQ1-ZB1", "SQ1-ZB1-XZ1", "SQ1-ZB2"]
    assert rows[0]["parent"] == ctx["street"].pk


def test_closed_organisations_are_listed_only_when_asked_for(ctx):
    services.close_organisation(ctx["union"], on=dt.date(2025, 1, 1))
    client = client_for("member", ctx)
    assert "GH" not in [row["code"] for row in client.get("/api/organisations/").json()]
    rows = client.get("/api/organisations/?include_closed=1").json()
    union = next(row for row in rows if row["code"] == "GH")
    assert union["closed_on"] == "2025-01-01"


@pytest.mark.parametrize(
    ("query", "field"),
    [("?root=999999", "root"), ("?root=x", "root"), ("?include_closed=maybe", "include_closed")],
)
def test_tree_with_bad_filter_is_a_400_naming_the_filter(ctx, query, field):
    response = client_for("member", ctx).get(f"/api/organisations/{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_organisation_is_a_404(ctx):
    assert client_for("member", ctx).get("/api/organisations/999999/").status_code == 404


def test_organisation_detail_has_parent_and_contact_fields(ctx):
    data = client_for("member", ctx).get(f"/api/organisations/{ctx['branch1'].pk}/").json()
    assert data["parent"] == ctx["community1"].pk
    assert {"address", "phone", "established_on", "description"} <= data.keys()
    street = client_for("member", ctx).get(f"/api/organisations/{ctx['street'].pk}/").json()
    assert street["parent"] is None


def test_statistics_of_community_1_count_its_members_with_labels(ctx):
    # Asked by a manager: community 1's 3 members are a small group, whose breakdowns anyone who
    # does not manage it gets as "fewer than 5" (issue 5; tests/orgchart/test_small_groups.py).
    data = (
        client_for("street_secretary", ctx)
        .get(f"/api/organisations/{ctx['community1'].pk}/statistics/")
        .json()
    )
    assert data["organisation"]["id"] == data["organisation_id"] == ctx["community1"].pk
    assert data["members"] == 3
    assert data["by_category"]["retired"] == 3
    assert data["aged_60_plus"] == 3 and data["share_aged_60_plus"] == 1.0
    assert data["vacant_secretaries"] == 0
    assert data["organisations_by_kind"]["branch"] == 2
    assert set(data["labels"]["category"]) == set(data["by_category"])
    assert set(data["labels"]["kind"]) == set(data["organisations_by_kind"])
    assert set(data["labels"]["education"]) == set(data["by_education"])


def test_created_organisation_is_returned_with_its_place_in_the_tree(ctx):
    response = client_for("community_secretary", ctx).post(
        "/api/organisations/",
        {"parent": ctx["community1"].pk, "name": "第三党支部", "code": "SQ1-ZB3", "kind": "branch"},
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["parent"] == ctx["community1"].pk and data["depth"] == 3
    assert Organisation.objects.get(pk=data["id"]).get_parent().pk == ctx["community1"].pk
    assert Organisation.find_problems() == ([], [], [], [], [])


def test_moved_organisation_reports_its_new_parent(ctx):
    response = client_for("community_secretary", ctx).post(
        f"/api/organisations/{ctx['group1'].pk}/move/", {"parent": ctx["branch1b"].pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["parent"] == ctx["branch1b"].pk
    assert Organisation.find_problems() == ([], [], [], [], [])


def test_closed_organisation_reports_its_closing_date(ctx):
    response = client_for("street_secretary", ctx).post(
        f"/api/organisations/{ctx['union'].pk}/close/", {"closed_on": "2025-03-01"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["closed_on"] == "2025-03-01"


def test_registered_member_is_returned_in_full_to_their_secretary(ctx):
    payload = new_member_payload(ctx["group1"])
    response = client_for("community_secretary", ctx).post("/api/members/", payload, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["id_number"] == payload["id_number"]
    assert data["organisation"] == ctx["group1"].pk
    member = Member.objects.get(pk=data["id"])
    assert member.id_number == payload["id_number"] and member.mobile == payload["mobile"]


def test_transfer_out_records_history_and_member_leaves_the_list(ctx):
    client = client_for("street_secretary", ctx)
    response = client.post(
        f"/api/members/{ctx['other_member'].pk}/transfer/",
        {"outside_organisation": "外区某党支部", "on": "2025-02-01", "reason": "迁居"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "out" and response.json()["transferred_on"] == "2025-02-01"
    assert Member.objects.get(pk=ctx["other_member"].pk).left_on == dt.date(2025, 2, 1)
    assert "二社区党员" not in _member_names(client)


# ---------------------------------------------------------------------------------------------
# Token authentication.


def test_token_is_obtained_with_username_and_password_and_then_authenticates(ctx):
    anonymous = APIClient()
    response = anonymous.post("/api/token/", {"username": "shequ", "password": "demo12345"}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=ctx["community_secretary"]).key == key
    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert with_token.get("/api/me/").json()["username"] == "shequ"
    assert with_token.get("/api/members/").json()["count"] == 3


def test_token_writes_need_no_csrf_token(ctx):
    key = Token.objects.create(user=ctx["community_secretary"]).key
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.patch(f"/api/organisations/{ctx['branch1'].pk}/", {"name": "改名支部"}, format="json")
    assert response.status_code == 200
    assert Organisation.objects.get(pk=ctx["branch1"].pk).name == "改名支部"


@pytest.mark.parametrize(
    "credentials",
    [{"username": "shequ", "password": "wrong"}, {"username": "nobody", "password": "demo12345"}],
)
def test_bad_credentials_get_no_token(ctx, credentials):
    response = APIClient().post("/api/token/", credentials, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["无法使用提供的认证信息登录。"]}
    assert not Token.objects.exists()


def test_token_request_without_password_names_the_missing_field(ctx):
    response = APIClient().post("/api/token/", {"username": "shequ"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert not response.json()["password"][0].isascii()  # answered in Chinese


def test_unknown_token_is_refused(ctx):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "认证令牌无效。"


def test_token_of_an_inactive_user_is_refused(ctx):
    key = Token.objects.create(user=ctx["community_secretary"]).key
    ctx["community_secretary"].is_active = False
    ctx["community_secretary"].save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").status_code == 401


# ---------------------------------------------------------------------------------------------
# Query counts that do not grow with the data.


def _grow_street(ctx, communities: int, members_per_branch: int) -> None:
    for i in range(communities):
        community = make_org(ctx["street"], OrgKind.COMMUNITY, code=f"GROW{i}")
        branch = make_org(community, OrgKind.BRANCH, code=f"GROW{i}-ZB")
        make_org(branch, OrgKind.GROUP, code=f"GROW{i}-ZB-XZ")
        MemberFactory.create_batch(members_per_branch, organisation=branch)
    MemberFactory.create_batch(members_per_branch, organisation=ctx["branch1"])


def _count_queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["street_secretary", "community_secretary", "member", "superuser"])
def test_members_list_query_count_does_not_grow_with_members(ctx, role, django_assert_num_queries):
    client = client_for(role, ctx)
    urls = ["/api/members/", f"/api/members/?organisation={ctx['community1'].pk}&search=党"]
    small = [_count_queries(client, url) for url in urls]
    _grow_street(ctx, communities=2, members_per_branch=55)  # more than a page of 50 for every role
    # user + managed paths + count + page, and one for the organisation filter (the session comes
    # from the cache: cached_db sessions)
    expected_base = 3 if role == "superuser" else 4
    assert small == [expected_base, expected_base + 1]
    client = client_for(role, ctx)
    for url, n in zip(urls, small, strict=True):
        with django_assert_num_queries(n):
            response = client.get(url)
        assert response.status_code == 200
    if role != "member":  # the data really is bigger than one page
        assert client.get("/api/members/?page=2").json()["results"]


def test_tree_query_count_does_not_grow_with_the_tree(ctx, django_assert_num_queries):
    client = client_for("member", ctx)
    # user + rows; a subtree adds one for its root (parent id included); the session comes from
    # the cache (cached_db sessions)
    small = [
        _count_queries(client, "/api/organisations/"),
        _count_queries(client, f"/api/organisations/?root={ctx['street'].pk}"),
    ]
    assert small == [2, 3]
    _grow_street(ctx, communities=10, members_per_branch=0)
    with django_assert_num_queries(2):
        rows = client.get("/api/organisations/").json()
    assert len(rows) == Organisation.objects.count()
    with django_assert_num_queries(3):
        client.get(f"/api/organisations/?root={ctx['community1'].pk}&include_closed=1")


def test_statistics_query_count_does_not_grow_with_the_subtree(ctx, django_assert_num_queries):
    client = client_for("member", ctx)
    url = f"/api/organisations/{ctx['street'].pk}/statistics/"
    small = _count_queries(client, url)
    _grow_street(ctx, communities=5, members_per_branch=10)
    with django_assert_num_queries(small):
        assert client.get(url).json()["members"] == 4 + 5 * 10 + 10
