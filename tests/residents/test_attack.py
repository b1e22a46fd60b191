"""An attack pass on residents/ (issue 10): forged and huge ids, other landlords' and other
communities' rows, oversized and odd input on every POST, the audit trail, help requests' state
machine and tracking codes, purged records. Every refusal is a 400/403/404 (never a 500) and
writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cobuilding.models import UnitContact
from residents import services
from residents.models import AuditEntry, Housing, Landlord, Resident, ResidentEvent
from residents.models_help import HelpRequest, HelpStatus, HelpStep
from tests.factories.orgchart import UserFactory
from tests.factories.residents import register
from tests.residents.help_support import file, make_catalogue

pytestmark = pytest.mark.django_db

HUGE = str(2**64)
HUGE_63 = str(2**63)
BIG_TEXT = "长" * 100_000


@pytest.fixture
def tenants(people, homes):
    return {
        "c1": register(people["community1"], homes["flat1"], name="张三丰", phone="13811112222"),
        "c2": register(people["community2"], homes["flat2"], name="赵六", phone="13833334444"),
    }


@pytest.fixture
def unit_contact(street):
    from tests.factories.cobuilding import make_outside_unit

    unit = make_outside_unit(
        street["community1"], "某科技公司", contact_name="王经理", contact_phone="13812345678"
    )
    user = UserFactory(username="company_contact")
    UnitContact.objects.create(user=user, outside_unit=unit)
    return user


def _api(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def _snapshot():
    return (
        Resident.objects.count(),
        ResidentEvent.objects.count(),
        AuditEntry.objects.count(),
        Housing.objects.count(),
        Landlord.objects.count(),
        HelpRequest.objects.count(),
        HelpStep.objects.count(),
    )


def _admin(user):
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


# Landlords ----------------------------------------------------------------------------------


def test_a_landlord_reaches_no_other_landlords_rows_by_forged_ids(client, people, homes, tenants):
    client.force_login(people["landlord"])
    other = tenants["c2"]
    before = _snapshot()
    for url in (
        reverse("residents:detail", args=[other.pk]),
        reverse("residents:move", args=[other.pk]),
        reverse("residents:leave", args=[other.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("residents:leave", args=[other.pk]), {"left_on": "2026-04-01", "leave_reason": "退租"}
    )
    assert response.status_code == 404
    # Own tenant: no full record, no move.
    own = tenants["c1"]
    assert client.get(reverse("residents:detail", args=[own.pk])).status_code == 404
    assert client.get(reverse("residents:move", args=[own.pk])).status_code == 403
    for name in ("export", "audit", "figures", "list", "housing"):
        assert client.get(reverse(f"residents:{name}")).status_code == 403, name
    assert client.post(reverse("residents:export"), {"reason": "查"}).status_code == 403
    assert client.get(reverse("residents:figures_export")).status_code == 403
    assert _snapshot() == before
    page = client.get(reverse("residents:landlord")).content.decode()
    assert "赵" not in page and homes["flat2"].address not in page


def test_a_landlord_api_shows_only_their_own_and_masked(people, homes, tenants):
    api = _api(people["landlord"])
    rows = api.get("/api/residents/registrations/").json()["results"]
    assert [r["id"] for r in rows] == [tenants["c1"].pk]
    assert rows[0]["name"] == "张**" and "张三丰" not in str(rows)
    assert api.get(f"/api/residents/registrations/{tenants['c2'].pk}/").status_code == 404
    assert api.get(f"/api/residents/housing/{homes['flat2'].pk}/").status_code == 404
    housing = api.get("/api/residents/housing/").json()["results"]
    assert {h["id"] for h in housing} == {homes["flat1"].pk, homes["flat1b"].pk}


def test_a_landlord_no_longer_sees_a_tenant_who_left_or_moved_away(people, homes, tenants):
    """Minimum access: the API listed a landlord's former tenants (masked, until purged) forever."""
    own = tenants["c1"]
    second = register(people["community1"], homes["flat1b"], name="钱七")
    services.deregister(people["landlord"], own, dt.date(2026, 3, 2), "退租")
    services.move(people["street"], second, homes["flat2"], dt.date(2026, 3, 2))
    api = _api(people["landlord"])
    assert api.get("/api/residents/registrations/").json()["results"] == []
    assert api.get(f"/api/residents/registrations/{own.pk}/").status_code == 404
    assert api.get(f"/api/residents/registrations/{second.pk}/").status_code == 404
    moved_to = _api(people["other_landlord"]).get("/api/residents/registrations/").json()["results"]
    assert second.pk in [r["id"] for r in moved_to]


