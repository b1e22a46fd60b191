"""Fixtures of the residents' tests: landlords and housing in both communities of the shared
street, and the people of the privacy matrix."""

from __future__ import annotations

import pytest

from orgchart.models import PostTitle
from tests.factories.orgchart import make_post_holder
from tests.factories.residents import make_housing, make_landlord


@pytest.fixture
def homes(street):
    own = make_landlord(street["community1"], "fangdong", name="王房东")
    other = make_landlord(street["community2"], "fangdong2", name="赵房东")
    return {
        "landlord": own,
        "other_landlord": other,
        "flat1": make_housing(own, "幸福路1号101室", rooms=2, beds=2),
        "flat1b": make_housing(own, "幸福路1号102室", rooms=1, beds=1),
        "flat2": make_housing(other, "和平路8号201室", rooms=3, beds=4),
    }


@pytest.fixture
def people(street, roles, homes):
    """Everyone of the privacy matrix, by role."""
    return {
        "street": roles["street_secretary"],
        "community1": roles["community_secretary"],
        "community2": make_post_holder(street["community2"], "shequ2", branch=street["branch2"]),
        "branch_secretary": make_post_holder(street["branch1"], "zhibu", title=PostTitle.SECRETARY),
        "landlord": homes["landlord"].user,
        "other_landlord": homes["other_landlord"].user,
        "member": roles["member"],
        "outsider": roles["outsider"],
    }


@pytest.fixture
def community2_secretary(street):
    return make_post_holder(street["community2"], "shequ2", branch=street["branch2"])
