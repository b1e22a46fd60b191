"""GET /api/cobuilding/figures/?org=: street_figures of a street or community the caller manages
(the page's rule), 400 for another or forged org, 403 for non-managers, constant queries."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cobuilding.queries import street_figures
from orgchart.models import OrgKind
from tests.cobuilding.test_figures_page import _grow
from tests.factories.orgchart import make_org

pytestmark = pytest.mark.django_db

URL = "/api/cobuilding/figures/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_street_secretary_gets_the_streets_figures(street, roles):
    _grow(street, 1)
    response = _client(roles["street_secretary"]).get(URL)
    assert response.status_code == 200
    data = response.json()
    totals = street_figures(street["street"])
    assert data["organisation"] == street["street"].pk
    assert data["organisation_name"] == street["street"].name
    assert (
        (data["agreements_active"], data["needs_open"], data["needs_met"], data["projects_done"])
        == (
            totals.agreements_active,
            totals.needs_open,
            totals.needs_met,
            totals.projects_done,
        )
        == (2, 2, 2, 2)
    )
    assert data["resources"] == 4
    by_kind = {row["kind"]: row["count"] for row in data["resources_by_kind"]}
    assert by_kind["venue"] == 2 and by_kind["experts"] == 2 and by_kind["funds"] == 0
    assert {"report_ins_current", "decisions_due", "decisions_done_on_time", "as_of"} <= set(data)


def test_a_community_can_be_chosen(street, roles):
    _grow(street, 1)
    response = _client(roles["street_secretary"]).get(URL, {"org": street["community2"].pk})
    assert response.status_code == 200
    assert response.json()["organisation"] == street["community2"].pk
    assert response.json()["agreements_active"] == 1


def test_community_secretary_gets_only_their_community(street, roles):
    client = _client(roles["community_secretary"])
    response = client.get(URL)
    assert response.status_code == 200 and response.json()["organisation"] == street["community1"].pk
    for forged in (street["community2"].pk, street["street"].pk, "abc", "9" * 30, "-1", "1.5"):
        response = client.get(URL, {"org": forged})
        assert response.status_code == 400, forged
        assert "org" in response.json()


def test_another_streets_org_is_a_400(street, roles):
    other = make_org(None, OrgKind.STREET, name="别的街道", code="QTJD")
    community = make_org(other, OrgKind.COMMUNITY, name="别的社区", code="QTJD-SQ1")
    client = _client(roles["street_secretary"])
    for org in (other, community):
        assert client.get(URL, {"org": org.pk}).status_code == 400


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_non_managers_get_403(street, roles, role):
    assert _client(roles[role]).get(URL).status_code == 403


def test_anonymous_gets_401(street):
    assert APIClient().get(URL).status_code == 401


def test_only_get(street, roles):
    assert _client(roles["street_secretary"]).post(URL, {}).status_code == 405


def test_queries_do_not_grow_with_the_data(street, roles, django_assert_num_queries):
    client = _client(roles["street_secretary"])
    client.get(URL)  # warm: content types and the like, read once per process
    for scale in (1, 9):  # 1 unit per community, then 10
        _grow(street, scale)
        # choosable_communities, then street_figures' six.
        with django_assert_num_queries(7):
            assert client.get(URL, {"org": street["street"].pk}).status_code == 200
