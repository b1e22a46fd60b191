"""The unit contacts admin (共建单位联系人): a unit's or the street's post-holders name a contact by
login name and remove them; others see no row (404); bad input is a form error writing nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cobuilding import access, services
from cobuilding.models import UnitContact
from tests.factories.orgchart import UserFactory

pytestmark = pytest.mark.django_db

ADD = "cobuilding_unitcontact:add"


def test_street_secretary_names_and_removes_a_contact(client, street, units, roles):
    user = UserFactory(username="lianxiren")
    client.force_login(roles["street_secretary"])
    assert client.get(reverse("cobuilding_unitcontact:index")).status_code == 200
    response = client.post(reverse(ADD), {"username": "lianxiren", "unit_org": units["hospital"].pk})
    assert response.status_code == 302
    contact = UnitContact.objects.get()
    assert (contact.user, contact.unit_org) == (user, units["hospital"])
    assert access.is_unit_contact(user)
    index = client.get(reverse("cobuilding_unitcontact:index")).content.decode()
    assert "lianxiren" in index
    remove = reverse("cobuilding_unitcontact:remove", args=(contact.pk,))
    assert client.get(remove).status_code == 200
    assert client.post(remove, {}).status_code == 302
    assert not UnitContact.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"username": "nobody", "outside_unit": "OUTSIDE"},  # unknown login
        {"username": "lianxiren"},  # no unit
        {"username": "lianxiren", "unit_org": "HOSPITAL", "outside_unit": "OUTSIDE"},  # both
        {"username": "lianxiren", "unit_org": "FOREIGN"},  # another street's unit: not a choice
        {"username": "lianxiren", "unit_org": "999999"},  # forged id
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(client, street, units, roles, data):
    UserFactory(username="lianxiren")
    ids = {"OUTSIDE": units["company"].pk, "HOSPITAL": units["hospital"].pk, "FOREIGN": units["foreign"].pk}
    data = {key: ids.get(value, value) for key, value in data.items()}
    client.force_login(roles["community_secretary"])
    response = client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert not UnitContact.objects.exists()


def test_community_secretary_may_not_name_a_contact_of_a_tree_unit(client, street, units, roles):
    UserFactory(username="lianxiren")
    client.force_login(roles["community_secretary"])
    response = client.post(reverse(ADD), {"username": "lianxiren", "unit_org": units["hospital"].pk})
    assert response.status_code == 200  # the service's refusal shown on the form
    assert not UnitContact.objects.exists()
    # The keeper of an outside unit's record may.
    ok = client.post(reverse(ADD), {"username": "lianxiren", "outside_unit": units["company"].pk})
    assert ok.status_code == 302 and UnitContact.objects.count() == 1


def test_another_communitys_contact_answers_404(client, street, units, community2_secretary):
    contact = services.add_unit_contact(actor=None, user=UserFactory(), outside_unit=units["company"])
    client.force_login(community2_secretary)
    assert client.get(reverse("cobuilding_unitcontact:remove", args=(contact.pk,))).status_code == 404
    assert client.post(reverse("cobuilding_unitcontact:remove", args=(contact.pk,)), {}).status_code == 404
    assert UnitContact.objects.exists()


def test_members_get_no_page(client, street, roles):
    client.force_login(roles["member"])
    assert client.get(reverse("cobuilding_unitcontact:index")).status_code in (302, 403)
