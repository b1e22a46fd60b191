"""The Wagtail admin of the organisation tree: who may open what, and that every write goes
through the services with bad input ending as form errors.

Objects outside a user's managed subtrees answer 404; users who may not use the admin at all are
sent to the login page (302), as Wagtail does.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgchart import services
from orgchart.models import (
    ImportJob,
    Member,
    Organisation,
    OrgKind,
    Post,
    PostTitle,
    Tenure,
    Transfer,
    TransferKind,
    TransferStatus,
)
from orgchart.validators import build_id_number
from tests.factories.orgchart import MemberFactory, make_org

ROLES = ["street_secretary", "community_secretary", "member", "outsider", "superuser", "anonymous"]
MANAGERS = {"street_secretary", "community_secretary", "superuser"}
WHOLE_STREET = {"street_secretary", "superuser"}


def url(viewset: str, view: str, *args) -> str:
    return reverse(f"orgchart_{viewset}:{view}", args=args)


@pytest.fixture
def objects(street, roles):
    """One object of each kind inside community 1 ("in") and inside community 2 ("out")."""
    post_in = services.ensure_post(street["community1"], PostTitle.DEPUTY_SECRETARY)
    post_out = services.ensure_post(street["community2"], PostTitle.SECRETARY)
    return {
        "organisation": (street["branch1"], street["branch2"]),
        "member": (roles["own_member"], roles["other_member"]),
        "post": (post_in, post_out),
    }


def client_for(client, roles, role):
    if role != "anonymous":
        client.force_login(roles[role])
    return client


def assert_refused(response, role):
    """Users who may not use the admin are sent to log in, as Wagtail does."""
    assert response.status_code == 302, (role, response.status_code)
    assert reverse("wagtailadmin_login") in response["Location"]


# Who may open which page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_post_holders_and_superusers_reach_the_admin_dashboard(client, roles, role):
    response = client_for(client, roles, role).get(reverse("wagtailadmin_home"))
    if role in MANAGERS:
        assert response.status_code == 200
        assert url("organisation", "index").encode() in response.content  # the 组织管理 menu
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("viewset", ["organisation", "member", "post", "transfer", "importjob"])
def test_listings_open_to_managers_only(client, roles, role, viewset):
    response = client_for(client, roles, role).get(url(viewset, "index"))
    if role in MANAGERS:
        assert response.status_code == 200
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("viewset", ["organisation", "member", "post"])
def test_add_pages_open_to_managers_only(client, roles, role, viewset):
    response = client_for(client, roles, role).get(url(viewset, "add"))
    if role in MANAGERS:
        assert response.status_code == 200
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("viewset", ["transfer", "importjob"])
def test_history_listings_have_no_add_or_edit_pages(viewset):
    from django.urls import NoReverseMatch

    for view, args in (("add", ()), ("edit", (1,)), ("delete", (1,))):
        with pytest.raises(NoReverseMatch):
            url(viewset, view, *args)


OBJECT_PAGES = [
    ("organisation", "edit"),
    ("organisation", "move"),
    ("organisation", "close"),
    ("organisation", "history"),
    ("member", "edit"),
    ("member", "inspect"),
    ("member", "transfer"),
    ("post", "inspect"),
    ("post", "appoint"),
    ("post", "vacate"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("viewset", "view"), OBJECT_PAGES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_object_pages_open_only_inside_the_managed_subtree(
    client, roles, objects, role, viewset, view, where
):
    """ "in" lies in community 1, "out" in community 2: the community secretary manages only 1."""
    obj = objects[viewset][0 if where == "in" else 1]
    response = client_for(client, roles, role).get(url(viewset, view, obj.pk))
    if role in WHOLE_STREET or (role == "community_secretary" and where == "in"):
        assert response.status_code == 200
    elif role == "community_secretary":
        assert response.status_code == 404
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ["member", "outsider", "anonymous"])
def test_non_managers_cannot_post_admin_actions(client, roles, objects, street, role):
    c = client_for(client, roles, role)
    target = objects["organisation"][0]
    response = c.post(url("organisation", "close", target.pk), {"closed_on": "2024-06-01"})
    assert_refused(response, role)
    response = c.post(
        url("organisation", "add"),
        {"parent": street["community1"].pk, "name": "x", "code": "X1", "kind": "branch"},
    )
    assert_refused(response, role)
    target.refresh_from_db()
    assert not target.is_closed
    assert not Organisation.objects.filter(code="X1").exists()


def test_the_community_secretary_cannot_close_an_organisation_of_community_2(client, roles, street):
    client.force_login(roles["community_secretary"])
    response = client.post(url("organisation", "close", street["group2"].pk), {"closed_on": "2024-06-01"})
    assert response.status_code == 404
    street["group2"].refresh_from_db()
    assert not street["group2"].is_closed


# Listings show the user's subtree only ----------------------------------------------------------


def test_community_secretary_lists_only_their_communitys_organisations(client, roles, street):
    client.force_login(roles["community_secretary"])
    page = client.get(url("organisation", "index")).content.decode()
    for key in ("community1", "branch1", "group1"):
        assert street[key].name in page
    for key in ("street", "community2", "branch2", "group2", "union"):
        assert street[key].name not in page


def test_street_secretary_lists_the_whole_tree_in_tree_order(client, roles, street):
    client.force_login(roles["street_secretary"])
    response = client.get(url("organisation", "index"))
    rows = list(response.context["object_list"])
    assert [o.pk for o in rows] == list(Organisation.objects.order_by("path").values_list("pk", flat=True))
    page = response.content.decode()
    # Indented by depth: the group (depth 4) sits three steps in.
    assert 'data-depth="3"' in page and street["group1"].name in page
    by_name = {o.name: o for o in rows}
    assert by_name[street["community1"].name].member_count == 3  # two secretaries and a member


def test_organisation_listing_filters_by_kind_and_status_and_searches_code(client, roles, street):
    services.close_organisation(street["group2"], on=dt.date(2024, 5, 1))
    client.force_login(roles["street_secretary"])
    names = lambda response: {o.name for o in response.context["object_list"]}  # noqa: E731
    assert names(client.get(url("organisation", "index"), {"kind": "branch"})) == {
        street["branch1"].name,
        street["branch2"].name,
    }
    assert names(client.get(url("organisation", "index"), {"status": "closed"})) == {street["group2"].name}
    assert names(client.get(url("organisation", "index"), {"q": "SQ2-ZB1"})) == {
        street["branch2"].name,
        street["group2"].name,
    }


def test_community_secretary_lists_only_their_communitys_members(client, roles):
    client.force_login(roles["community_secretary"])
    listed = set(client.get(url("member", "index")).context["object_list"])
    assert roles["own_member"] in listed
    assert roles["other_member"] not in listed


def test_member_listing_shows_masked_identity_numbers_only(client, roles):
    client.force_login(roles["street_secretary"])
    page = client.get(url("member", "index")).content.decode()
    member = roles["own_member"]
    assert member.id_number_masked in page
    assert member.id_number not in page


def test_member_listing_filters_active_and_left_and_by_category(client, roles, street):
    services.transfer_member(roles["other_member"], outside_organisation="外区某支部", on=dt.date(2024, 3, 1))
    client.force_login(roles["street_secretary"])
    left = set(client.get(url("member", "index"), {"status": "left"}).context["object_list"])
    assert left == {roles["other_member"]}
    active = set(client.get(url("member", "index"), {"status": "active"}).context["object_list"])
    assert roles["other_member"] not in active and roles["own_member"] in active
    assert not list(client.get(url("member", "index"), {"category": "employed"}).context["object_list"])


def test_post_listing_shows_vacant_posts_clearly(client, roles, objects):
    client.force_login(roles["community_secretary"])
    response = client.get(url("post", "index"))
    posts = {p.pk: p for p in response.context["object_list"]}
    assert objects["post"][1].pk not in posts  # community 2's post
    assert posts[objects["post"][0].pk].holder_name is None
    assert b"data-vacant" in response.content
    secretary = Post.objects.get(
        organisation=objects["organisation"][0].get_parent(), title=PostTitle.SECRETARY
    )
    assert posts[secretary.pk].holder_name == "shequ书记"


def test_transfer_listing_shows_transfers_touching_the_managed_subtree(client, roles, street):
    services.transfer_member(roles["own_member"], to_organisation=street["group1"], on=dt.date(2024, 2, 1))
    elsewhere = services.transfer_member(
        roles["other_member"], to_organisation=street["group2"], on=dt.date(2024, 2, 1)
    )
    client.force_login(roles["community_secretary"])
    listed = list(client.get(url("transfer", "index")).context["object_list"])
    assert [t.member for t in listed] == [roles["own_member"]]
    assert client.get(url("transfer", "inspect", elsewhere.pk)).status_code == 404


def test_import_jobs_list_for_street_managers_and_their_own_uploader(client, roles):
    job = ImportJob.objects.create(
        file="imports/a.xlsx", original_name="花名册.xlsx", created_by=roles["superuser"]
    )
    client.force_login(roles["street_secretary"])
    assert job in client.get(url("importjob", "index")).context["object_list"]
    client.force_login(roles["community_secretary"])
    assert job not in client.get(url("importjob", "index")).context["object_list"]


def test_import_job_listing_links_to_the_job_page(client, roles):
    job = ImportJob.objects.create(
        file="imports/a.xlsx", original_name="花名册.xlsx", created_by=roles["street_secretary"]
    )
    client.force_login(roles["street_secretary"])
    page = client.get(url("importjob", "index")).content.decode()
    assert reverse("orgchart:roster_job", args=(job.pk,)) in page


# Organisations: create, edit, move, close, delete through the services --------------------------


def org_data(parent, **overrides):
    data = {"parent": parent.pk if parent else "", "name": "新党支部", "code": "NEW1", "kind": OrgKind.BRANCH}
    data.update(overrides)
    return data


def test_community_secretary_creates_a_branch_in_their_community(client, roles, street):
    client.force_login(roles["community_secretary"])
    response = client.post(url("organisation", "add"), org_data(street["community1"]))
    assert response.status_code == 302
    created = Organisation.objects.get(code="NEW1")
    assert created.get_parent() == street["community1"]
    assert created.kind == OrgKind.BRANCH


def test_community_secretary_cannot_create_an_organisation_under_community_2(client, roles, street):
    client.force_login(roles["community_secretary"])
    before = Organisation.objects.count()
    response = client.post(url("organisation", "add"), org_data(street["community2"]))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert Organisation.objects.count() == before


def test_a_kind_not_allowed_under_the_parent_is_a_form_error(client, roles, street):
    client.force_login(roles["community_secretary"])
    before = Organisation.objects.count()
    response = client.post(url("organisation", "add"), org_data(street["branch1"], kind=OrgKind.COMMUNITY))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert Organisation.objects.count() == before
    street["branch1"].refresh_from_db()
    assert street["branch1"].numchild == 1


def test_a_duplicate_code_is_a_form_error(client, roles, street):
    client.force_login(roles["street_secretary"])
    response = client.post(url("organisation", "add"), org_data(street["community1"], code="SQ2"))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_only_a_superuser_may_start_a_new_street(client, roles):
    client.force_login(roles["street_secretary"])
    response = client.post(url("organisation", "add"), org_data(None, kind=OrgKind.STREET, code="JD2"))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    client.force_login(roles["superuser"])
    response = client.post(url("organisation", "add"), org_data(None, kind=OrgKind.STREET, code="JD2"))
    assert response.status_code == 302
    assert Organisation.objects.get(code="JD2").depth == 1


def test_editing_an_organisation_changes_its_own_fields_only(client, roles, street):
    client.force_login(roles["community_secretary"])
    branch = street["branch1"]
    data = {
        "name": "改名党支部",
        "code": branch.code,
        "address": "某路1号",
        "phone": "",
        "established_on": "",
        "description": "",
    }
    response = client.post(url("organisation", "edit", branch.pk), data)
    assert response.status_code == 302
    branch.refresh_from_db()
    assert (branch.name, branch.address, branch.kind) == ("改名党支部", "某路1号", OrgKind.BRANCH)


def test_editing_with_a_taken_code_writes_nothing(client, roles, street):
    client.force_login(roles["street_secretary"])
    branch = street["branch1"]
    data = {
        "name": "改名",
        "code": "SQ2",
        "address": "",
        "phone": "",
        "established_on": "",
        "description": "",
    }
    response = client.post(url("organisation", "edit", branch.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    branch.refresh_from_db()
    assert branch.name == "第1社区第一党支部"


def test_street_secretary_moves_a_branch_to_another_community(client, roles, street):
    client.force_login(roles["street_secretary"])
    response = client.post(
        url("organisation", "move", street["branch1"].pk), {"new_parent": street["community2"].pk}
    )
    assert response.status_code == 302
    street["branch1"].refresh_from_db()
    assert street["branch1"].get_parent() == street["community2"]
    assert Organisation.objects.get(pk=street["group1"].pk).path.startswith(street["branch1"].path)


def test_community_secretary_cannot_move_a_branch_out_of_their_community(client, roles, street):
    client.force_login(roles["community_secretary"])
    response = client.post(
        url("organisation", "move", street["branch1"].pk), {"new_parent": street["community2"].pk}
    )
    assert response.status_code == 200
    assert "new_parent" in response.context["form"].errors
    street["branch1"].refresh_from_db()
    assert street["branch1"].get_parent() == street["community1"]


def test_moving_under_a_parent_of_the_wrong_kind_is_a_form_error(client, roles, street):
    client.force_login(roles["street_secretary"])
    response = client.post(
        url("organisation", "move", street["group1"].pk), {"new_parent": street["community2"].pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Organisation.objects.get(pk=street["group1"].pk).get_parent() == street["branch1"]


def test_closing_an_organisation_with_active_members_is_refused(client, roles, street):
    client.force_login(roles["street_secretary"])
    response = client.post(url("organisation", "close", street["branch1"].pk), {"closed_on": "2024-06-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    street["branch1"].refresh_from_db()
    assert not street["branch1"].is_closed


def test_closing_and_reopening_an_empty_organisation(client, roles, street):
    client.force_login(roles["street_secretary"])
    response = client.post(url("organisation", "close", street["group2"].pk), {"closed_on": "2024-06-01"})
    assert response.status_code == 302
    street["group2"].refresh_from_db()
    assert street["group2"].closed_on == dt.date(2024, 6, 1)
    assert client.get(url("organisation", "reopen", street["group2"].pk)).status_code == 200
    assert client.post(url("organisation", "reopen", street["group2"].pk)).status_code == 302
    street["group2"].refresh_from_db()
    assert not street["group2"].is_closed


def test_a_bad_close_date_is_a_form_error(client, roles, street):
    client.force_login(roles["street_secretary"])
    response = client.post(url("organisation", "close", street["group2"].pk), {"closed_on": "2024-13-45"})
    assert response.status_code == 200
    assert "closed_on" in response.context["form"].errors


def test_an_organisation_with_history_cannot_be_deleted(client, roles, street):
    client.force_login(roles["street_secretary"])
    branch = street["branch1"]  # has members and sub-organisations
    for method in (client.get, client.post):
        response = method(url("organisation", "delete", branch.pk))
        assert response.status_code == 302
        assert response["Location"] == url("organisation", "edit", branch.pk)
    assert Organisation.objects.filter(pk=branch.pk).exists()
    services.ensure_post(street["group2"], PostTitle.GROUP_LEADER)  # a post is history too
    client.post(url("organisation", "delete", street["group2"].pk))
    assert Organisation.objects.filter(pk=street["group2"].pk).exists()


def test_a_mistaken_empty_organisation_can_be_deleted(client, roles, street):
    mistake = make_org(street["community1"], OrgKind.BRANCH, name="错建的支部")
    client.force_login(roles["community_secretary"])
    assert client.get(url("organisation", "delete", mistake.pk)).status_code == 200
    assert client.post(url("organisation", "delete", mistake.pk)).status_code == 302
    assert not Organisation.objects.filter(pk=mistake.pk).exists()
    street["community1"].refresh_from_db()
    assert street["community1"].numchild == 1


# Members ----------------------------------------------------------------------------------------------


def member_data(member=None, **overrides):
    data = {
        "name": member.name if member else "新党员",
        "gender": "female",
        "birth_date": "1970-03-02",
        "education": "bachelor",
        "joined_party_on": "1995-07-01",
        "mobile": "13900001111",
        "category": "employed",
        "id_number": "",
    }
    data.update(overrides)
    return data


def with_bad_check_digit(id_number: str) -> str:
    last = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + last


def test_editing_a_member_with_a_bad_id_check_digit_writes_nothing(client, roles):
    member = roles["own_member"]
    before = (member.id_number_hash, member.name, member.mobile)
    client.force_login(roles["community_secretary"])
    bad = with_bad_check_digit(build_id_number("310101", member.birth_date, 777))
    data = member_data(member, name="改过的名字", birth_date=member.birth_date.isoformat(), id_number=bad)
    response = client.post(url("member", "edit", member.pk), data)
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    member.refresh_from_db()
    assert (member.id_number_hash, member.name, member.mobile) == before


def test_editing_a_member_with_a_blank_id_keeps_the_current_one(client, roles):
    member = roles["own_member"]
    old_hash = member.id_number_hash
    client.force_login(roles["community_secretary"])
    data = member_data(member, birth_date=member.birth_date.isoformat(), mobile="13700002222")
    response = client.post(url("member", "edit", member.pk), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.mobile == "13700002222"
    assert member.id_number_hash == old_hash


def test_a_new_birth_date_with_a_matching_new_id_is_accepted(client, roles):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    new_id = build_id_number("310101", dt.date(1971, 4, 5), 12)
    response = client.post(
        url("member", "edit", member.pk), member_data(member, birth_date="1971-04-05", id_number=new_id)
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.id_number == new_id
    assert member.birth_date == dt.date(1971, 4, 5)


def test_the_edit_page_never_shows_the_full_id_number(client, roles):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    page = client.get(url("member", "edit", member.pk)).content.decode()
    assert member.id_number_masked in page
    assert member.id_number not in page


def test_creating_a_member_in_a_managed_branch(client, roles, street):
    client.force_login(roles["community_secretary"])
    id_number = build_id_number("310101", dt.date(1970, 3, 2), 55)
    data = member_data(organisation=street["group1"].pk, id_number=id_number)
    response = client.post(url("member", "add"), data)
    assert response.status_code == 302
    created = Member.objects.get(name="新党员")
    assert created.organisation == street["group1"] and created.id_number == id_number


def test_a_member_transferred_in_from_outside_the_street_has_it_in_their_history(client, roles, street):
    client.force_login(roles["community_secretary"])
    data = member_data(organisation=street["branch1"].pk, transferred_in_from="闵行区江川路街道党工委")
    assert client.post(url("member", "add"), data).status_code == 302
    transfer = Member.objects.get(name="新党员").transfers.get()
    assert transfer.kind == TransferKind.IN
    assert transfer.outside_organisation == "闵行区江川路街道党工委"
    assert transfer.to_organisation == street["branch1"]


def test_the_edit_form_has_no_transfer_in_field(client, roles):
    client.force_login(roles["community_secretary"])
    page = client.get(url("member", "edit", roles["own_member"].pk)).content.decode()
    assert 'name="transferred_in_from"' not in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": with_bad_check_digit(build_id_number("310101", dt.date(1970, 3, 2), 1))}, "id_number"),
        ({"id_number": build_id_number("310101", dt.date(1980, 1, 1), 5)}, "id_number"),  # other birth date
        ({"mobile": "12345"}, "mobile"),
        ({"joined_party_on": "1975-01-01"}, "joined_party_on"),  # under 18
        ({"birth_date": "not a date"}, "birth_date"),
        ({"organisation": "community1"}, "organisation"),  # a committee, not a branch
        ({"organisation": "branch2"}, "organisation"),  # not managed
    ],
)
def test_creating_a_member_with_bad_input_writes_nothing(client, roles, street, overrides, field):
    client.force_login(roles["community_secretary"])
    if "organisation" in overrides:
        overrides["organisation"] = street[overrides["organisation"]].pk
    data = member_data(**{"organisation": street["branch1"].pk, **overrides})
    before = Member.objects.count()
    response = client.post(url("member", "add"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Member.objects.count() == before


def test_a_duplicate_id_number_is_a_form_error(client, roles, street):
    client.force_login(roles["street_secretary"])
    other = roles["other_member"]
    data = member_data(
        organisation=street["branch1"].pk, birth_date=other.birth_date.isoformat(), id_number=other.id_number
    )
    response = client.post(url("member", "add"), data)
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors


def test_transfer_to_another_branch_is_kept_in_the_members_history(client, roles, street):
    # Issue 5: a transfer to another community waits for the receiving side (here the street).
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    data = {"to_organisation": street["branch2"].pk, "transferred_on": "2024-04-01", "reason": "搬家"}
    response = client.post(url("member", "transfer", member.pk), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organisation == street["branch1"]  # stays until the receiving side accepts
    transfer = Transfer.objects.get(member=member)
    assert (transfer.from_organisation, transfer.reason) == (street["branch1"], "搬家")
    assert transfer.status == TransferStatus.PENDING
    assert 'data-testid="pending-transfer"' in client.get(url("member", "edit", member.pk)).content.decode()
    client.force_login(roles["street_secretary"])
    assert client.post(url("transfer", "accept", transfer.pk), {"reason": ""}).status_code == 302
    member.refresh_from_db()
    assert member.organisation == street["branch2"]
    # Now in community 2: the community secretary no longer reaches the member.
    client.force_login(roles["community_secretary"])
    assert client.get(url("member", "edit", member.pk)).status_code == 404
    client.force_login(roles["street_secretary"])
    page = client.get(url("member", "edit", member.pk)).content.decode()
    assert 'id="transfer-history"' in page and "搬家" in page


def test_transfer_out_of_the_street_marks_the_member_as_left(client, roles):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    data = {"outside_organisation": "外区某支部", "transferred_on": "2024-04-01", "reason": ""}
    assert client.post(url("member", "transfer", member.pk), data).status_code == 302
    member.refresh_from_db()
    assert member.left_on == dt.date(2024, 4, 1)


@pytest.mark.parametrize(
    "data",
    [
        {"transferred_on": "2024-04-01"},  # nowhere to go
        {"outside_organisation": "外区", "transferred_on": "2999-01-01"},  # in the future
        {"outside_organisation": "外区", "transferred_on": "yesterday"},
    ],
)
def test_a_bad_transfer_is_a_form_error(client, roles, data):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    response = client.post(url("member", "transfer", member.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Transfer.objects.filter(member=member).exists()


# Posts ----------------------------------------------------------------------------------------------


def test_creating_a_post_for_a_managed_organisation(client, roles, street):
    client.force_login(roles["community_secretary"])
    response = client.post(
        url("post", "add"), {"organisation": street["branch1"].pk, "title": PostTitle.SECRETARY}
    )
    assert response.status_code == 302
    assert Post.objects.filter(organisation=street["branch1"], title=PostTitle.SECRETARY).exists()


def test_creating_a_post_elsewhere_or_twice_is_a_form_error(client, roles, street, objects):
    client.force_login(roles["community_secretary"])
    before = Post.objects.count()
    response = client.post(
        url("post", "add"), {"organisation": street["branch2"].pk, "title": PostTitle.SECRETARY}
    )
    assert "organisation" in response.context["form"].errors
    response = client.post(
        url("post", "add"), {"organisation": street["community1"].pk, "title": PostTitle.SECRETARY}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Post.objects.count() == before


def test_appointing_and_vacating_a_post(client, roles, objects):
    post = objects["post"][0]
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    response = client.post(url("post", "appoint", post.pk), {"member": member.pk, "started_on": "2024-03-01"})
    assert response.status_code == 302
    assert post.current_tenure().member == member
    page = client.get(url("post", "inspect", post.pk)).content.decode()
    assert member.name in page and 'id="tenure-history"' in page
    response = client.post(url("post", "vacate", post.pk), {"on": dt.date.today().isoformat()})
    assert response.status_code == 302
    assert post.current_tenure() is None
    assert Tenure.objects.filter(post=post).count() == 1


def test_appointing_a_member_outside_the_subtree_is_a_form_error(client, roles, objects):
    post = objects["post"][0]
    client.force_login(roles["community_secretary"])
    response = client.post(
        url("post", "appoint", post.pk), {"member": roles["other_member"].pk, "started_on": "2024-03-01"}
    )
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    assert not Tenure.objects.filter(post=post).exists()


def test_a_term_ending_before_it_starts_is_a_form_error(client, roles, objects):
    post = objects["post"][0]
    client.force_login(roles["community_secretary"])
    data = {"member": roles["own_member"].pk, "started_on": "2024-03-01", "ended_on": "2024-01-01"}
    response = client.post(url("post", "appoint", post.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Tenure.objects.filter(post=post).exists()


def test_appointing_to_a_post_of_community_2_is_not_found_for_the_community_secretary(client, roles, objects):
    client.force_login(roles["community_secretary"])
    data = {"member": roles["own_member"].pk, "started_on": "2024-03-01"}
    assert client.post(url("post", "appoint", objects["post"][1].pk), data).status_code == 404
    assert not Tenure.objects.filter(post=objects["post"][1]).exists()


# Speed -------------------------------------------------------------------------------------------------


def listing_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("organisation", "index"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_organisation_listing_query_count_does_not_grow_with_the_tree(client, roles, street):
    client.force_login(roles["street_secretary"])
    listing_queries(client)  # warm per-process caches (content types, site)
    small = listing_queries(client)
    for i in range(12):
        branch = make_org(street["community2"], OrgKind.BRANCH, name=f"加测支部{i}")
        MemberFactory(organisation=branch)
        services.ensure_post(branch, PostTitle.SECRETARY)
    assert listing_queries(client) == small
