"""Editing co-building rows after creation (cobuilding.editing), in the admin and the API, and the
API's creates: the same checks as creating (overlap included), an ended agreement and a met need
not edited, another community's row 404, a unit's side 403, bad input 400 with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cobuilding import editing, services
from cobuilding.models import Agreement, AgreementStatus, Need, NeedStatus, Resource
from tests import translations
from tests.cobuilding.support import codes
from tests.factories.cobuilding import make_agreement, make_need, make_resource
from tests.factories.orgchart import make_post_holder

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# Services ---------------------------------------------------------------------------------------


def test_agreement_contacts_and_term_are_edited(street, units, roles):
    agreement = make_agreement(street["community1"], units["hospital"], unit_contact="李主任")
    updated = editing.update_agreement(
        agreement,
        actor=roles["community_secretary"],
        unit_contact="王主任",
        unit_contact_phone="１３９００００１１１１",
        ends_on=dt.date(2027, 6, 30),
    )
    assert (updated.unit_contact, updated.unit_contact_phone, updated.ends_on) == (
        "王主任",
        "13900001111",
        dt.date(2027, 6, 30),
    )
    assert updated.community_id == street["community1"].pk  # what it is stays


def test_an_edit_that_makes_two_active_agreements_overlap_is_refused(street, units, roles):
    make_agreement(
        street["community1"], units["hospital"], starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 12, 31)
    )
    first = make_agreement(street["community1"], units["hospital"])
    with pytest.raises(ValidationError) as exc:
        editing.update_agreement(first, actor=roles["community_secretary"], ends_on=dt.date(2027, 3, 31))
    assert codes(exc.value) == {"overlap"}
    first.refresh_from_db()
    assert first.ends_on == dt.date(2026, 12, 31)


def test_a_draft_may_overlap_until_it_is_put_in_force(street, units, roles):
    make_agreement(street["community1"], units["hospital"])
    draft = make_agreement(
        street["community1"],
        units["hospital"],
        status=AgreementStatus.DRAFT,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    moved = editing.update_agreement(draft, actor=None, starts_on=dt.date(2026, 6, 1))
    assert moved.starts_on == dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ends_on": dt.date(2025, 1, 1)}, "term_order"),
        ({"unit_contact_phone": "abc"}, "phone"),
        ({"signed_on": dt.date(2099, 1, 1)}, "signed_future"),
    ],
)
def test_bad_agreement_edits_write_nothing(street, units, roles, changes, code):
    agreement = make_agreement(street["community1"], units["hospital"], unit_contact_phone="13900001111")
    before = Agreement.objects.values().get(pk=agreement.pk)
    with pytest.raises(ValidationError) as exc:
        editing.update_agreement(agreement, actor=roles["community_secretary"], **changes)
    assert codes(exc.value) == {code}
    assert Agreement.objects.values().get(pk=agreement.pk) == before


def test_an_ended_agreement_is_not_edited(street, units, roles):
    agreement = make_agreement(street["community1"], units["hospital"])
    services.end_agreement(agreement, actor=None, ended_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        editing.update_agreement(agreement, actor=roles["community_secretary"], content="改")
    assert codes(exc.value) == {"ended"}
    msgid = "An ended agreement is not edited; record a new one."
    assert "已终止" in translations.chinese("crossposts")[msgid]


def test_another_community_may_not_edit(street, units, community2_secretary):
    agreement = make_agreement(street["community1"], units["hospital"])
    resource = make_resource(street["community1"], units["hospital"])
    need = make_need(street["community1"])
    for call in (
        lambda: editing.update_agreement(agreement, actor=community2_secretary, content="x"),
        lambda: editing.update_resource(resource, actor=community2_secretary, quantity=3),
        lambda: editing.update_need(need, actor=community2_secretary, description="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_resource_is_edited_with_the_same_checks(street, units, roles):
    resource = make_resource(street["community1"], units["hospital"])
    actor = roles["community_secretary"]
    updated = editing.update_resource(resource, actor=actor, quantity=3, description="报告厅")
    assert (updated.quantity, updated.description) == (3, "报告厅")
    for changes, code in (
        ({"quantity": 0}, "quantity"),
        ({"kind": ""}, "kind_missing"),
        ({"kind": "spaceship"}, "kind_unknown"),
        ({"available_until": dt.date(2025, 1, 1)}, "window_order"),
    ):
        with pytest.raises(ValidationError) as exc:
            editing.update_resource(resource, actor=actor, **changes)
        assert codes(exc.value) == {code}
    resource.refresh_from_db()
    assert (resource.quantity, resource.kind) == (3, "venue")


def test_a_resource_in_a_project_keeps_its_kind(street, units, roles):
    need = make_need(street["community1"])
    resource = make_resource(street["community1"], units["hospital"])
    services.make_project_from_match(need, [resource.pk], actor=None)
    with pytest.raises(ValidationError) as exc:
        editing.update_resource(resource, actor=roles["community_secretary"], kind="funds")
    assert codes(exc.value) == {"kind_in_project"}
    assert editing.update_resource(resource, actor=None, quantity=2).quantity == 2


def test_need_is_edited_while_open(street, units, roles):
    need = make_need(street["community1"])
    actor = roles["community_secretary"]
    updated = editing.update_need(need, actor=actor, description="周末场地", published_to=[units["school"]])
    assert updated.description == "周末场地"
    assert list(updated.published_to_orgs.all()) == [units["school"]]
    with pytest.raises(ValidationError) as exc:
        editing.update_need(need, actor=actor, published_to=[units["foreign"]])
    assert codes(exc.value) == {"other_street"}
    assert list(Need.objects.get(pk=need.pk).published_to_orgs.all()) == [units["school"]]
    Need.objects.filter(pk=need.pk).update(status=NeedStatus.MET)
    with pytest.raises(ValidationError) as exc:
        editing.update_need(need, actor=actor, description="再改")
    assert codes(exc.value) == {"need_not_open"}


# Admin --------------------------------------------------------------------------------------------


def test_admin_edits_an_agreement_and_shows_refusals(client, street, units, roles):
    agreement = make_agreement(street["community1"], units["hospital"], unit_contact="李主任")
    client.force_login(roles["community_secretary"])
    url = reverse("cobuilding_agreement:change", args=(agreement.pk,))
    page = client.get(url)
    assert page.status_code == 200 and "李主任" in page.content.decode()
    data = {
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "signed_on": "",
        "community_contact": "张书记",
        "community_contact_phone": "",
        "unit_contact": "王主任",
        "unit_contact_phone": "021-55551234",
        "content": "场地共享",
    }
    assert client.post(url, {**data, "ends_on": "2025-01-01"}).status_code == 200
    agreement.refresh_from_db()
    assert agreement.unit_contact == "李主任"
    assert client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.unit_contact, agreement.unit_contact_phone) == ("王主任", "021-55551234")
    index = client.get(reverse("cobuilding_agreement:index")).content.decode()
    assert url in index


def test_admin_edit_of_another_communitys_row_is_404(client, street, units, community2_secretary):
    agreement = make_agreement(street["community1"], units["hospital"])
    resource = make_resource(street["community1"], units["hospital"])
    need = make_need(street["community1"])
    client.force_login(community2_secretary)
    for name, pk in (
        ("cobuilding_agreement:change", agreement.pk),
        ("cobuilding_resource:change", resource.pk),
        ("cobuilding_need:change", need.pk),
        ("cobuilding_need:change", 999999),
    ):
        assert client.get(reverse(name, args=(pk,))).status_code == 404


def test_admin_edits_a_resource_and_a_need(client, street, units, roles):
    resource = make_resource(street["community1"], units["hospital"])
    need = make_need(street["community1"])
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_resource:change", args=(resource.pk,)),
        {
            "kind": "venue",
            "description": "礼堂",
            "quantity": "2",
            "available_from": "2026-01-01",
            "available_until": "",
        },
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.description, resource.quantity) == ("礼堂", 2)
    url = reverse("cobuilding_need:change", args=(need.pk,))
    bad = client.post(
        url,
        {
            "kind": "venue",
            "description": "x",
            "wanted_from": "2026-06-01",
            "wanted_until": "2026-06-30",
            "published_to_orgs": [units["foreign"].pk],
        },
    )
    assert bad.status_code == 200
    assert not Need.objects.get(pk=need.pk).published_to_orgs.exists()
    done = client.post(
        url,
        {
            "kind": "venue",
            "description": "周末场地",
            "wanted_from": "2026-06-01",
            "wanted_until": "2026-06-30",
            "published_to_orgs": [units["school"].pk],
        },
    )
    assert done.status_code == 302
    need.refresh_from_db()
    assert need.description == "周末场地" and list(need.published_to_orgs.all()) == [units["school"]]


# API ----------------------------------------------------------------------------------------------


def test_api_creates_and_patches_an_agreement(street, units, roles):
    client = _client(roles["community_secretary"])
    body = {
        "community": street["community1"].pk,
        "unit_org": units["hospital"].pk,
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "status": "active",
        "unit_contact_phone": "13900001111",
    }
    created = client.post("/api/cobuilding/agreements/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["unit_contact_phone"] == "139****1111"
    overlapping = client.post(
        "/api/cobuilding/agreements/", {**body, "starts_on": "2026-06-01"}, format="json"
    )
    assert overlapping.status_code == 400 and "non_field_errors" in overlapping.json()
    assert Agreement.objects.count() == 1
    pk = created.json()["id"]
    patched = client.patch(f"/api/cobuilding/agreements/{pk}/", {"content": "义诊进社区"}, format="json")
    assert patched.status_code == 200 and patched.json()["content"] == "义诊进社区"
    backwards = client.patch(f"/api/cobuilding/agreements/{pk}/", {"ends_on": "2025-01-01"}, format="json")
    assert backwards.status_code == 400 and "ends_on" in backwards.json()


def test_api_forged_ids_are_invalid_and_other_rows_404(street, units, roles, community2_secretary):
    client = _client(community2_secretary)
    for community in (street["community1"].pk, 999999, "x"):
        response = client.post(
            "/api/cobuilding/resources/",
            {
                "community": community,
                "unit_org": units["hospital"].pk,
                "kind": "venue",
                "available_from": "2026-01-01",
            },
            format="json",
        )
        assert response.status_code == 400 and "community" in response.json()
    foreign = client.post(
        "/api/cobuilding/resources/",
        {
            "community": street["community2"].pk,
            "unit_org": units["foreign"].pk,
            "kind": "venue",
            "available_from": "2026-01-01",
        },
        format="json",
    )
    assert foreign.status_code == 400 and "unit_org" in foreign.json()
    assert not Resource.objects.exists()
    agreement = make_agreement(street["community1"], units["hospital"])
    assert (
        client.patch(
            f"/api/cobuilding/agreements/{agreement.pk}/", {"content": "x"}, format="json"
        ).status_code
        == 404
    )


def test_api_a_units_side_sees_but_may_not_patch(street, units):
    agreement = make_agreement(street["community1"], units["school"])
    unit_secretary = make_post_holder(units["school"], "xiaoxue")
    client = _client(unit_secretary)
    assert client.get(f"/api/cobuilding/agreements/{agreement.pk}/").status_code == 200
    assert (
        client.patch(
            f"/api/cobuilding/agreements/{agreement.pk}/", {"content": "x"}, format="json"
        ).status_code
        == 403
    )
    agreement.refresh_from_db()
    assert agreement.content == ""


def test_api_resources_and_needs_are_created_and_patched(street, units, roles):
    client = _client(roles["community_secretary"])
    resource = client.post(
        "/api/cobuilding/resources/",
        {
            "community": street["community1"].pk,
            "outside_unit": units["company"].pk,
            "kind": "funds",
            "quantity": 2,
            "available_from": "2026-01-01",
        },
        format="json",
    )
    assert resource.status_code == 201, resource.json()
    pk = resource.json()["id"]
    assert client.patch(f"/api/cobuilding/resources/{pk}/", {"quantity": 0}, format="json").status_code == 400
    assert (
        client.patch(f"/api/cobuilding/resources/{pk}/", {"quantity": 5}, format="json").json()["quantity"]
        == 5
    )

    no_kind = client.post(
        "/api/cobuilding/needs/",
        {
            "community": street["community1"].pk,
            "description": "场地",
            "wanted_from": "2026-06-01",
            "wanted_until": "2026-06-30",
        },
        format="json",
    )
    assert no_kind.status_code == 400 and "kind" in no_kind.json()
    assert not Need.objects.exists()
    need = client.post(
        "/api/cobuilding/needs/",
        {
            "community": street["community1"].pk,
            "kind": "venue",
            "description": "场地",
            "wanted_from": "2026-06-01",
            "wanted_until": "2026-06-30",
            "published_to_orgs": [units["school"].pk],
        },
        format="json",
    )
    assert need.status_code == 201, need.json()
    need_pk = need.json()["id"]
    assert list(Need.objects.get(pk=need_pk).published_to_orgs.all()) == [units["school"]]
    forged = client.patch(
        f"/api/cobuilding/needs/{need_pk}/", {"published_to_orgs": [units["foreign"].pk]}, format="json"
    )
    assert forged.status_code == 400 and "published_to_orgs" in forged.json()
    patched = client.patch(f"/api/cobuilding/needs/{need_pk}/", {"description": "周末场地"}, format="json")
    assert patched.status_code == 200 and patched.json()["description"] == "周末场地"
    assert list(Need.objects.get(pk=need_pk).published_to_orgs.all()) == [units["school"]]
