"""The privacy matrix: who reaches which residents' page, with what status, and what they see.

Street officer, community officers of their own and another community, a branch secretary (not an
officer here), landlords of their own and other housing, a plain member, a user with no record and
the anonymous."""

from __future__ import annotations

import pytest
from django.urls import reverse

from residents.models import AuditEntry, Resident
from tests.factories.residents import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(people, homes):
    return {
        "c1": register(people["community1"], homes["flat1"], name="张三丰", phone="13811112222"),
        "c2": register(people["community2"], homes["flat2"], name="赵六", phone="13833334444"),
    }


PAGES = ["list", "housing", "landlord", "register", "detail_c1", "detail_c2", "export", "audit", "figures"]

# role → expected status per page (in PAGES' order)
MATRIX = {
    "street": [200, 200, 403, 200, 200, 200, 200, 200, 200],
    "community1": [200, 200, 403, 200, 200, 404, 403, 403, 200],
    "community2": [200, 200, 403, 200, 404, 200, 403, 403, 200],
    "branch_secretary": [403, 403, 403, 403, 404, 404, 403, 403, 403],
    "landlord": [403, 403, 200, 200, 404, 404, 403, 403, 403],
    "other_landlord": [403, 403, 200, 200, 404, 404, 403, 403, 403],
    "member": [403, 403, 403, 403, 404, 404, 403, 403, 403],
    "outsider": [403, 403, 403, 403, 404, 404, 403, 403, 403],
}


def _url(page, tenants):
    if page.startswith("detail_"):
        return reverse("residents:detail", args=[tenants[page.split("_")[1]].pk])
    return reverse(f"residents:{page}")


@pytest.mark.parametrize("role", list(MATRIX))
def test_privacy_matrix(client, people, tenants, role):
    client.force_login(people[role])
    got = [client.get(_url(page, tenants)).status_code for page in PAGES]
    assert dict(zip(PAGES, got, strict=True)) == dict(zip(PAGES, MATRIX[role], strict=True))


def test_the_anonymous_are_sent_to_sign_in(client, tenants):
    for page in PAGES:
        response = client.get(_url(page, tenants))
        assert response.status_code == 302 and "login" in response["Location"], page


def test_a_community_officer_lists_their_community_only(client, people, tenants):
    client.force_login(people["community1"])
    listed = [r.pk for r in client.get(reverse("residents:list")).context["page"].object_list]
    assert listed == [tenants["c1"].pk]
    forged = client.get(reverse("residents:list"), {"community": tenants["c2"].community_id})
    assert [r.pk for r in forged.context["page"].object_list] == [tenants["c1"].pk]


def test_lists_are_masked(client, people, tenants):
    client.force_login(people["street"])
    html = client.get(reverse("residents:list")).content.decode()
    for r in tenants.values():
        assert r.id_number not in html and r.phone not in html and r.name not in html
        assert r.id_number_masked in html and r.masked_phone in html and r.masked_name in html


def test_the_full_record_shows_everything_and_is_audited_once(client, people, tenants):
    client.force_login(people["community1"])
    before = AuditEntry.objects.count()
    html = client.get(reverse("residents:detail", args=[tenants["c1"].pk])).content.decode()
    assert tenants["c1"].id_number in html and "13811112222" in html and "张三丰" in html
    entries = AuditEntry.objects.all()[: AuditEntry.objects.count() - before]
    assert [(e.action, e.actor, e.resident_id) for e in entries] == [
        ("read", people["community1"], tenants["c1"].pk)
    ]


def test_a_refused_read_is_not_a_read(client, people, tenants):
    client.force_login(people["community2"])
    before = AuditEntry.objects.count()
    assert client.get(reverse("residents:detail", args=[tenants["c1"].pk])).status_code == 404
    assert AuditEntry.objects.count() == before


def test_a_landlord_sees_their_own_tenants_masked_only(client, people, tenants):
    client.force_login(people["landlord"])
    html = client.get(reverse("residents:landlord")).content.decode()
    assert tenants["c1"].masked_name in html and tenants["c1"].id_number_masked in html
    assert tenants["c1"].id_number not in html and "张三丰" not in html
    assert tenants["c2"].id_number_masked not in html


def test_a_landlord_is_offered_their_own_housing_only(client, people, homes, tenants):
    client.force_login(people["landlord"])
    offered = set(client.get(reverse("residents:register")).context["form"].fields["housing"].queryset)
    assert offered == {homes["flat1"], homes["flat1b"]}


def test_a_landlord_cannot_register_into_other_housing_by_a_forged_id(client, people, homes, tenants):
    client.force_login(people["landlord"])
    before = Resident.objects.count()
    response = client.post(
        reverse("residents:register"),
        {
            "housing": homes["flat2"].pk,
            "name": "钱七",
            "id_number": "110101199003074258",
            "gender": "male",
            "birth_date": "1990-03-07",
            "origin": "河南",
            "phone": "13800001111",
            "category": "work",
            "arrived_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert Resident.objects.count() == before


def test_a_landlord_deregisters_their_own_tenant_but_not_anothers(client, people, tenants):
    client.force_login(people["other_landlord"])
    assert (
        client.post(
            reverse("residents:leave", args=[tenants["c1"].pk]),
            {"left_on": "2026-04-01", "leave_reason": "x"},
        ).status_code
        == 404
    )
    client.force_login(people["landlord"])
    response = client.post(
        reverse("residents:leave", args=[tenants["c1"].pk]),
        {"left_on": "2026-04-01", "leave_reason": "合同到期"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("residents:landlord")
    assert Resident.objects.get(pk=tenants["c1"].pk).left_on is not None


def test_a_departure_before_arrival_on_the_page_is_a_message_and_nothing_changes(client, people, tenants):
    client.force_login(people["community1"])
    response = client.post(
        reverse("residents:leave", args=[tenants["c1"].pk]), {"left_on": "2026-01-01", "leave_reason": "走了"}
    )
    assert response.status_code == 400
    assert "2026-03-01" in response.content.decode()
    assert Resident.objects.get(pk=tenants["c1"].pk).left_on is None


def test_the_register_page_refuses_a_bad_id_number_with_a_message(client, people, homes):
    client.force_login(people["community1"])
    response = client.post(
        reverse("residents:register"),
        {
            "housing": homes["flat1"].pk,
            "name": "钱七",
            "id_number": "110101199003074250",
            "gender": "male",
            "birth_date": "1990-03-07",
            "origin": "河南",
            "phone": "13800001111",
            "category": "work",
            "arrived_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"]
    assert not Resident.objects.exists()


def test_the_register_page_registers(client, people, homes):
    client.force_login(people["community1"])
    response = client.post(
        reverse("residents:register"),
        {
            "housing": homes["flat1"].pk,
            "name": "钱七",
            "id_number": "110101199003074258",
            "gender": "male",
            "birth_date": "1990-03-07",
            "origin": "河南",
            "phone": "13800001111",
            "category": "study",
            "school": "某职业技术学院",
            "course": "护理",
            "arrived_on": "2026-03-01",
        },
    )
    resident = Resident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "residents:detail", args=[resident.pk]
    )
    assert (resident.school, resident.course, resident.community) == (
        "某职业技术学院",
        "护理",
        homes["flat1"].community,
    )


def test_the_audit_trail_is_the_streets_and_lists_reads(client, people, tenants):
    client.force_login(people["community1"])
    client.get(reverse("residents:detail", args=[tenants["c1"].pk]))
    client.force_login(people["street"])
    entries = list(client.get(reverse("residents:audit")).context["page"].object_list)
    assert ("read", "shequ") in {(e.action, e.actor_name) for e in entries}
