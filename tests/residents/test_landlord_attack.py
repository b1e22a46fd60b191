"""An attack pass on landlords' and housing's pages: another community's officer, a landlord on
their own row, housing and beds, a branch secretary, a member, the anonymous; huge and forged ids,
100 kB text, GET on the POST-only actions; and the user-name probe that linking existing logins
allowed, now gone. Every refusal is a 302 to sign-in / 400 / 403 / 404 / 405 (never a 500) and
writes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from residents.models import AuditEntry, Housing, Landlord
from tests.factories.orgchart import UserFactory
from tests.translations import chinese

pytestmark = pytest.mark.django_db

HUGE = str(2**64)
HUGE_63 = str(2**63)
BIG_TEXT = "长" * 100_000
GOOD = "Lianhua-2026"


def _snapshot():
    User = get_user_model()
    return (
        Landlord.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
        list(Housing.objects.order_by("pk").values_list("address", "rooms", "beds", "landlord")),
        list(Landlord.objects.order_by("pk").values_list("name", "phone", "user")),
        list(User.objects.order_by("pk").values_list("password", "is_active")),
    )


def _landlord_urls(pk) -> list[str]:
    return [
        f"/residents/landlords/{pk}/",
        f"/residents/landlords/{pk}/edit/",
        f"/residents/landlords/{pk}/login/",
        f"/residents/landlords/{pk}/password/",
    ]


def _posts(homes, pk=None, housing_pk=None) -> list[tuple[str, dict]]:
    pk = pk or homes["other_landlord"].pk
    housing_pk = housing_pk or homes["flat2"].pk
    return [
        (f"/residents/landlords/{pk}/edit/", {"name": "黑客", "phone": "13800000000"}),
        (f"/residents/landlords/{pk}/login/", {"username": "hacker", "password": GOOD}),
        (f"/residents/landlords/{pk}/password/", {"password": GOOD}),
        (f"/residents/landlords/{pk}/disable/", {}),
        (f"/residents/landlords/{pk}/enable/", {}),
        (
            f"/residents/housing/{housing_pk}/edit/",
            {"landlord": homes["other_landlord"].pk, "address": "黑", "rooms": 1, "beds": 1},
        ),
    ]


def test_another_communitys_officer_finds_nothing_and_changes_nothing(client, people, homes, street):
    client.force_login(people["community1"])
    before = _snapshot()
    for url in _landlord_urls(homes["other_landlord"].pk) + [f"/residents/housing/{homes['flat2'].pk}/edit/"]:
        assert client.get(url).status_code == 404, url
    for url, data in _posts(homes):
        assert client.post(url, data).status_code == 404, url
    # Forged choices: a landlord / community of the other community in the add forms.
    forged_landlord = {"community": street["community2"].pk, "name": "钱某", "phone": "13812345678"}
    assert client.post(reverse("residents:add_landlord"), forged_landlord).status_code == 400
    forged_housing = {"landlord": homes["other_landlord"].pk, "address": "某路1号", "rooms": 1, "beds": 1}
    assert client.post(reverse("residents:add_housing"), forged_housing).status_code == 400
    # Own housing moved to the other community's landlord: refused.
    own = {"landlord": homes["other_landlord"].pk, "address": "幸福路1号101室", "rooms": 2, "beds": 2}
    assert client.post(f"/residents/housing/{homes['flat1'].pk}/edit/", own).status_code == 400
    assert _snapshot() == before
    listing = client.get(reverse("residents:landlords")).content.decode()
    assert "赵房东" not in listing


@pytest.mark.parametrize("role", ["landlord", "other_landlord", "branch_secretary", "member", "outsider"])
def test_non_officers_get_403_on_every_landlord_and_housing_page(client, people, homes, role):
    """A landlord does not edit their own row, login, housing or beds; nor does anyone not an officer."""
    client.force_login(people[role])
    before = _snapshot()
    own = homes["landlord"].pk
    for url in _landlord_urls(own) + [
        "/residents/landlords/",
        "/residents/landlords/add/",
        "/residents/housing/add/",
        f"/residents/housing/{homes['flat1'].pk}/edit/",
    ]:
        assert client.get(url).status_code == 403, url
    for url, data in _posts(homes, own, homes["flat1"].pk):
        data = {**data, "landlord": own, "beds": 9} if "housing" in url else data
        assert client.post(url, data).status_code == 403, url
    assert _snapshot() == before


def test_the_anonymous_are_sent_to_sign_in(client, homes):
    before = _snapshot()
    for url in _landlord_urls(homes["landlord"].pk) + ["/residents/landlords/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    for url, data in _posts(homes):
        assert client.post(url, data).status_code == 302, url
    assert _snapshot() == before


@pytest.mark.parametrize("pk", [HUGE, HUGE_63, "2147483648"])
def test_huge_ids_are_404(client, people, pk):
    client.force_login(people["street"])
    for url in _landlord_urls(pk) + [f"/residents/housing/{pk}/edit/"]:
        assert client.get(url).status_code == 404, url
    for url in (f"/residents/landlords/{pk}/disable/", f"/residents/landlords/{pk}/enable/"):
        assert client.post(url).status_code == 404, url


def test_login_actions_are_post_only(client, people, homes):
    client.force_login(people["community1"])
    for name in ("disable_landlord_login", "enable_landlord_login"):
        assert client.get(reverse(f"residents:{name}", args=[homes["landlord"].pk])).status_code == 405
    assert homes["landlord"].user.is_active


def test_huge_and_odd_input_is_a_400_and_writes_nothing(client, people, street, homes):
    client.force_login(people["street"])
    before = _snapshot()
    add = reverse("residents:add_landlord")
    for data in (
        {"community": street["community1"].pk, "name": "钱某", "phone": "13812345678", "username": BIG_TEXT},
        {
            "community": street["community1"].pk,
            "name": "钱某",
            "phone": "13812345678",
            "username": "qian",
            "password": BIG_TEXT,
        },
        {"community": street["community1"].pk, "name": "钱某", "phone": BIG_TEXT},
        {
            "community": street["community1"].pk,
            "name": "钱某",
            "phone": "13812345678",
            "username": "qian\x00x",
            "password": GOOD,
        },
    ):
        assert client.post(add, data).status_code == 400, data
    pk = homes["landlord"].pk
    assert (
        client.post(
            f"/residents/landlords/{pk}/edit/", {"name": BIG_TEXT, "phone": "13800000000"}
        ).status_code
        == 400
    )
    assert client.post(f"/residents/landlords/{pk}/password/", {"password": BIG_TEXT}).status_code == 400
    edit = f"/residents/housing/{homes['flat1'].pk}/edit/"
    for data in (
        {"landlord": HUGE, "address": "某路", "rooms": 1, "beds": 1},
        {"landlord": pk, "address": "某路", "rooms": 1, "beds": HUGE},
        {"landlord": pk, "address": "某路", "rooms": 1, "beds": -1},
        {"landlord": pk, "address": "某路", "rooms": 1, "beds": 1, "over_beds_reason": BIG_TEXT},
        {"landlord": pk, "address": BIG_TEXT, "rooms": 1, "beds": 1},
    ):
        assert client.post(edit, data).status_code == 400, data
    assert _snapshot() == before


# The user-name probe -----------------------------------------------------------------------


def _try_name(client, street, username: str, password: str = GOOD) -> tuple[int, dict]:
    response = client.post(
        reverse("residents:add_landlord"),
        {
            "community": street["community1"].pk,
            "name": "钱某",
            "phone": "13812345678",
            "username": username,
            "password": password,
        },
    )
    return response.status_code, {k: [str(e) for e in v] for k, v in response.context["form"].errors.items()}


def test_no_answer_tells_more_about_existing_logins_than_taken(client, people, street, homes):
    """Linking took an existing login and said "No active login has this name" otherwise; creating
    says only "taken" — alike for an active, a disabled, a superuser's and a member's login."""
    UserFactory(username="jiuzhanghao", is_active=False)
    taken = chinese("landlords")["This user name is already taken."]
    client.force_login(people["community1"])
    before = _snapshot()
    answers = {
        name: _try_name(client, street, name) for name in ("fangdong", "JiuZhangHao", "admin", "dangyuan")
    }
    assert answers == dict.fromkeys(answers, (400, {"username": [taken]}))
    # A name nobody has, with a bad password: about the password only.
    status, errors = _try_name(client, street, "nobody-yet", "123")
    assert status == 400 and set(errors) == {"password"}
    assert _snapshot() == before
    old_message = chinese("landlords")["No active login has this name."]
    for name in ("fangdong", "nobody-else", "JIUZHANGHAO"):
        page = client.post(reverse("residents:add_landlord"), {"username": name}).content.decode()
        assert old_message not in page and "No active login" not in page
    # An existing login is never linked: a new one is made only for a new name.
    response = client.post(
        reverse("residents:add_landlord"),
        {
            "community": street["community1"].pk,
            "name": "钱某",
            "phone": "13812345678",
            "username": "nobody-yet",
            "password": GOOD,
        },
    )
    assert response.status_code == 302
    assert Landlord.objects.get(name="钱某").user.username == "nobody-yet"