def test_a_landlord_never_reaches_the_admin(client, people, tenants):
    client.force_login(people["landlord"])
    for url in (
        reverse("residents_registrations:index"),
        reverse("residents_registrations:inspect", args=[tenants["c1"].pk]),
        reverse("residents_housing:index"),
        reverse("residents_landlords:index"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    assert not AuditEntry.objects.filter(action="read").exists()


def test_registering_into_another_landlords_flat_is_refused_and_writes_nothing(client, people, homes):
    client.force_login(people["landlord"])
    before = _snapshot()
    data = {
        "housing": homes["flat2"].pk,
        "name": "李四",
        "id_number": "34010219950615001X",
        "gender": "male",
        "birth_date": "1995-06-15",
        "origin": "安徽",
        "phone": "13812345678",
        "category": "work",
        "arrived_on": "2026-03-01",
    }
    assert client.post(reverse("residents:register"), data).status_code == 400
    assert _snapshot() == before


# Other communities, branch secretaries, unit contacts, the anonymous ---------------------------


def test_community2_officer_reaches_nothing_of_community1(client, people, homes, tenants):
    user = people["community2"]
    client.force_login(_admin(user))
    c1 = tenants["c1"]
    before = _snapshot()
    assert client.get(reverse("residents:detail", args=[c1.pk])).status_code == 404
    assert client.get(reverse("residents:move", args=[c1.pk])).status_code == 404
    assert (
        client.post(reverse("residents:move", args=[c1.pk]), {"housing": homes["flat2"].pk}).status_code
        == 404
    )
    assert client.get(reverse("residents_registrations:inspect", args=[c1.pk])).status_code == 404
    listing = client.get(reverse("residents:list") + "?status=all").content.decode()
    assert c1.id_number_masked not in listing
    for admin_list in ("residents_housing:index", "residents_landlords:index"):
        html = client.get(reverse(admin_list)).content.decode()
        assert homes["flat1"].address not in html and "王房东" not in html, admin_list
    api = _api(user)
    assert api.get(f"/api/residents/registrations/{c1.pk}/").status_code == 404
    assert api.get(f"/api/residents/housing/{homes['flat1'].pk}/").status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["branch_secretary", "member", "unit_contact"])
def test_non_officers_get_nothing_anywhere(client, people, tenants, unit_contact, role):
    user = unit_contact if role == "unit_contact" else people[role]
    client.force_login(user)
    before = _snapshot()
    for name in ("home", "list", "housing", "landlord", "register", "export", "audit", "figures"):
        assert client.get(reverse(f"residents:{name}")).status_code == 403, name
    for pk in (tenants["c1"].pk, tenants["c2"].pk):
        for name in ("detail", "move", "leave"):
            assert client.get(reverse(f"residents:{name}", args=[pk])).status_code == 404, name
    assert client.get(reverse("residents_help:index")).status_code == 403
    assert client.get(reverse("residents_help:record")).status_code == 403
    api = _api(user)
    assert api.get("/api/residents/registrations/").json()["results"] == []
    assert api.get("/api/residents/housing/").json()["results"] == []
    assert api.get("/api/residents/help-requests/").json()["results"] == []
    assert api.get(f"/api/residents/registrations/{tenants['c1'].pk}/").status_code == 404
    assert _snapshot() == before


def test_the_anonymous_reach_no_api_or_admin(client, tenants):
    api = _api()
    for url in (
        "/api/residents/registrations/",
        f"/api/residents/registrations/{tenants['c1'].pk}/",
        "/api/residents/housing/",
        "/api/residents/help-requests/",
    ):
        assert api.get(url).status_code in (401, 403), url
    response = client.get(reverse("residents_registrations:inspect", args=[tenants["c1"].pk]))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="read").exists()


# Huge, odd and oversized input -----------------------------------------------------------


