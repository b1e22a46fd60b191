"""The demo's secretary assessment: last year's cycle final with results and published awards,
this year's in rating with tickets and some ratings, the pages of the demo logins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from assessments.models import (
    AssessmentCycle,
    Award,
    Phase,
    Rating,
    RatingTicket,
    RatingTicketBatch,
    SecretaryResult,
    Submission,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def test_last_years_cycle_is_final_with_results_and_published_awards(demo):
    cycle = AssessmentCycle.objects.get(year=timezone.localdate().year - 1)
    assert cycle.phase == Phase.FINAL
    results = SecretaryResult.objects.filter(cycle=cycle)
    assert results.count() >= 4
    assert results.filter(recommended=True).count() == 3
    awards = Award.objects.filter(cycle=cycle)
    assert sorted(awards.values_list("kind", flat=True)) == ["practice", "reflection", "report"]
    assert all(a.result_page is not None and a.result_page.live for a in awards)


def test_this_years_cycle_is_rating_with_tickets_and_some_ratings(demo):
    cycle = AssessmentCycle.objects.get(year=timezone.localdate().year)
    assert cycle.phase == Phase.RATING
    assert Submission.objects.filter(cycle=cycle).exists()
    assert RatingTicketBatch.objects.filter(cycle=cycle).count() >= 4
    assert RatingTicket.objects.filter(batch__cycle=cycle).exists()
    assert Rating.objects.filter(cycle=cycle).exists()


def test_demo_logins_open_their_assessment_pages(demo, client):
    User = get_user_model()
    client.force_login(User.objects.get(username="dangyuan"))
    assert client.get("/assessments/rate/").status_code == 200
    client.force_login(User.objects.get(username="shequ"))
    assert client.get("/assessments/mine/").status_code == 200


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def test_a_second_seed_writes_nothing(demo):
    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
