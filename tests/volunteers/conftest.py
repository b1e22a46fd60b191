"""People for the volunteer tests: members of community 1 and 2, registered volunteers."""

from __future__ import annotations

import pytest

from tests.factories.orgchart import MemberFactory, UserFactory
from tests.factories.volunteers import make_volunteer


@pytest.fixture
def people(street, roles):
    """Signed-up-able users: members of community 1 (m1..m6), one of community 2, two volunteers."""
    found = {"member": roles["member"], "community_secretary": roles["community_secretary"]}
    for i in range(1, 7):
        user = UserFactory(username=f"m{i}")
        MemberFactory(organisation=street["branch1"], user=user, name=f"一社区党员{i}")
        found[f"m{i}"] = user
    other = UserFactory(username="other-community")
    MemberFactory(organisation=street["branch2"], user=other, name="二社区党员甲")
    found["other_community"] = other
    found["volunteer"] = make_volunteer(street["community1"], username="zhiyuan1", name="居民志愿者甲").user
    found["volunteer2"] = make_volunteer(street["community2"], username="zhiyuan2", name="居民志愿者乙").user
    return found
