"""The residents' API: read-only, masked, scoped; others get 404 or an empty list."""

from __future__ import annotations

import pytest

from residents.models import AuditEntry
from tests.factories.residents import register

pytestmark = pytest.mark.django_db

LIST = "/api/residents/registrations/"
HOUSING = "/api/residents/housing/"


@pytest.fixture
def tenants(people, homes):
    return {
        "c1": register(people["community1"], homes["flat1"], name="张三丰", phone="13811112222"),
        "c2": register(people["community2"], homes["flat2"], name="赵六", phone="13833334444"),
    }


def test_the_api_is_masked_and_writes_no_audit_row(client, people, tenants):
    client.force_login(people["street"])
    before = AuditEntry.objects.count()
    body = client.get(LIST).content.decode()
    for r in tenants.values():
        assert r.id_number not in body and r.phone not in body and r.name not in body
        assert r.id_number_masked in body
    detail = client.get(f"{LIST}{tenants['c1'].pk}/").json()
    assert detail["id_number"] == tenants["c1"].id_number_masked and detail["name"] == "张**"
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("street", {"c1", "c2"}),
        ("community1", {"c1"}),
        ("community2", {"c2"}),
        ("landlord", {"c1"}),
        ("other_landlord", {"c2"}),
        ("member", set()),
        ("branch_secretary", set()),
    ],
)
def test_the_api_is_scoped(client, people, tenants, role, visible):
    client.force_login(people[role])
    ids = {row["id"] for row in client.get(LIST).json()["results"]}
    assert ids == {tenants[k].pk for k in visible}
    for key, r in tenants.items():
        assert client.get(f"{LIST}{r.pk}/").status_code == (200 if key in visible else 404)


def test_the_api_refuses_writes_and_the_anonymous(client, people, tenants):
    assert client.get(LIST).status_code in (401, 403)
    client.force_login(people["street"])
    assert client.post(LIST, {"name": "x"}).status_code == 405
    assert client.delete(f"{LIST}{tenants['c1'].pk}/").status_code == 405


def test_the_housing_api_flags_overcrowding(client, people, homes):
    register(people["community1"], homes["flat1b"])
    register(people["community1"], homes["flat1b"], over_beds_reason="临时")
    client.force_login(people["community1"])
    rows = {row["id"]: row for row in client.get(HOUSING).json()["results"]}
    assert set(rows) == {homes["flat1"].pk, homes["flat1b"].pk}
    assert rows[homes["flat1b"].pk]["overcrowded"] is True and rows[homes["flat1b"].pk]["tenants"] == 2
    assert rows[homes["flat1"].pk]["overcrowded"] is False