@pytest.mark.parametrize("pk", [HUGE, HUGE_63])
def test_ids_beyond_the_integer_column_are_404(client, people, pk):
    client.force_login(_admin(people["street"]))
    for url in (
        f"/residents/{pk}/",
        f"/residents/{pk}/move/",
        f"/residents/{pk}/leave/",
        f"/residents/help/{pk}/",
        f"/admin/residents/registrations/inspect/{pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/residents/help/{pk}/accept/").status_code == 404
    api = _api(people["street"])
    for url in (
        f"/api/residents/registrations/{pk}/",
        f"/api/residents/housing/{pk}/",
        f"/api/residents/help-requests/{pk}/",
        "/api/residents/registrations/abc/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post(f"/api/residents/help-requests/{pk}/accept/").status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"housing": HUGE},
        {"housing": "abc"},
        {"housing": "-1"},
        {"birth_date": "9999-99-99"},
        {"arrived_on": "9999-12-31"},
        {"arrived_on": "0000-01-01"},
        {"name": BIG_TEXT},
        {"origin": BIG_TEXT},
        {"id_number": BIG_TEXT},
        {"over_beds_reason": BIG_TEXT},
        {"category": "nonsense"},
    ],
)
def test_odd_registration_input_is_a_400_and_writes_nothing(client, people, homes, changes):
    client.force_login(people["community1"])
    data = {
        "housing": homes["flat1"].pk,
        "name": "李四",
        "id_number": "34010219950615001X",
        "gender": "male",
        "birth_date": "1995-06-15",
        "origin": "安徽",
        "phone": "13812345678",
        "category": "work",
        "arrived_on": "2026-03-01",
        **changes,
    }
    before = _snapshot()
    response = client.post(reverse("residents:register"), data)
    assert response.status_code == 400
    assert _snapshot() == before


def test_a_ten_thousand_element_list_is_refused_without_a_500(client, people, homes, tenants):
    client.force_login(people["community1"])
    before = _snapshot()
    many = [str(i) for i in range(10_000)]
    response = client.post(
        reverse("residents:move", args=[tenants["c1"].pk]), {"housing": many, "moved_on": "2026-04-01"}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("residents:leave", args=[tenants["c1"].pk]), {"left_on": many, "leave_reason": BIG_TEXT}
    )
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"housing": HUGE, "moved_on": "2026-04-01"},
        {"housing": "x", "moved_on": "2026-04-01"},
        {"moved_on": "9999-99-99"},
        {"moved_on": "2026-04-01", "over_beds_reason": BIG_TEXT},
    ],
)
def test_odd_move_input_is_a_400(client, people, homes, tenants, data):
    client.force_login(people["street"])
    data = {"housing": homes["flat2"].pk, **data}
    before = _snapshot()
    assert client.post(reverse("residents:move", args=[tenants["c1"].pk]), data).status_code == 400
    assert _snapshot() == before


def test_odd_landlord_housing_and_export_input_is_a_400(client, people, street, homes):
    client.force_login(people["street"])
    before = _snapshot()
    for data in (
        {"community": HUGE, "name": "钱房东", "phone": "13812345678"},
        {"community": street["community1"].pk, "name": BIG_TEXT, "phone": "13812345678"},
        {"community": street["community1"].pk, "name": "钱房东", "phone": "1", "username": BIG_TEXT},
    ):
        assert client.post(reverse("residents:add_landlord"), data).status_code == 400
    for data in (
        {"landlord": HUGE, "address": "某路1号", "rooms": 1, "beds": 1},
        {"landlord": homes["landlord"].pk, "address": BIG_TEXT, "rooms": 1, "beds": 1},
        {"landlord": homes["landlord"].pk, "address": "某路1号", "rooms": HUGE, "beds": 1},
    ):
        assert client.post(reverse("residents:add_housing"), data).status_code == 400
    assert client.post(reverse("residents:export"), {"reason": BIG_TEXT}).status_code == 400
    assert _snapshot() == before
    assert client.get(reverse("residents:figures") + f"?org={HUGE}").status_code == 400
    assert client.get(reverse("residents:list") + f"?community={HUGE}&page={HUGE}").status_code == 200


# The audit trail -------------------------------------------------------------------------


def test_one_audit_row_per_full_read_none_for_masked_reads(client, people, tenants):
    user = _admin(people["community1"])
    client.force_login(user)
    c1 = tenants["c1"]
    reads = AuditEntry.objects.filter(action="read")
    client.get(reverse("residents:detail", args=[c1.pk]))
    assert reads.count() == 1
    client.get(reverse("residents_registrations:inspect", args=[c1.pk]))
    assert reads.count() == 2
    # Lists (site, admin, API list and detail) are masked and are not reads.
    for url in (reverse("residents:list"), reverse("residents_registrations:index")):
        html = client.get(url).content.decode()
        assert c1.id_number not in html and "13811112222" not in html and "张三丰" not in html, url
    api = _api(user)
    for url in ("/api/residents/registrations/", f"/api/residents/registrations/{c1.pk}/"):
        body = api.get(url).content.decode()
        assert c1.id_number not in body and "13811112222" not in body and "张三丰" not in body
    assert reads.count() == 2


