"""Breakdowns of a group of fewer than 5 members are "fewer than 5" to those who do not manage it,
so no breakdown describes one person; the group's managers still see the numbers."""

from __future__ import annotations

import pytest

from orgchart.models import Education, Gender, MemberCategory
from orgchart.queries import SMALL_GROUP_SIZE, statistics_for
from tests.factories.orgchart import MemberFactory, make_post_holder

from .api_support import client_for


@pytest.fixture
def small(street, roles):
    """Community 2's first branch holds three members (the fixture's one plus two), all women with a
    postgraduate degree, so any breakdown would point at them; community 2 has its own secretary."""
    MemberFactory.create_batch(
        2,
        organisation=street["branch2"],
        gender=Gender.FEMALE,
        education=Education.POSTGRADUATE,
        category=MemberCategory.FLOATING,
    )
    manager = make_post_holder(street["branch2"], "zhibu2", branch=street["branch2"])
    return {**street, **roles, "branch_secretary": manager}


def test_the_three_member_group_is_small():
    assert SMALL_GROUP_SIZE > 3


@pytest.mark.parametrize("role", ["member", "community_secretary", "outsider"])
def test_a_non_manager_gets_no_breakdowns_of_a_small_group(small, role):
    stats = statistics_for(small[role], small["branch2"])
    assert stats.breakdowns_hidden and stats.members == 4
    assert stats.by_gender is None and stats.by_education is None and stats.by_category is None
    assert stats.aged_60_plus is None and stats.share_aged_60_plus is None
    assert stats.low_education is None and stats.share_low_education is None


@pytest.mark.parametrize("role", ["branch_secretary", "street_secretary", "superuser"])
def test_the_groups_managers_see_its_breakdowns(small, role):
    stats = statistics_for(small[role], small["branch2"])
    assert not stats.breakdowns_hidden
    assert stats.by_education[Education.POSTGRADUATE] == 2


def test_a_group_of_five_or_more_is_shown_to_everyone(small):
    MemberFactory.create_batch(1, organisation=small["group2"])
    assert not statistics_for(small["member"], small["community2"]).breakdowns_hidden


def test_api_statistics_of_a_small_group_are_fewer_than_5_for_a_member(small):
    url = f"/api/organisations/{small['branch2'].pk}/statistics/"
    data = client_for("member", small).get(url).json()
    assert data["breakdowns_hidden"] is True and data["breakdowns_note"]
    assert data["members"] == 4
    for key in ("by_category", "by_gender", "by_education", "aged_60_plus", "share_aged_60_plus"):
        assert data[key] is None, key
    assert data["low_education"] is None and data["share_low_education"] is None


def test_api_statistics_of_a_small_group_are_full_for_its_manager(small):
    url = f"/api/organisations/{small['branch2'].pk}/statistics/"
    data = client_for("branch_secretary", small).get(url).json()
    assert data["breakdowns_hidden"] is False and data["breakdowns_note"] == ""
    assert data["by_gender"]["female"] == 2 and data["by_education"]["postgraduate"] == 2
