"""A member's login account: managers create it, reset its password and disable it, through
orgchart.services (the rules) and the member's "Login account" admin page (who may, bad input).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from orgchart import access, services
from tests.factories.orgchart import MemberFactory

User = get_user_model()

ROLES = ["street_secretary", "community_secretary", "member", "outsider", "superuser", "anonymous"]
WHOLE_STREET = {"street_secretary", "superuser"}
GOOD_PASSWORD = "Huangpu-river-1949"
OTHER_PASSWORD = "Lujiazui-tower-2024"


def url(view: str, pk: int) -> str:
    return reverse(f"orgchart_member:{view}", args=(pk,))


def client_for(client, roles, role):
    if role != "anonymous":
        client.force_login(roles[role])
    return client


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


@pytest.fixture
def newcomer(street):
    """A member of community 1 with no login yet."""
    return MemberFactory(organisation=street["branch1"], name="王新来", mobile="13812345678")


@pytest.fixture
def members(newcomer, roles):
    """Members without a login inside community 1 ("in") and in community 2 ("out")."""
    return {"in": newcomer, "out": roles["other_member"]}


def logs_of(member) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.for_instance(member).order_by("pk"))


# The service --------------------------------------------------------------------------------------


def test_a_new_login_lets_the_member_sign_in_as_themself(client, roles, newcomer):
    user = services.create_login(
        newcomer, username="wangxinlai", password=GOOD_PASSWORD, actor=roles["community_secretary"]
    )
    newcomer.refresh_from_db()
    assert newcomer.user == user
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert client.login(username="wangxinlai", password=GOOD_PASSWORD)
    assert access.member_for(User.objects.get(username="wangxinlai")) == newcomer


def test_a_member_who_already_has_a_login_gets_no_second_one(roles):
    with pytest.raises(ValidationError):
        services.create_login(roles["own_member"], username="second", password=GOOD_PASSWORD)
    assert not User.objects.filter(username="second").exists()


def test_a_member_who_left_the_street_gets_no_login(newcomer):
    services.transfer_member(newcomer, outside_organisation="外区某支部")
    with pytest.raises(ValidationError):
        services.create_login(newcomer, username="left", password=GOOD_PASSWORD)
    assert not User.objects.filter(username="left").exists()


@pytest.mark.parametrize("username", ["dangyuan", "DangYuan"])
def test_a_taken_user_name_is_refused_whatever_its_case(roles, newcomer, username):
    with pytest.raises(ValidationError) as exc:
        services.create_login(newcomer, username=username, password=GOOD_PASSWORD)
    assert "username" in errors_of(exc)
    newcomer.refresh_from_db()
    assert newcomer.user is None


@pytest.mark.parametrize("username", ["", "   ", "wang xin", "wang/xin", "x" * 151])
def test_an_invalid_user_name_is_refused(newcomer, username):
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_login(newcomer, username=username, password=GOOD_PASSWORD)
    assert "username" in errors_of(exc)
    assert User.objects.count() == users_before


@pytest.mark.parametrize(
    "password",
    ["Ab3!x", "2024061899", "password123", "wangxinlai1", ""],
    ids=["too-short", "all-digits", "too-common", "like-the-user-name", "empty"],
)
def test_a_password_failing_the_password_validators_is_refused(newcomer, password):
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_login(newcomer, username="wangxinlai1", password=password)
    assert "password" in errors_of(exc)
    assert User.objects.count() == users_before
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_a_community_secretary_cannot_give_a_login_in_another_community(roles):
    with pytest.raises(PermissionDenied):
        services.create_login(
            roles["other_member"], username="erqu", password=GOOD_PASSWORD, actor=roles["community_secretary"]
        )
    assert not User.objects.filter(username="erqu").exists()


def test_a_plain_member_cannot_give_logins(roles, newcomer):
    with pytest.raises(PermissionDenied):
        services.create_login(newcomer, username="wangxinlai", password=GOOD_PASSWORD, actor=roles["member"])


def test_reset_password_replaces_the_old_password(client, roles):
    services.reset_password(roles["own_member"], password=OTHER_PASSWORD, actor=roles["community_secretary"])
    assert not client.login(username="dangyuan", password="demo12345")
    assert client.login(username="dangyuan", password=OTHER_PASSWORD)


def test_reset_password_with_a_weak_password_keeps_the_old_one(client, roles):
    with pytest.raises(ValidationError) as exc:
        services.reset_password(roles["own_member"], password="12345678")
    assert "password" in errors_of(exc)
    assert client.login(username="dangyuan", password="demo12345")


def test_reset_password_of_a_member_without_login_is_refused(newcomer):
    with pytest.raises(ValidationError):
        services.reset_password(newcomer, password=GOOD_PASSWORD)


def test_a_community_secretary_cannot_take_over_the_street_secretarys_login(client, roles):
    """The street secretary's own record sits in community 1: managing the record is not enough."""
    street_secretary_member = roles["street_secretary"].member
    with pytest.raises(PermissionDenied):
        services.reset_password(
            street_secretary_member, password=OTHER_PASSWORD, actor=roles["community_secretary"]
        )
    with pytest.raises(PermissionDenied):
        services.disable_login(street_secretary_member, actor=roles["community_secretary"])
    assert client.login(username="jiedao", password="demo12345")


