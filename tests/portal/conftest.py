"""Portal fixtures: the site with its sections, and more people around community 1."""

from __future__ import annotations

import pytest

from orgchart.models import PostTitle
from portal.site import ensure_site
from tests.factories.orgchart import MemberFactory, UserFactory, make_post_holder


@pytest.fixture
def site(street):
    return ensure_site(street["street"])


@pytest.fixture
def people(roles, street):
    """The roles, and: a member of community 2 with a login, a committee member of community 1's
    branch (no post in the community), and the secretary of community 2."""
    member2 = UserFactory(username="erdangyuan")
    MemberFactory(organisation=street["branch2"], user=member2, name="二社区王党员")
    committee = make_post_holder(street["branch1"], "weiyuan", PostTitle.COMMITTEE, branch=street["branch1"])
    secretary2 = make_post_holder(street["community2"], "shequ2", branch=street["branch2"])
    return {**roles, "member2": member2, "committee": committee, "community2_secretary": secretary2}
