"""Subtree statistics: the figures a street wants, in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orgchart import services
from orgchart.models import Education, MemberCategory, OrgKind, PostTitle
from orgchart.queries import subtree_statistics
from tests.factories.orgchart import MemberFactory, make_org


def grow(street, communities: int, members_per_branch: int) -> None:
    for i in range(communities):
        community = make_org(street["street"], OrgKind.COMMUNITY, code=f"G{i}")
        services.ensure_post(community, PostTitle.SECRETARY)
        for j in range(2):
            branch = make_org(community, OrgKind.BRANCH, code=f"G{i}-{j}")
            make_org(branch, OrgKind.GROUP, code=f"G{i}-{j}-1")
            MemberFactory.create_batch(members_per_branch, organisation=branch)


@pytest.mark.parametrize("size", [1, 6])
def test_statistics_take_three_queries_whatever_the_tree_size(street, django_assert_num_queries, size):
    grow(street, size, size)
    with django_assert_num_queries(3):
        stats = subtree_statistics(street["street"])
    assert stats.members == size * 2 * size


def test_statistics_count_shares_categories_and_vacancies(street):
    today = timezone.localdate()
    old = dt.date(today.year - 70, 1, 1)
    young = dt.date(today.year - 30, 1, 1)
    MemberFactory(organisation=street["branch1"], birth_date=old, education=Education.PRIMARY)
    MemberFactory(organisation=street["group1"], birth_date=old, education=Education.JUNIOR_HIGH)
    MemberFactory(
        organisation=street["branch1"],
        birth_date=young,
        joined_party_on=dt.date(today.year - 10, 1, 1),
        education=Education.BACHELOR,
        category=MemberCategory.EMPLOYED,
        gender="female",
    )
    MemberFactory(organisation=street["branch2"], birth_date=old)  # other community: not counted
    gone = MemberFactory(organisation=street["branch1"])
    services.transfer_member(gone, outside_organisation="外区")  # left: not counted
    secretary = services.ensure_post(street["community1"], PostTitle.SECRETARY)
    services.ensure_post(street["branch1"], PostTitle.SECRETARY)
    services.appoint(
        secretary,
        MemberFactory(organisation=street["branch1"], birth_date=old),
        started_on=dt.date(2020, 1, 1),
    )

    stats = subtree_statistics(street["community1"])
    assert stats.members == 4
    assert stats.aged_60_plus == 3
    assert stats.share_aged_60_plus == pytest.approx(0.75)
    assert stats.low_education == 3
    assert stats.by_category[MemberCategory.EMPLOYED] == 1
    assert stats.by_category[MemberCategory.RETIRED] == 3
    assert stats.by_gender == {"male": 3, "female": 1}
    assert stats.posts_filled == 1
    assert stats.posts_vacant == 1
    assert stats.vacant_secretaries == 1
    assert stats.organisations_by_kind[OrgKind.BRANCH] == 1
    assert stats.organisations_by_kind[OrgKind.GROUP] == 1
    assert stats.organisations_by_kind[OrgKind.COMMUNITY] == 1


def test_member_turning_sixty_today_counts_as_sixty(street):
    today = timezone.localdate()
    born = today.replace(year=today.year - 60) if not (today.month == 2 and today.day == 29) else today
    MemberFactory(organisation=street["branch1"], birth_date=born, id_number="")
    assert subtree_statistics(street["branch1"]).aged_60_plus == 1


def test_closed_organisations_are_not_counted(street):
    services.close_organisation(street["community2"])
    stats = subtree_statistics(street["street"])
    assert stats.organisations_by_kind[OrgKind.COMMUNITY] == 1
