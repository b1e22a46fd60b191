"""The chart page applies the small-group rule: a group under 5 members shows "fewer than 5" to
those who do not lead it (the rule: orgchart.queries.statistics_for)."""

from __future__ import annotations

import pytest

from orgchart.models import Education, Gender, MemberCategory
from portal.site import ensure_site
from tests.factories.orgchart import MemberFactory, make_post_holder

CHART_URL = "/chart/"


@pytest.fixture
def small(street, roles):
    """Community 2's first branch: three members with the same rare profile, and its own secretary."""
    MemberFactory.create_batch(
        2,
        organisation=street["branch2"],
        gender=Gender.FEMALE,
        education=Education.POSTGRADUATE,
        category=MemberCategory.FLOATING,
    )
    manager = make_post_holder(street["branch2"], "zhibu2", branch=street["branch2"])
    return {**street, **roles, "branch_secretary": manager}


def test_chart_page_shows_fewer_than_5_to_a_member_and_numbers_to_the_manager(client, small):
    ensure_site(small["street"])
    client.force_login(small["member"])
    response = client.get(CHART_URL, {"org": small["branch2"].pk})
    assert response.status_code == 200
    assert b'data-testid="breakdowns-hidden"' in response.content
    breakdowns = response.context["charts"][:4]
    assert all(chart.hidden_note and not chart.slices for chart in breakdowns)

    client.force_login(small["branch_secretary"])
    response = client.get(CHART_URL, {"org": small["branch2"].pk})
    assert b'data-testid="breakdowns-hidden"' not in response.content
    education = response.context["charts"][2]
    assert not education.hidden_note
    assert dict((s.label, s.value) for s in education.slices)[str(Education.POSTGRADUATE.label)] == 2
