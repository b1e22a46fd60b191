"""The demo's residents: landlords with logins, housing, every category, some left, one flat
overcrowded, one record purged; fangdong sees their own flats, shequ SQ01's residents only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from residents import access, queries
from residents.models import AuditEntry, Category, Housing, Resident


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def _user(name):
    return get_user_model().objects.get(username=name)


def test_demo_has_residents_in_every_category_some_left_one_purged(demo):
    registered = Resident.objects.registered()
    assert set(registered.values_list("category", flat=True)) == set(Category.values)
    assert Resident.objects.filter(left_on__isnull=False).count() >= 2
    assert Resident.objects.filter(purged_at__isnull=False, name="").count() == 1
    assert registered.filter(events__kind="moved").count() == 1
    assert AuditEntry.objects.filter(action="register").count() == Resident.objects.count()


def test_demo_has_one_overcrowded_flat_of_fangdong(demo):
    crowded = list(queries.overcrowded(Housing.objects.all()))
    assert len(crowded) == 1
    assert crowded[0].landlord.user.username == "fangdong"


def test_fangdong_signs_in_and_sees_their_own_flats(client, demo):
    assert client.login(username="fangdong", password="demo12345")
    response = client.get(reverse("residents:landlord"))
    assert response.status_code == 200
    flats = {h.pk for h, _tenants in response.context["rows"]}
    assert flats == set(
        Housing.objects.filter(landlord__user__username="fangdong").values_list("pk", flat=True)
    )
    assert 'data-testid="overcrowded"' in response.content.decode()


def test_shequ_lists_their_community_only_and_jiedao_the_street(demo):
    shequ, jiedao = _user("shequ"), _user("jiedao")
    communities = set(access.visible_residents(shequ).values_list("community__code", flat=True))
    assert communities == {"SQ01"}
    assert set(access.visible_residents(jiedao).values_list("community__code", flat=True)) >= {
        "SQ01",
        "SQ02",
        "SQ03",
    }


def test_the_figures_page_shows_the_demo(client, demo):
    client.force_login(_user("jiedao"))
    response = client.get(reverse("residents:figures"))
    assert response.status_code == 200
    keys = [s.key for s in response.context["page"].sections]
    assert keys[:3] == ["by-category", "per-month", "overcrowded"]
    overcrowded = response.context["page"].sections[2]
    assert len(overcrowded.rows) == 1


def test_demo_landlord_logins_are_plain_logins_and_one_flat_has_its_beds_corrected(demo):
    fangdong = _user("fangdong")
    assert not fangdong.is_staff and not fangdong.is_superuser
    assert fangdong.check_password("demo12345")
    corrected = AuditEntry.objects.filter(action="housing", detail__contains="3 → 2")
    assert corrected.count() == 1
    assert Housing.objects.filter(beds=2).exists()


def test_demo_has_one_corrected_registration_with_its_reason(client, demo):
    corrected = Resident.objects.registered().get(events__kind="corrected")
    event = corrected.events.get(kind="corrected")
    assert corrected.phone == "13916668888" and event.reason and event.changes[0]["field"] == "phone"
    client.force_login(_user("jiedao"))
    page = client.get(f"/residents/{corrected.pk}/").content.decode()
    assert 'data-testid="correction"' in page and event.reason in page
