"""The organisation tree: which kinds may sit where, move, rename, close — through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orgchart import services
from orgchart.models import Organisation, OrgKind, Post, PostTitle, Tenure
from tests.factories.orgchart import MemberFactory, make_org


def test_only_a_street_committee_may_be_a_root(db):
    with pytest.raises(ValidationError):
        services.create_organisation(parent=None, name="孤立支部", kind=OrgKind.BRANCH, code="X1")
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("parent_key", "kind"),
    [
        ("branch1", OrgKind.COMMUNITY),  # a community under a branch
        ("group1", OrgKind.GROUP),  # nothing sits under a party group
        ("union", OrgKind.BRANCH),  # mass organisations have no party branches under them
        ("street", OrgKind.GROUP),  # a party group sits only under a branch
        ("community1", OrgKind.STREET),
    ],
)
def test_kind_not_allowed_under_parent_is_refused_and_writes_nothing(street, parent_key, kind):
    before = Organisation.objects.count()
    numchild_before = Organisation.objects.get(pk=street[parent_key].pk).numchild
    with pytest.raises(ValidationError) as exc:
        services.create_organisation(parent=street[parent_key], name="新组织", kind=kind, code="NEW1")
    assert "kind" in exc.value.message_dict
    assert Organisation.objects.count() == before
    assert Organisation.objects.get(pk=street[parent_key].pk).numchild == numchild_before


@pytest.mark.parametrize(
    ("parent_key", "kind"),
    [
        ("street", OrgKind.COMMUNITY),
        ("street", OrgKind.UNIT),
        ("street", OrgKind.YOUTH_LEAGUE),
        ("community1", OrgKind.GENERAL_BRANCH),
        ("community1", OrgKind.WOMENS_FEDERATION),
        ("branch1", OrgKind.GROUP),
    ],
)
def test_allowed_kinds_are_added_under_their_parent(street, parent_key, kind):
    org = services.create_organisation(parent=street[parent_key], name="新组织", kind=kind, code="NEW1")
    assert org.get_parent().pk == street[parent_key].pk
    assert Organisation.find_problems() == ([], [], [], [], [])


def test_duplicate_code_is_refused(street):
    with pytest.raises(ValidationError) as exc:
        services.create_organisation(parent=street["street"], name="重复", kind=OrgKind.COMMUNITY, code="SQ1")
    assert "code" in exc.value.message_dict


def test_move_takes_the_whole_subtree_along(street):
    branch = street["branch1"]
    moved = services.move_organisation(branch, street["community2"])
    assert moved.get_parent().pk == street["community2"].pk
    group = Organisation.objects.get(pk=street["group1"].pk)
    assert group.path.startswith(moved.path)
    assert Organisation.find_problems() == ([], [], [], [], [])


def test_move_under_own_subtree_is_refused(street):
    with pytest.raises(ValidationError):
        services.move_organisation(street["community1"], street["branch1"])


def test_move_to_a_parent_of_the_wrong_kind_is_refused(street):
    with pytest.raises(ValidationError):
        services.move_organisation(street["branch1"], street["group2"])
    assert Organisation.objects.get(pk=street["branch1"].pk).get_parent().pk == street["community1"].pk


def test_rename_keeps_place_in_tree(street):
    renamed = services.rename_organisation(street["community1"], "阳光社区党委")
    assert renamed.name == "阳光社区党委"
    assert renamed.path == street["community1"].path


def test_closing_refused_while_active_members_remain(street):
    MemberFactory(organisation=street["group1"])
    with pytest.raises(ValidationError):
        services.close_organisation(street["branch1"])
    assert not Organisation.objects.get(pk=street["branch1"].pk).is_closed


def test_closing_closes_subtree_ends_posts_and_keeps_history(street):
    member = MemberFactory(organisation=street["group2"])
    post = services.ensure_post(street["branch2"], PostTitle.SECRETARY)
    services.appoint(post, member, started_on=dt.date(2024, 1, 1))
    services.transfer_member(member, to_organisation=street["branch1"], on=dt.date(2025, 1, 1))
    closed = services.close_organisation(street["community2"], on=dt.date(2025, 6, 1))
    assert closed.is_closed
    assert Organisation.objects.filter(path__startswith=closed.path, closed_on__isnull=True).count() == 0
    # history stays: the organisation, its post and the transfer out of it
    assert Post.objects.filter(organisation=street["branch2"]).exists()
    assert member.transfers.get().from_organisation_id == street["group2"].pk
    assert Tenure.objects.get(post=post).ended_on == dt.date(2025, 5, 31)


def test_cannot_add_under_a_closed_organisation(street):
    services.close_organisation(street["community2"])
    with pytest.raises(ValidationError):
        services.create_organisation(
            parent=street["community2"], name="新支部", kind=OrgKind.BRANCH, code="N2"
        )


def test_community_secretary_cannot_write_outside_their_subtree(street, roles):
    sec = roles["community_secretary"]
    with pytest.raises(PermissionDenied):
        services.create_organisation(
            parent=street["community2"], name="越权支部", kind=OrgKind.BRANCH, code="N3", actor=sec
        )
    with pytest.raises(PermissionDenied):
        services.move_organisation(street["branch1"], street["community2"], actor=sec)
    created = services.create_organisation(
        parent=street["community1"], name="第二党支部", kind=OrgKind.BRANCH, code="N4", actor=sec
    )
    assert created.get_parent().pk == street["community1"].pk


def test_only_a_superuser_may_create_a_new_street(roles):
    with pytest.raises(PermissionDenied):
        services.create_organisation(
            parent=None, name="另一街道", kind=OrgKind.STREET, code="JD2", actor=roles["street_secretary"]
        )
    street2 = services.create_organisation(
        parent=None, name="另一街道", kind=OrgKind.STREET, code="JD2", actor=roles["superuser"]
    )
    assert street2.is_root()


def test_factory_builds_tree_through_the_service(db):
    root = make_org()
    child = make_org(root)
    assert child.kind == OrgKind.COMMUNITY
    assert Organisation.objects.get(pk=root.pk).numchild == 1
