"""Landlords and rented housing (issue 10): a landlord's login is created new with the landlord
(orgchart's checks: user name, password, taken in any case), reset, disabled and enabled by the
community's officers; landlords' name and phone and housing's address, rooms, beds and landlord
are edited, fewer beds than tenants only with a reason (群租 follows); every change is one audit
row with old → new values (phones masked); the name reads 房东姓名; the housing list's queries do
not grow with the data; the API shows no landlord's phone or login."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from residents import services, services_housing
from residents.forms_housing import LandlordForm
from residents.models import AuditAction, AuditEntry, Housing, Landlord, Resident
from residents.viewsets import LandlordIndexView
from tests.factories.residents import make_housing, register
from tests.translations import chinese

pytestmark = pytest.mark.django_db

GOOD = "Lianhua-2026"
NEW = "Gumei-Road-77"


def zh(msgid: str) -> str:
    return chinese("landlords")[msgid]


def _snapshot():
    return (
        Landlord.objects.count(),
        get_user_model().objects.count(),
        AuditEntry.objects.count(),
        list(Housing.objects.order_by("pk").values_list("address", "rooms", "beds", "landlord")),
        list(Landlord.objects.order_by("pk").values_list("name", "phone", "user")),
    )


def _add(client, street, **data):
    values = {
        "community": street["community1"].pk,
        "name": "孙建华",
        "phone": "13911112222",
        "username": "sunfd",
        "password": GOOD,
    }
    values.update(data)
    return client.post(reverse("residents:add_landlord"), values)


def _errors(response) -> str:
    return " ".join(str(e) for errs in response.context["form"].errors.values() for e in errs)


# Creating a landlord and their login ---------------------------------------------------------


def test_an_officer_creates_a_landlord_with_a_new_login_who_then_signs_in(client, people, street):
    client.force_login(people["community1"])
    response = _add(client, street)
    landlord = Landlord.objects.get(name="孙建华")
    assert response.status_code == 302
    assert response["Location"] == reverse("residents:landlord_detail", args=[landlord.pk])
    user = landlord.user
    assert user.username == "sunfd" and user.check_password(GOOD)
    assert not (user.is_staff or user.is_superuser) and user.is_active
    entries = AuditEntry.objects.filter(community=street["community1"]).order_by("pk")
    assert [e.action for e in entries] == [AuditAction.LANDLORD, AuditAction.LOGIN]
    assert "13911112222" not in " ".join(e.detail for e in entries)
    assert "139****2222" in entries[0].detail and "sunfd" in entries[1].detail
    client.logout()
    assert client.login(username="sunfd", password=GOOD)
    page = client.get(reverse("residents:landlord"))
    assert page.status_code == 200 and page.context["landlord"] == landlord


def test_a_landlord_may_be_recorded_without_a_login(client, people, street):
    client.force_login(people["community1"])
    assert _add(client, street, username="", password="").status_code == 302
    assert Landlord.objects.get(name="孙建华").user is None
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "", "password": GOOD}, "username"),
        ({"username": "sun fd!"}, "username"),
        ({"username": "FangDong"}, "username"),  # taken by the fixture's landlord, in another case
        ({"username": "dangyuan"}, "username"),  # a party member's login name
        ({"password": "12345678"}, "password"),
        ({"password": "short"}, "password"),
        ({"password": ""}, "password"),
        ({"password": "sunfd2026"}, "password"),  # too like the user name
        ({"phone": "12345"}, "phone"),
        ({"name": "123"}, "name"),
        ({"name": "王\u202e五"}, "name"),
    ],
)
def test_bad_landlord_or_login_input_is_refused_and_writes_nothing(
    client, people, street, homes, data, field
):
    client.force_login(people["community1"])
    before = _snapshot()
    response = _add(client, street, **data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert _snapshot() == before


def test_a_taken_user_name_says_only_that_it_is_taken(client, people, street, homes):
    client.force_login(people["community1"])
    response = _add(client, street, username="FANGDONG")
    taken = chinese("landlords")["This user name is already taken."]
    assert _errors(response) == taken


def test_the_shared_login_check_is_the_members_one():
    """orgchart's create_login and the landlords' logins call the same new_login."""
    import inspect

    from orgchart.services import accounts

    assert "new_login(" in inspect.getsource(accounts.create_login)
    assert "new_login(" in inspect.getsource(services_housing._create_login)


def test_a_login_is_created_later_for_a_landlord_without_one(client, people, street):
    landlord = services_housing.add_landlord(
        people["community1"], street["community1"], "孙建华", "13911112222"
    )
    client.force_login(people["community1"])
    url = reverse("residents:landlord_login", args=[landlord.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"username": "sunfd", "password": "1"}).status_code == 400
    assert client.post(url, {"username": "sunfd", "password": GOOD}).status_code == 302
    landlord.refresh_from_db()
    assert landlord.user.username == "sunfd"
    # A second login is refused by the service; the page sends back to the landlord.
    with pytest.raises(ValidationError):
        services_housing.create_landlord_login(people["community1"], landlord, "sunfd2", GOOD)
    assert client.get(url).status_code == 302


# The landlord's login: reset, disable, enable --------------------------------------------------


def test_resetting_a_landlords_password_ends_their_api_tokens(client, people, homes):
    landlord = homes["landlord"]
    Token.objects.create(user=landlord.user)
    client.force_login(people["community1"])
    url = reverse("residents:landlord_password", args=[landlord.pk])
    assert client.post(url, {"password": "123"}).status_code == 400
    assert Token.objects.filter(user=landlord.user).exists()
    assert client.post(url, {"password": NEW}).status_code == 302
    landlord.user.refresh_from_db()
    assert landlord.user.check_password(NEW)
    assert not Token.objects.filter(user=landlord.user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == people["community1"] and NEW not in entry.detail


def test_a_landlord_who_stops_letting_is_disabled_and_enabled_again(client, people, homes):
    landlord = homes["landlord"]
    landlord.user.set_password(GOOD)
    landlord.user.save()
    Token.objects.create(user=landlord.user)
    client.force_login(people["community1"])
    disable = reverse("residents:disable_landlord_login", args=[landlord.pk])
    assert client.get(disable).status_code == 405
    assert client.post(disable).status_code == 302
    assert client.post(disable).status_code == 302  # twice: still one change
    landlord.user.refresh_from_db()
    assert not landlord.user.is_active and not Token.objects.filter(user=landlord.user).exists()
    page = client.get(reverse("residents:landlord_detail", args=[landlord.pk]))
    assert 'data-testid="login-disabled"' in page.content.decode()
    other = client.__class__()
    assert not other.login(username="fangdong", password=GOOD)
    assert client.post(reverse("residents:enable_landlord_login", args=[landlord.pk])).status_code == 302
    landlord.user.refresh_from_db()
    assert landlord.user.is_active and other.login(username="fangdong", password=GOOD)
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN).count() == 2


def test_a_login_linked_before_that_is_a_members_is_not_reset_here(people, homes):
    landlord = homes["landlord"]
    landlord.user = people["member"]
    landlord.save()
    before = people["member"].password
    with pytest.raises(ValidationError):
        services_housing.reset_landlord_password(people["community1"], landlord, NEW)
    with pytest.raises(ValidationError):
        services_housing.set_landlord_login_active(people["community1"], landlord, False)
    people["member"].refresh_from_db()
    assert people["member"].password == before and people["member"].is_active


def test_login_actions_on_a_landlord_without_a_login_are_refused(people, street):
    landlord = services_housing.add_landlord(
        people["community1"], street["community1"], "孙建华", "13911112222"
    )
    with pytest.raises(ValidationError):
        services_housing.reset_landlord_password(people["community1"], landlord, NEW)
    with pytest.raises(ValidationError):
        services_housing.set_landlord_login_active(people["community1"], landlord, False)


# Editing landlords --------------------------------------------------------------------------


def test_an_officer_corrects_a_landlords_name_and_phone_audited_masked(client, people, homes):
    landlord = homes["landlord"]
    client.force_login(people["community1"])
    url = reverse("residents:edit_landlord", args=[landlord.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "王建军", "phone": "13800001111"})
    assert response.status_code == 302
    landlord.refresh_from_db()
    assert (landlord.name, landlord.phone) == ("王建军", "13800001111")
    entry = AuditEntry.objects.get(action=AuditAction.LANDLORD)
    assert "王房东 → 王建军" in entry.detail
    assert "139****0000 → 138****1111" in entry.detail
    assert "13800001111" not in entry.detail and "13900000000" not in entry.detail
    assert entry.community == landlord.community


def test_saving_a_landlord_unchanged_writes_no_audit_row(people, homes):
    services_housing.update_landlord(people["community1"], homes["landlord"], "王房东", "13900000000")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "data", [{"name": "", "phone": "13800001111"}, {"name": "王建军", "phone": "1380000"}]
)
def test_bad_landlord_edits_are_refused(client, people, homes, data):
    client.force_login(people["community1"])
    before = _snapshot()
    assert (
        client.post(reverse("residents:edit_landlord", args=[homes["landlord"].pk]), data).status_code == 400
    )
    assert _snapshot() == before


# Editing housing ------------------------------------------------------------------------------


def _edit(client, housing, **data):
    values = {
        "landlord": housing.landlord_id,
        "address": housing.address,
        "rooms": housing.rooms,
        "beds": housing.beds,
        "over_beds_reason": "",
    }
    values.update(data)
    return client.post(reverse("residents:edit_housing", args=[housing.pk]), values)


def test_an_officer_edits_housing_and_the_audit_row_has_old_and_new_values(client, people, street, homes):
    flat = homes["flat1"]
    tenant = register(people["community1"], flat)
    newer = services_housing.add_landlord(people["community1"], street["community1"], "钱多多", "13700001234")
    AuditEntry.objects.all().delete()
    client.force_login(people["community1"])
    assert client.get(reverse("residents:edit_housing", args=[flat.pk])).status_code == 200
    response = _edit(client, flat, address="幸福路1号103室", rooms=3, beds=4, landlord=newer.pk)
    assert response.status_code == 302
    flat.refresh_from_db()
    assert (flat.address, flat.rooms, flat.beds, flat.landlord) == ("幸福路1号103室", 3, 4, newer)
    tenant.refresh_from_db()
    assert tenant.address == "幸福路1号103室"  # the current tenants' address follows
    entry = AuditEntry.objects.get(action=AuditAction.HOUSING)
    for change in ("幸福路1号101室 → 幸福路1号103室", "2 → 3", "2 → 4", "王房东 → 钱多多"):
        assert change in entry.detail
    assert entry.count == 1 and entry.community == street["community1"]
    assert tenant.id_number not in entry.detail


def test_fewer_beds_than_tenants_needs_a_reason_then_the_flat_is_overcrowded(client, people, homes):
    flat = homes["flat1"]
    register(people["community1"], flat)
    register(people["community1"], flat)
    client.force_login(people["community1"])
    before = _snapshot()
    response = _edit(client, flat, beds=1)
    assert response.status_code == 400
    assert "over_beds_reason" in response.context["form"].errors
    assert _snapshot() == before
    assert _edit(client, flat, beds=1, over_beds_reason="一间改作储藏室").status_code == 302
    flat.refresh_from_db()
    assert flat.beds == 1
    page = client.get(reverse("residents:housing")).content.decode()
    assert f'data-housing="{flat.pk}" class="row-warning" data-overcrowded="1"' in page
    entry = AuditEntry.objects.get(action=AuditAction.HOUSING)
    assert "2 → 1" in entry.detail and "一间改作储藏室" in entry.detail


def test_beds_down_to_the_tenant_count_need_no_reason(people, homes):
    flat = homes["flat1"]
    register(people["community1"], flat)
    services_housing.update_housing(
        people["community1"], flat, landlord=flat.landlord, address=flat.address, rooms=2, beds=1
    )
    assert Housing.objects.get(pk=flat.pk).beds == 1


def test_the_fewer_beds_refusal_reads_in_chinese(people, homes):
    flat = homes["flat1"]
    register(people["community1"], flat)
    register(people["community1"], flat)
    with pytest.raises(ValidationError) as caught:
        services_housing.update_housing(
            people["community1"], flat, landlord=flat.landlord, address=flat.address, rooms=2, beds=1
        )
    message = caught.value.message_dict["over_beds_reason"][0]
    assert flat.address in message and "2" in message and "1" in message
    msgid = (
        "%(address)s has %(tenants)s registered tenants: %(beds)s beds is fewer beds than tenants "
        "(overcrowded). Give the reason, or keep at least %(tenants)s beds."
    )
    assert "群租" in zh(msgid) and "原因" in zh(msgid)


@pytest.mark.parametrize(
    "data",
    [
        {"address": ""},
        {"address": "长" * 201},
        {"rooms": 0},
        {"beds": 0},
        {"beds": 501},
        {"beds": "x"},
    ],
)
def test_bad_housing_edits_are_refused(client, people, homes, data):
    client.force_login(people["community1"])
    before = _snapshot()
    assert _edit(client, homes["flat1"], **data).status_code == 400
    assert _snapshot() == before


def test_a_landlord_of_another_community_is_refused(client, people, homes):
    client.force_login(people["street"])  # sees both communities' landlords
    before = _snapshot()
    response = _edit(client, homes["flat1"], landlord=homes["other_landlord"].pk)
    assert response.status_code == 400 and "landlord" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services_housing.update_housing(
            people["street"],
            homes["flat1"],
            landlord=homes["other_landlord"],
            address="幸福路1号101室",
            rooms=2,
            beds=2,
        )
    assert _snapshot() == before


def test_saving_housing_unchanged_writes_no_audit_row(client, people, homes):
    client.force_login(people["community1"])
    assert _edit(client, homes["flat1"]).status_code == 302
    assert not AuditEntry.objects.exists()


def test_recording_housing_is_audited(people, homes):
    services.add_housing(people["community1"], homes["landlord"], "幸福路9号", 1, 2)  # the old import path
    assert AuditEntry.objects.get(action=AuditAction.HOUSING).detail.startswith("幸福路9号")


def test_a_landlord_cannot_edit_their_own_housing_or_row_in_the_service(people, homes):
    landlord_user = people["landlord"]
    flat = homes["flat1"]
    with pytest.raises(PermissionDenied):
        services_housing.update_housing(
            landlord_user, flat, landlord=flat.landlord, address=flat.address, rooms=2, beds=9
        )
    with pytest.raises(PermissionDenied):
        services_housing.update_landlord(landlord_user, homes["landlord"], "王某", "13900000000")
    with pytest.raises(PermissionDenied):
        services_housing.set_landlord_login_active(landlord_user, homes["landlord"], False)


# The label, pages on the way, query counts, the API ------------------------------------------


def test_the_landlords_name_reads_as_a_persons_name(people):
    # Read as a person's name (姓名), not the generic 名称, in the model, the form and the admin.
    assert zh("landlord's name") == "房东姓名" and zh("Landlord's name") == "房东姓名"
    assert str(Landlord._meta.get_field("name").verbose_name) == zh("landlord's name")
    form = LandlordForm(communities=Landlord.objects.none())
    assert str(form.fields["name"].label) == zh("Landlord's name")
    view = LandlordIndexView()
    assert str(view.columns[0].label) == zh("Landlord's name")


def test_the_edit_pages_are_reached_from_the_housing_list(client, people, homes):
    client.force_login(people["community1"])
    page = client.get(reverse("residents:housing")).content.decode()
    assert reverse("residents:edit_housing", args=[homes["flat1"].pk]) in page
    assert reverse("residents:landlord_detail", args=[homes["landlord"].pk]) in page
    assert reverse("residents:landlords") in page
    landlords = client.get(reverse("residents:landlords")).content.decode()
    assert reverse("residents:landlord_detail", args=[homes["landlord"].pk]) in landlords
    assert reverse("residents:landlord_detail", args=[homes["other_landlord"].pk]) not in landlords
    detail = client.get(reverse("residents:landlord_detail", args=[homes["landlord"].pk])).content.decode()
    for name in ("edit_landlord", "landlord_password", "disable_landlord_login"):
        assert reverse(f"residents:{name}", args=[homes["landlord"].pk]) in detail
    assert "13900000000" not in detail  # masked on the page; in full on the edit form only


def _grow(people, street, homes, n: int) -> None:
    for i in range(n):
        for key, community in (("landlord", "community1"), ("other_landlord", "community2")):
            landlord = services_housing.add_landlord(
                people["street"], street[community], f"房东{key}{i}", "13911112222"
            )
            flat = make_housing(landlord, f"{key}路{i}号", rooms=1, beds=1)
            register(people["street"], flat)
            make_housing(homes[key], f"{key}街{i}号", rooms=1, beds=1)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["residents:housing", "residents:landlords", "landlord_detail"])
def test_housing_and_landlord_pages_take_the_same_queries_at_10x(client, people, street, homes, name):
    def url():
        if name == "landlord_detail":
            return reverse("residents:landlord_detail", args=[homes["landlord"].pk])
        return reverse(name)

    _grow(people, street, homes, 1)
    client.force_login(people["street"])
    _count(client, url())
    once = _count(client, url())
    _grow(people, street, homes, 9)
    tenfold = _count(client, url())
    assert once == tenfold, (name, once, tenfold)


def test_the_housing_api_shows_no_landlords_phone_or_login(people, homes):
    api = APIClient()
    api.force_authenticate(people["community1"])
    rows = api.get("/api/residents/housing/").json()["results"]
    assert rows
    text = str(rows)
    assert "13900000000" not in text and "fangdong" not in text
    for row in rows:
        assert not {"phone", "landlord_phone", "user", "username", "landlord"} & set(row)


def test_residents_are_untouched_by_housing_edits_other_than_address(people, homes):
    flat = homes["flat1"]
    tenant = register(people["community1"], flat)
    services_housing.update_housing(
        people["community1"], flat, landlord=flat.landlord, address=flat.address, rooms=1, beds=3
    )
    assert Resident.objects.get(pk=tenant.pk).address == flat.address
    assert AuditEntry.objects.filter(action=AuditAction.HOUSING, count=0).count() == 1
