"""Fixtures of the co-building tests: units of the shared street, and one of another street."""

from __future__ import annotations

import pytest

from orgchart.models import OrgKind
from tests.factories.cobuilding import make_outside_unit
from tests.factories.orgchart import make_org, make_post_holder

from .unit_side_support import side  # noqa: F401 (fixture of the unit-side tests)


@pytest.fixture
def units(street):
    """Two unit party organisations under the street, an outside unit recorded by community 1,
    and a unit of another street."""
    other_street = make_org(None, OrgKind.STREET, name="别的街道党工委", code="JD2")
    return {
        "hospital": make_org(street["street"], OrgKind.UNIT, name="区中心医院党委", code="DW1"),
        "school": make_org(street["street"], OrgKind.UNIT, name="实验小学党支部", code="DW2"),
        "company": make_outside_unit(
            street["community1"], "某科技公司", contact_name="王经理", contact_phone="13812345678"
        ),
        "other_street": other_street,
        "foreign": make_org(other_street, OrgKind.UNIT, name="外街道单位党委", code="DW9"),
    }


@pytest.fixture
def community2_secretary(street):
    return make_post_holder(street["community2"], "shequ2", branch=street["branch2"])
