"""The admin's residents (masked list, audited inspect page, scoped), the officers' forms to record
landlords and housing, and the menu link set at sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from residents.models import AuditEntry, Housing, Landlord
from tests.factories.residents import register

pytestmark = pytest.mark.django_db

INDEX = "residents_registrations:index"
INSPECT = "residents_registrations:inspect"


@pytest.fixture
def tenants(people, homes):
    return {
        "c1": register(people["community1"], homes["flat1"], name="张三丰", phone="13811112222"),
        "c2": register(people["community2"], homes["flat2"], name="赵六", phone="13833334444"),
    }


def _admin_user(user):
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


def test_the_admin_list_is_masked_and_scoped(client, people, tenants):
    client.force_login(_admin_user(people["community1"]))
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    html = response.content.decode()
    assert tenants["c1"].id_number_masked in html and tenants["c1"].masked_name in html
    assert tenants["c1"].id_number not in html and "张三丰" not in html and "13811112222" not in html
    assert tenants["c2"].id_number_masked not in html


def test_the_admin_inspect_page_is_the_full_record_and_audited_once(client, people, tenants):
    client.force_login(_admin_user(people["community1"]))
    before = AuditEntry.objects.filter(action="read").count()
    response = client.get(reverse(INSPECT, args=[tenants["c1"].pk]))
    assert response.status_code == 200
    assert tenants["c1"].id_number in response.content.decode()
    assert AuditEntry.objects.filter(action="read").count() == before + 1


def test_the_admin_inspect_page_of_another_community_is_404_and_not_audited(client, people, tenants):
    client.force_login(_admin_user(people["community1"]))
    assert client.get(reverse(INSPECT, args=[tenants["c2"].pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="read").exists()


@pytest.mark.parametrize("role", ["branch_secretary", "member"])
def test_non_officers_do_not_reach_the_admin_residents(client, people, tenants, role):
    client.force_login(_admin_user(people[role]))
    assert client.get(reverse(INDEX)).status_code in (302, 403)
    assert client.get(reverse(INSPECT, args=[tenants["c1"].pk])).status_code in (302, 403, 404)
    assert not AuditEntry.objects.filter(action="read").exists()


def test_an_officer_records_a_landlord_with_a_new_login_and_their_housing(client, people, street):
    client.force_login(people["community1"])
    response = client.post(
        reverse("residents:add_landlord"),
        {
            "community": street["community1"].pk,
            "name": "孙房东",
            "phone": "13911112222",
            "username": "fangdong9",
            "password": "Lianhua-2026",
        },
    )
    assert response.status_code == 302
    landlord = Landlord.objects.get(name="孙房东")
    assert landlord.user.username == "fangdong9"
    assert landlord.user.check_password("Lianhua-2026")
    response = client.post(
        reverse("residents:add_housing"),
        {"landlord": landlord.pk, "address": "莲花路9号", "rooms": 1, "beds": 2},
    )
    assert response.status_code == 302
    assert Housing.objects.get(address="莲花路9号").community == street["community1"]


def test_an_officer_cannot_record_a_landlord_in_another_community(client, people, street):
    client.force_login(people["community1"])
    response = client.post(
        reverse("residents:add_landlord"),
        {"community": street["community2"].pk, "name": "孙房东", "phone": "13911112222"},
    )
    assert response.status_code == 400
    assert not Landlord.objects.filter(name="孙房东").exists()


def test_a_party_members_login_name_cannot_be_taken_by_a_landlord(client, people, street):
    client.force_login(people["community1"])
    response = client.post(
        reverse("residents:add_landlord"),
        {
            "community": street["community1"].pk,
            "name": "孙房东",
            "phone": "13911112222",
            "username": "dangyuan",
            "password": "Lianhua-2026",
        },
    )
    assert response.status_code == 400
    assert not Landlord.objects.filter(name="孙房东").exists()


def test_housing_with_no_beds_is_refused(client, people, homes):
    client.force_login(people["community1"])
    response = client.post(
        reverse("residents:add_housing"),
        {"landlord": homes["landlord"].pk, "address": "莲花路9号", "rooms": 1, "beds": 0},
    )
    assert response.status_code == 400
    assert not Housing.objects.filter(address="莲花路9号").exists()


@pytest.mark.parametrize(
    ("username", "link", "absent"),
    [
        ("fangdong", "/residents/landlord/", "/residents/list/"),
        ("shequ", "/residents/list/", "/residents/landlord/"),
    ],
)
def test_the_menu_links_to_the_right_residents_page(client, people, username, link, absent):
    user = type(people["member"]).objects.get(username=username)
    user.set_password("pw-123456789")
    user.save()
    assert client.login(username=username, password="pw-123456789")
    html = client.get(reverse("residents:home"), follow=True).content.decode()
    assert f'href="{link}"' in html and f'href="{absent}"' not in html


def test_a_member_sees_no_residents_link(client, people):
    user = people["member"]
    user.set_password("pw-123456789")
    user.save()
    assert client.login(username="dangyuan", password="pw-123456789")
    html = client.get("/search/").content.decode()
    assert "/residents/" not in html
