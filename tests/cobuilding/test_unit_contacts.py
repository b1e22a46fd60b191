"""Unit contacts (共建单位联系人) log in and see only their unit's agreements and resources and the
needs published to their unit; they change nothing; only the unit's (or street's) post-holders
name them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from cobuilding import access, services
from cobuilding.models import UnitContact
from tests.cobuilding.support import codes
from tests.factories.cobuilding import make_agreement, make_need, make_resource
from tests.factories.orgchart import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(units):
    user = UserFactory(username="lianxiren")
    services.add_unit_contact(actor=None, user=user, outside_unit=units["company"])
    return user


def _ids(client, url) -> list[int]:
    return [row["id"] for row in client.get(url).json()["results"]]


def test_contact_sees_only_their_units_rows(street, units, contact):
    own = make_agreement(street["community1"], units["company"])
    make_agreement(street["community1"], units["hospital"])
    own_resource = make_resource(street["community1"], units["company"], kind="funds")
    make_resource(street["community1"], units["hospital"])
    published = make_need(street["community1"], published_to=[units["company"]])
    hidden = make_need(street["community1"], description="未发布")
    client = APIClient()
    client.force_authenticate(contact)
    assert _ids(client, "/api/cobuilding/agreements/") == [own.pk]
    assert _ids(client, "/api/cobuilding/resources/") == [own_resource.pk]
    assert _ids(client, "/api/cobuilding/needs/") == [published.pk]
    assert client.get(f"/api/cobuilding/needs/{hidden.pk}/").status_code == 404
    assert client.get(f"/api/cobuilding/needs/{published.pk}/suggestions/").status_code == 403
    assert _ids(client, "/api/cobuilding/projects/") == []
    assert access.is_unit_contact(contact) and not access.is_cobuilding_manager(contact)


def test_a_contact_of_a_tree_unit_sees_its_agreements(street, units):
    user = UserFactory(username="yiyuan-lianxi")
    services.add_unit_contact(actor=None, user=user, unit_org=units["hospital"])
    agreement = make_agreement(street["community2"], units["hospital"])
    assert list(access.visible_agreements(user)) == [agreement]


def test_only_the_units_or_streets_post_holders_name_contacts(street, units, roles, community2_secretary):
    user = UserFactory(username="xin")
    with pytest.raises(PermissionDenied):
        services.add_unit_contact(actor=community2_secretary, user=user, outside_unit=units["company"])
    with pytest.raises(PermissionDenied):
        services.add_unit_contact(actor=roles["community_secretary"], user=user, unit_org=units["hospital"])
    # The company is recorded by community 1: its secretary names its contact; the street names any.
    services.add_unit_contact(actor=roles["community_secretary"], user=user, outside_unit=units["company"])
    services.add_unit_contact(actor=roles["street_secretary"], user=user, unit_org=units["hospital"])
    assert UnitContact.objects.filter(user=user).count() == 2


def test_bad_unit_contact_input_is_refused(street, units):
    user = UserFactory(username="bad")
    for kwargs, code in (
        ({}, "one_unit"),
        ({"unit_org": units["hospital"], "outside_unit": units["company"]}, "one_unit"),
        ({"unit_org": street["branch1"]}, "not_unit"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.add_unit_contact(actor=None, user=user, **kwargs)
        assert code in codes(exc.value)
    assert not UnitContact.objects.exists()


def test_removed_contact_sees_nothing_more(street, units, contact):
    make_agreement(street["community1"], units["company"])
    services.remove_unit_contact(UnitContact.objects.get(user=contact), actor=None)
    assert not access.visible_agreements(contact).exists()