def test_only_a_superuser_may_change_a_superusers_login(roles, street):
    admin_member = MemberFactory(organisation=street["branch1"], user=roles["superuser"])
    with pytest.raises(PermissionDenied):
        services.reset_password(admin_member, password=OTHER_PASSWORD, actor=roles["street_secretary"])
    services.reset_password(admin_member, password=OTHER_PASSWORD, actor=roles["superuser"])


def test_a_disabled_login_cannot_sign_in_and_stays_linked(client, roles):
    member = roles["own_member"]
    services.disable_login(member, actor=roles["community_secretary"])
    member.refresh_from_db()
    assert member.user is not None and not member.user.is_active
    assert not client.login(username="dangyuan", password="demo12345")


def test_a_manager_cannot_disable_their_own_login(roles):
    with pytest.raises(ValidationError):
        services.disable_login(roles["community_secretary"].member, actor=roles["community_secretary"])
    roles["community_secretary"].refresh_from_db()
    assert roles["community_secretary"].is_active


def test_a_new_password_does_not_enable_a_disabled_login(client, roles):
    member = roles["own_member"]
    services.disable_login(member)
    services.reset_password(member, password=OTHER_PASSWORD)
    assert not client.login(username="dangyuan", password=OTHER_PASSWORD)


# The admin page: who may open and use it ----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_the_login_page_opens_only_inside_the_managed_subtree(client, roles, members, role, where):
    response = client_for(client, roles, role).get(url("account", members[where].pk))
    if role in WHOLE_STREET or (role == "community_secretary" and where == "in"):
        assert response.status_code == 200
        assert response.context["login_state"] == "none"
        assert response.context["form"]["username"].value() == members[where].mobile
    elif role == "community_secretary":
        assert response.status_code == 404
    else:
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_only_managers_of_the_member_can_create_a_login(client, roles, members, role, where):
    member = members[where]
    data = {
        "action": "create",
        "username": "newlogin",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    response = client_for(client, roles, role).post(url("account", member.pk), data)
    member.refresh_from_db()
    if role in WHOLE_STREET or (role == "community_secretary" and where == "in"):
        assert response.status_code == 302
        assert member.user.username == "newlogin"
    else:
        if role == "community_secretary":
            assert response.status_code == 404
        else:
            assert_sent_to_login(response)
        assert member.user is None
        assert not User.objects.filter(username="newlogin").exists()


@pytest.mark.parametrize("role", ["member", "outsider", "anonymous"])
def test_non_managers_cannot_reset_or_disable_a_login(client, roles, role):
    c = client_for(client, roles, role)
    member = roles["own_member"]
    data = {"action": "reset", "password1": OTHER_PASSWORD, "password2": OTHER_PASSWORD}
    assert_sent_to_login(c.post(url("account", member.pk), data))
    assert_sent_to_login(c.post(url("account", member.pk), {"action": "disable"}))
    c.logout()
    assert client.login(username="dangyuan", password="demo12345")


def test_the_member_edit_page_and_listing_link_to_the_login_page(client, roles):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    account_url = url("account", member.pk)
    assert account_url in client.get(url("edit", member.pk)).content.decode()
    assert account_url in client.get(reverse("orgchart_member:index")).content.decode()


# The admin page: what it does ---------------------------------------------------------------------


def test_creating_a_login_in_the_admin_logs_the_action_but_never_the_password(client, roles, newcomer):
    client.force_login(roles["community_secretary"])
    data = {
        "action": "create",
        "username": "13812345678",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    response = client.post(url("account", newcomer.pk), data)
    assert response.status_code == 302
    assert client.login(username="13812345678", password=GOOD_PASSWORD)
    (entry,) = logs_of(newcomer)
    assert entry.action == "orgchart.login_create"
    assert entry.user == roles["community_secretary"]
    assert GOOD_PASSWORD not in str(entry.data) and GOOD_PASSWORD not in entry.label
    client.force_login(roles["community_secretary"])
    page = client.get(url("account", newcomer.pk))
    assert page.context["login_state"] == "active"
    assert "13812345678" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "wangxinlai", "password1": GOOD_PASSWORD, "password2": OTHER_PASSWORD}, "password2"),
        ({"username": "wangxinlai", "password1": "Ab3!x", "password2": "Ab3!x"}, "password1"),
        ({"username": "wangxinlai", "password1": "12345678901", "password2": "12345678901"}, "password1"),
        ({"username": "dangyuan", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}, "username"),
        ({"username": "wang xin", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}, "username"),
        ({"username": "", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}, "username"),
        ({"username": "wangxinlai", "password1": "", "password2": ""}, "password1"),
    ],
    ids=["mismatch", "too-short", "all-digits", "taken", "invalid", "no-username", "no-password"],
)
def test_bad_input_when_creating_a_login_is_a_form_error_and_writes_nothing(
    client, roles, newcomer, data, field
):
    users_before = User.objects.count()
    client.force_login(roles["community_secretary"])
    response = client.post(url("account", newcomer.pk), {"action": "create", **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == users_before
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert logs_of(newcomer) == []


def test_resetting_a_password_in_the_admin(client, roles):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    page = client.get(url("account", member.pk))
    assert page.context["login_state"] == "active" and "username" not in page.context["form"].fields
    data = {"action": "reset", "password1": OTHER_PASSWORD, "password2": OTHER_PASSWORD}
    assert client.post(url("account", member.pk), data).status_code == 302
    assert [e.action for e in logs_of(member)] == ["orgchart.login_reset"]
    assert OTHER_PASSWORD not in str(logs_of(member)[0].data)
    assert client.login(username="dangyuan", password=OTHER_PASSWORD)


@pytest.mark.parametrize(
    "data",
    [
        {"password1": OTHER_PASSWORD, "password2": GOOD_PASSWORD},
        {"password1": "dangyuan1", "password2": "dangyuan1"},
        {"password1": "", "password2": ""},
    ],
    ids=["mismatch", "like-the-user-name", "empty"],
)
def test_a_bad_new_password_is_a_form_error_and_keeps_the_old_one(client, roles, data):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    response = client.post(url("account", member.pk), {"action": "reset", **data})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert logs_of(member) == []
    assert client.login(username="dangyuan", password="demo12345")


def test_disabling_a_login_in_the_admin_stops_it_signing_in(client, roles):
    member = roles["own_member"]
    client.force_login(roles["community_secretary"])
    assert client.post(url("account", member.pk), {"action": "disable"}).status_code == 302
    assert [e.action for e in logs_of(member)] == ["orgchart.login_disable"]
    page = client.get(url("account", member.pk))
    assert page.context["login_state"] == "disabled"
    assert 'id="disable-login"' not in page.content.decode()
    client.logout()
    assert not client.login(username="dangyuan", password="demo12345")


def test_the_community_secretary_cannot_reset_the_street_secretarys_password_in_the_admin(client, roles):
    member = roles["street_secretary"].member
    client.force_login(roles["community_secretary"])
    data = {"action": "reset", "password1": OTHER_PASSWORD, "password2": OTHER_PASSWORD}
    response = client.post(url("account", member.pk), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.login(username="jiedao", password="demo12345")


def test_a_member_who_left_is_offered_no_login(client, roles, newcomer):
    services.transfer_member(newcomer, outside_organisation="外区某支部")
    client.force_login(roles["street_secretary"])
    page = client.get(url("account", newcomer.pk))
    assert page.status_code == 200 and 'id="w-editor-form"' not in page.content.decode()
    data = {"action": "create", "username": "left1", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    response = client.post(url("account", newcomer.pk), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not User.objects.filter(username="left1").exists()


def test_a_login_whose_member_left_can_still_be_disabled(client, roles):
    member = roles["own_member"]
    services.transfer_member(member, outside_organisation="外区某支部")
    client.force_login(roles["street_secretary"])
    page = client.get(url("account", member.pk)).content.decode()
    assert 'id="disable-login"' in page and 'id="w-editor-form"' not in page
    assert client.post(url("account", member.pk), {"action": "disable"}).status_code == 302
    member.refresh_from_db()
    assert not member.user.is_active