# Help requests -----------------------------------------------------------------------------


@pytest.fixture
def cat(street):
    return make_catalogue(street)


def test_help_actions_with_odd_input_are_400_and_write_nothing(client, street, roles, cat):
    help_request, _code = file(street, cat["meals"])
    client.force_login(roles["community_secretary"])
    url = lambda action: reverse("residents_help:action", args=[help_request.pk, action])  # noqa: E731
    before = _snapshot()
    assert client.post(url("close"), {"outcome": "办好了"}).status_code == 400  # not accepted
    assert client.post(url("progress"), {"note": "x"}).status_code == 400
    assert client.post(url("nonsense")).status_code == 404
    assert client.get(url("accept")).status_code == 405
    assert _snapshot() == before
    assert client.post(url("accept")).status_code == 302
    before = _snapshot()
    assert client.post(url("accept")).status_code == 400  # twice
    assert client.post(url("progress"), {"note": BIG_TEXT}).status_code == 400
    assert client.post(url("close"), {"outcome": ""}).status_code == 400
    assert client.post(url("close"), {"outcome": ["a"] * 10_000}).status_code in (302, 400)
    help_request.refresh_from_db()
    if help_request.status != HelpStatus.CLOSED:
        assert client.post(url("close"), {"outcome": "办好了"}).status_code == 302
    before = _snapshot()
    for action, data in (("close", {"outcome": "再关"}), ("accept", {}), ("progress", {"note": "x"})):
        response = client.post(url(action), data)
        assert response.status_code == 400, action
        assert "已办结" in response.content.decode()
    assert client.post(url("assign"), {"community": HUGE}).status_code in (400, 403)
    assert _snapshot() == before


def test_help_api_odd_input_and_state_abuse(street, roles, cat, community2_secretary):
    help_request, _code = file(street, cat["meals"])
    base = f"/api/residents/help-requests/{help_request.pk}"
    other = _api(community2_secretary)
    before = _snapshot()
    assert other.get(f"{base}/").status_code == 404
    for action in ("accept", "progress", "close", "assign"):
        assert other.post(f"{base}/{action}/", {"note": "x", "outcome": "x"}).status_code == 404, action
    api = _api(roles["community_secretary"])
    assert api.post(f"{base}/close/", {"outcome": "好"}, format="json").status_code == 400
    assert api.post(f"{base}/progress/", {"note": BIG_TEXT}, format="json").status_code == 400
    assert api.post(f"{base}/assign/", {"community": 2**70}, format="json").status_code in (400, 403)
    assert api.post(f"{base}/assign/", {"community": "abc"}, format="json").status_code in (400, 403)
    assert _snapshot() == before
    assert api.post(f"{base}/accept/").status_code == 200
    response = api.post(f"{base}/close/", {"outcome": ""}, format="json")
    assert response.status_code == 400 and "outcome" in response.json()
    assert api.post(f"{base}/close/", {"outcome": "送餐已安排"}, format="json").status_code == 200
    before = _snapshot()
    response = api.post(f"{base}/close/", {"outcome": "再关"}, format="json")
    assert response.status_code == 400 and "已办结" in str(response.json())
    assert api.post(f"{base}/accept/").status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"item": 2**70, "description": "x", "address": "长江路1号"},
        {"item": "abc", "description": "x", "address": "长江路1号"},
        {"item": 1, "description": BIG_TEXT, "address": "长江路1号"},
        {"item": 1, "description": "x", "address": BIG_TEXT},
        {"item": 1, "description": "x", "address": "长江路1号", "street": 2**70},
        {"item": list(range(10_000)), "description": "x", "address": "长江路1号"},
    ],
)
def test_help_public_api_odd_input_is_a_400(cat, data):
    before = _snapshot()
    response = _api().post(
        "/api/residents/help-requests/public/", {"name": "王", "phone": "13812345678", **data}, format="json"
    )
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"item": HUGE},
        {"item": "1e5"},
        {"description": BIG_TEXT},
        {"address": BIG_TEXT},
        {"name": BIG_TEXT},
        {"phone": BIG_TEXT},
        {"item": [str(i) for i in range(10_000)]},
    ],
)
def test_help_form_odd_input_is_a_400(client, cat, data):
    base = {
        "item": cat["meals"].pk,
        "description": "送餐",
        "address": "长江路1号",
        "name": "王阿姨",
        "phone": "13812345678",
    }
    before = _snapshot()
    response = client.post(reverse("help:form"), {**base, **data})
    assert response.status_code == 400
    assert _snapshot() == before


