"""`manage.py seed_demo`: the demo street a new developer or a benchmark starts from.

The street is seeded once for the module (scale 1) inside a transaction rolled back at the end;
each test then runs in its own savepoint.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Page

from demo import tables
from demo.plans import orgchart as demo
from orgchart import access
from orgchart.models import (
    COMMUNITY_KINDS,
    MASS_KINDS,
    MEMBER_ORG_KINDS,
    Gender,
    Member,
    Organisation,
    OrgKind,
    Post,
    PostTitle,
    Tenure,
    Transfer,
    TransferKind,
    current_tenure_q,
)
from orgchart.queries import subtree_statistics
from orgchart.validators import validate_id_number, validate_mobile

CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Run `seed_demo` (scale 1) once for the module; everything is rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def street(seeded, db) -> Organisation:
    return Organisation.objects.get(code=demo.STREET_CODE)


def communities(street: Organisation):
    return Organisation.objects.filter(depth=2, path__startswith=street.path, kind__in=COMMUNITY_KINDS)


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "members": Member.objects.count(),
        "posts": Post.objects.count(),
        "tenures": Tenure.objects.count(),
        "transfers": Transfer.objects.count(),
        "users": get_user_model().objects.count(),
        "pages": Page.objects.count(),
    }


def test_seed_reports_what_it_made_and_the_demo_logins(seeded):
    assert "Seeded in" in seeded
    assert "jiedao" in seeded and "shequ" in seeded and "dangyuan" in seeded and "demo12345" in seeded


def test_street_has_seven_communities_each_with_branches_and_groups(street):
    found = list(communities(street))
    assert len(found) >= 7
    assert {c.kind for c in found} == {OrgKind.COMMUNITY, OrgKind.GENERAL_BRANCH}
    for community in found:
        branches = [o for o in community.get_children() if o.kind == OrgKind.BRANCH and not o.is_closed]
        assert 3 <= len(branches) <= 6, community.code
        for branch in branches:
            assert 1 <= branch.get_children().filter(kind=OrgKind.GROUP).count() <= 3, branch.code
    codes = set(Organisation.objects.values_list("code", flat=True))
    assert {"JD", "SQ01", "SQ01-ZB01", "SQ01-ZB01-XZ1", "DW01", "DW01-ZB01"} <= codes


def test_street_has_unit_mass_and_social_organisations(street):
    units = Organisation.objects.filter(kind=OrgKind.UNIT, depth=2)
    assert units.count() >= 3
    for unit in units:
        assert unit.get_children().filter(kind=OrgKind.BRANCH).exists(), unit.code
    street_mass = set(street.get_children().filter(kind__in=MASS_KINDS).values_list("kind", flat=True))
    assert street_mass == set(MASS_KINDS)
    assert Organisation.objects.filter(kind__in=MASS_KINDS, depth=3).exists()
    assert Organisation.objects.filter(kind=OrgKind.SOCIAL).exists()


def test_street_has_1500_members_all_in_branches_or_groups(street):
    active = Member.objects.active().in_subtree(street)
    assert active.count() >= 1500
    kinds = set(Member.objects.values_list("organisation__kind", flat=True).distinct())
    assert kinds <= set(MEMBER_ORG_KINDS)


def test_members_follow_the_source_documents_age_and_education_skew(street):
    stats = subtree_statistics(street)
    assert 0.79 <= stats.share_aged_60_plus <= 0.85
    assert 0.82 <= stats.share_low_education <= 0.88
    # Mostly retired; the employed are the younger members.
    assert stats.by_category["retired"] > stats.members * 0.7
    assert all(stats.by_category[c] > 0 for c in ("employed", "floating", "laid_off", "resident"))
    employed = Member.objects.filter(category="employed")
    assert all(m.age_on() < 60 for m in employed)


def test_every_member_has_a_valid_fictitious_shanghai_id_number_stored_encrypted(street):
    members = list(Member.objects.select_related("organisation"))
    for member in members:
        number = member.id_number
        validate_id_number(number, member.birth_date)
        assert number.startswith("310")
        assert number not in member.id_number_encrypted
        assert member.id_number_masked == number[:4] + "*" * 10 + number[-4:]
        # GB 11643: the 17th digit is odd for men, even for women.
        assert int(number[16]) % 2 == (1 if member.gender == Gender.MALE else 0)
        validate_mobile(member.mobile)
        member.clean()  # joined the party at 18 or later, dates not in the future, branch open
    hashes = [m.id_number_hash for m in members]
    assert len(set(hashes)) == len(hashes)


def test_member_names_are_plausible_chinese_names(street):
    names = list(Member.objects.values_list("name", flat=True))
    assert all(CJK_NAME.match(name) for name in names)
    assert all(name[0] in tables.SURNAMES for name in names)
    assert len(set(names)) > len(names) * 0.7
    surnames = [name[0] for name in names]
    assert surnames.count("王") > surnames.count("顾")  # weighted by frequency


def test_demo_logins_authenticate_with_the_demo_password(street):
    for username in ("jiedao", "shequ", "dangyuan"):
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        assert access.member_for(user) is not None
    assert authenticate(username="jiedao", password="wrong") is None


def test_jiedao_is_the_street_secretary_and_manages_the_street(street):
    user = get_user_model().objects.get(username="jiedao")
    assert access.is_street_manager(user)
    assert access.can_manage(user, Organisation.objects.get(code="SQ05"))
    post = Post.objects.get(organisation=street, title=PostTitle.SECRETARY)
    assert post.current_tenure().member.user == user


def test_shequ_manages_community_sq01_and_not_sq02(street):
    user = get_user_model().objects.get(username="shequ")
    sq01, sq02 = Organisation.objects.get(code="SQ01"), Organisation.objects.get(code="SQ02")
    assert access.can_manage(user, sq01)
    assert not access.can_manage(user, sq02)
    assert not access.is_street_manager(user)
    assert user.member.organisation.path.startswith(sq01.path)
    assert Post.objects.get(organisation=sq01, title=PostTitle.SECRETARY).current_tenure().member.user == user


def test_dangyuan_manages_nothing_and_sees_only_their_own_record(street):
    user = get_user_model().objects.get(username="dangyuan")
    assert not access.is_manager(user)
    assert list(access.visible_members(user)) == [user.member]
    assert user.member.organisation.path.startswith(Organisation.objects.get(code="SQ01-ZB01").path)


def test_two_community_secretary_posts_are_vacant_as_in_the_source_document(street):
    secretary_posts = Post.objects.filter(organisation__in=communities(street), title=PostTitle.SECRETARY)
    assert secretary_posts.count() == len(communities(street))
    vacant = [p for p in secretary_posts if p.current_tenure() is None]
    assert len(vacant) == 2
    assert "SQ01" not in {p.organisation.code for p in vacant}
    # One of them shows the secretary who left; the street's figures agree.
    assert any(p.tenures.exists() for p in vacant)
    assert subtree_statistics(street).vacant_secretaries == 2
    assert subtree_statistics(street).posts_vacant > 2  # and a few other posts wait to be filled


def test_every_branch_and_group_has_its_posts(street):
    for org in Organisation.objects.open().filter(kind=OrgKind.BRANCH):
        titles = set(org.posts.values_list("title", flat=True))
        assert {PostTitle.SECRETARY, PostTitle.ORGANISATION, PostTitle.PROPAGANDA} <= titles, org.code
    groups = Organisation.objects.open().filter(kind=OrgKind.GROUP)
    assert (
        Post.objects.filter(organisation__in=groups, title=PostTitle.GROUP_LEADER).count() == groups.count()
    )
    # Post holders are active members of the organisation's own subtree; a part-time (兼职)
    # holder is a member of the unit party organisation they come from.
    tenures = Tenure.objects.filter(current_tenure_q()).select_related(
        "post__organisation", "member__organisation", "from_organisation"
    )
    for tenure in tenures:
        assert tenure.member.is_active
        if tenure.part_time:
            assert tenure.member.organisation.path.startswith(tenure.from_organisation.path)
        elif tenure.post.organisation.kind != OrgKind.STREET:
            assert tenure.member.organisation.path.startswith(tenure.post.organisation.path)


def test_history_shows_transfers_and_a_closed_branch_without_members(street):
    kinds = set(Transfer.objects.values_list("kind", flat=True))
    assert kinds == {TransferKind.WITHIN, TransferKind.IN, TransferKind.OUT}
    closed = Organisation.objects.filter(kind=OrgKind.BRANCH, closed_on__isnull=False)
    assert closed.count() == 1
    branch = closed.get()
    assert not Member.objects.active().in_subtree(branch).exists()
    assert Transfer.objects.filter(from_organisation__path__startswith=branch.path).exists()
    assert Member.objects.filter(left_on__isnull=False).count() == 1


def test_tree_loaded_in_bulk_has_no_treebeard_problems(street):
    assert Organisation.find_problems() == ([], [], [], [], [])


def test_site_home_page_shows_the_street(street):
    from portal.models import HomePage, OrgChartPage

    assert HomePage.objects.get().street == street
    assert OrgChartPage.objects.exists()


def test_second_run_changes_nothing(street, settings):
    settings.DEBUG = True
    before = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "already present" in out.getvalue()
    assert counts() == before


def test_seed_demo_is_refused_when_debug_is_off(street, settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert counts() == before


@pytest.mark.parametrize("scale", ["0", "-3", "500"])
def test_seed_demo_refuses_a_scale_out_of_range(street, settings, scale):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", f"--scale={scale}", stdout=StringIO())


def test_plan_is_deterministic_and_grows_with_scale():
    first, again = demo.build_plan(1), demo.build_plan(1)
    assert [(m.name, m.id_number, m.org) for m in first.members] == [
        (m.name, m.id_number, m.org) for m in again.members
    ]
    assert first.posts == again.posts
    double = demo.build_plan(2)
    assert len(double.communities) == 14
    assert len(double.members) >= 3000
    vacant = [
        p for p in double.posts if p.org in double.communities and p.title == "secretary" and p.holder is None
    ]
    assert len(vacant) == 4


def test_a_transfer_to_another_community_awaits_acceptance(street):
    from django.contrib.auth import get_user_model

    from orgchart.models import TransferStatus

    pending = Transfer.objects.get(status=TransferStatus.PENDING)
    shequ = get_user_model().objects.get(username="shequ")
    jiedao = get_user_model().objects.get(username="jiedao")
    assert pending.kind == TransferKind.WITHIN and pending.recorded_by == shequ
    # The member is still in shequ's community; shequ may withdraw it, jiedao (the street) accept it.
    assert pending.member.organisation == pending.from_organisation
    assert access.can_withdraw_transfer(shequ, pending) and not access.can_receive_transfer(shequ, pending)
    assert access.can_receive_transfer(jiedao, pending)
