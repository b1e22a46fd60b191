"""The demo's help requests: a catalogue in every community, requests in every state, routed by
the estates and roads; shequ answers SQ01's, the street sees all."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from orgchart.models import COMMUNITY_KINDS, Organisation
from residents import access_help
from residents.models_help import HelpRequest, HelpStatus, ServiceArea, ServiceSeries


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def test_every_community_has_a_catalogue_and_areas_and_the_street_its_own(demo):
    communities = Organisation.objects.filter(depth=2, kind__in=COMMUNITY_KINDS, closed_on__isnull=True)
    assert communities.count() >= 7
    for community in communities:
        assert ServiceSeries.objects.filter(organisation=community).count() == 3
        assert ServiceArea.objects.filter(community=community).count() == 2
    assert ServiceSeries.objects.filter(organisation__depth=1).count() == 2


def test_requests_in_every_state(demo):
    states = set(HelpRequest.objects.values_list("status", flat=True))
    assert states == set(HelpStatus.values)
    assert HelpRequest.objects.filter(community__isnull=True).exists()  # the street's queue
    assert HelpRequest.objects.filter(escalated_at__isnull=False).count() == 1
    assert HelpRequest.objects.filter(channel="phone").exists()
    assert HelpRequest.objects.filter(requester_user__username="dangyuan").exists()
    closed = HelpRequest.objects.filter(status=HelpStatus.CLOSED)
    assert any(r.on_time for r in closed) and any(r.on_time is False for r in closed)


def test_shequ_answers_sq01_only_and_the_street_sees_all(demo):
    shequ = get_user_model().objects.get(username="shequ")
    jiedao = get_user_model().objects.get(username="jiedao")
    mine = access_help.handled_requests(shequ)
    assert mine.exists() and not mine.exclude(community__code="SQ01").exists()
    assert access_help.handled_requests(jiedao).count() == HelpRequest.objects.count()


def test_items_in_hours_and_in_working_days_and_one_stopped_with_its_history(demo, client):
    from residents.models_help import DueUnit, ServiceItem

    assert ServiceItem.objects.filter(due_unit=DueUnit.HOURS).exists()
    legal = ServiceItem.objects.get(name="法律咨询")
    assert (legal.due_unit, legal.due_working_days) == (DueUnit.WORKING_DAYS, 3)
    stopped = ServiceItem.objects.get(active=False)
    assert stopped.name == "管道疏通" and stopped.series.organisation.code == "SQ01"
    assert HelpRequest.objects.filter(item=stopped, status=HelpStatus.CLOSED).exists()
    assert f'value="{stopped.pk}"' not in client.get("/help/").content.decode()