def test_tracking_codes_oversized_or_forged_are_404_never_500(client, cat, street):
    _request, code = file(street, cat["meals"])
    for value in (BIG_TEXT, "A" * 12, code.replace("-", "")[:-1] + "Z", ["x"] * 10_000, "'; --"):
        response = client.post(reverse("help:status"), {"code": value})
        # 10k fields: Django's own DATA_UPLOAD_MAX_NUMBER_FIELDS answers 400 before the view
        assert response.status_code == (400 if isinstance(value, list) else 404)
        api = _api().post("/api/residents/help-requests/status/", {"code": value}, format="json")
        assert api.status_code in (400, 404)
    page = client.post(reverse("help:status"), {"code": code.lower()})
    assert page.status_code == 200 and "王阿姨" not in page.content.decode()


def test_a_member_reads_no_one_elses_request(client, street, roles, cat):
    other = UserFactory(username="other_requester")
    help_request, _code = file(street, cat["meals"], actor=other)
    assert help_request.requester_user == other
    client.force_login(roles["member"])
    assert client.get(reverse("residents_help:detail", args=[help_request.pk])).status_code == 403
    mine = client.get(reverse("help:mine"))
    assert mine.status_code == 200 and help_request.description not in mine.content.decode()
    assert _api(roles["member"]).get(f"/api/residents/help-requests/{help_request.pk}/").status_code == 404


# Purge ----------------------------------------------------------------------------------


def test_a_purged_record_shows_nothing_personal_and_breaks_nothing(client, people, homes, tenants):
    c1 = tenants["c1"]
    id_number = c1.id_number
    services.deregister(people["community1"], c1, dt.date(2026, 3, 2), "退租")
    Resident.objects.filter(pk=c1.pk).update(left_on=dt.date(2020, 1, 1), arrived_on=dt.date(2019, 1, 1))
    assert services.purge_departed() == 1
    for user in (people["street"], people["community1"]):
        client.force_login(_admin(user))
        for url in (
            reverse("residents:detail", args=[c1.pk]),
            reverse("residents:list") + "?status=all",
            reverse("residents:audit"),
            reverse("residents_registrations:index"),
            reverse("residents_registrations:inspect", args=[c1.pk]),
            reverse("residents:figures"),
        ):
            response = client.get(url)
            if url.endswith("/audit/") and user is people["community1"]:
                assert response.status_code == 403
                continue
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "张三丰" not in html and id_number not in html and "13811112222" not in html, url
        body = _api(user).get("/api/residents/registrations/").content.decode()
        assert "张三丰" not in body and "13811112222" not in body
    landlord = client
    landlord.force_login(people["landlord"])
    html = landlord.get(reverse("residents:landlord")).content.decode()
    assert "张三丰" not in html
    body = _api(people["landlord"]).get("/api/residents/registrations/").content.decode()
    assert "张三丰" not in body and id_number not in body


def test_a_unit_party_committees_secretary_is_not_a_residents_officer(client, street, tenants, cat):
    """A unit party organisation directly under the street sits at a community's depth: its
    secretary holds a post there, but is neither a residents' officer nor help-request staff."""
    from orgchart.models import OrgKind
    from tests.factories.orgchart import make_org, make_post_holder

    hospital = make_org(street["street"], OrgKind.UNIT, name="区中心医院党委", code="DW1")
    user = make_post_holder(hospital, "yiyuan")
    client.force_login(user)
    for name in ("home", "list", "housing", "register", "export", "audit", "figures"):
        assert client.get(reverse(f"residents:{name}")).status_code == 403, name
    assert client.get(reverse("residents_help:index")).status_code == 403
    assert client.get(reverse("residents:detail", args=[tenants["c1"].pk])).status_code == 404
