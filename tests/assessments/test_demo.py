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

from assessments import ratings
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
    assert cycle.publicity_started_on.year == cycle.year  # 公示 legitimately over, last year
    assert cycle.transitions.filter(actor__username="jiedao").count() == 5  # by hand, with reasons
    assert not cycle.transitions.filter(reason="").exists()
    results = SecretaryResult.objects.filter(cycle=cycle)
    assert results.count() >= 4
    assert results.filter(recommended=True).count() == 3
    awards = Award.objects.filter(cycle=cycle)
    assert sorted(awards.values_list("kind", flat=True)) == ["practice", "reflection", "report"]
    assert all(a.result_page is not None and a.result_page.live for a in awards)


def test_the_awarded_report_is_published_with_its_full_text(demo, client):
    cycle = AssessmentCycle.objects.get(year=timezone.localdate().year - 1)
    award = Award.objects.select_related("submission__attachment").get(cycle=cycle, kind="report")
    document = award.submission.attachment
    assert document is not None and document.file.name.endswith(".txt")
    blocks = [b for b in award.result_page.specific.body if b.block_type == "document"]
    assert [b.value["document"].pk for b in blocks] == [document.pk]
    download = client.get(document.url)  # anonymous: the page is live, so is its file
    assert download.status_code == 200
    assert award.submission.title in b"".join(download.streaming_content).decode("utf-8")


def test_last_years_history_is_dated_last_year(demo):
    cycle = AssessmentCycle.objects.get(year=timezone.localdate().year - 1)
    year = cycle.year
    local_years = {timezone.localtime(at).year for at in cycle.transitions.values_list("at", flat=True)}
    assert local_years == {year}
    assert timezone.localtime(cycle.scores_frozen_at).year == year
    assert {
        timezone.localtime(at).year
        for at in Submission.objects.filter(cycle=cycle).values_list("submitted_at", flat=True)
    } == {year}
    assert {d.year for d in Rating.objects.filter(cycle=cycle).values_list("created_on", flat=True)} == {year}
    for award in Award.objects.filter(cycle=cycle).select_related("result_page"):
        assert timezone.localtime(award.decided_at).year == year
        assert timezone.localtime(award.result_page.first_published_at).year == year


def test_last_years_ratings_are_valid_but_in_one_community(demo):
    cycle = AssessmentCycle.objects.get(year=timezone.localdate().year - 1)
    results = list(ratings.rating_results(cycle).values())
    valid = [r for r in results if r.members.valid and r.residents.valid]
    assert len(valid) == len(results) - 1
    too_few = next(r for r in results if r not in valid)
    assert not too_few.members.shown and not too_few.residents.shown


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
    assert ratings.has_rated(User.objects.get(username="dangyuan")) is False
    page = client.get("/assessments/rate/")
    assert page.status_code == 200
    assert 'href="/assessments/rate/"' in page.content.decode()  # the menu link
    client.force_login(User.objects.get(username="shequ"))
    page = client.get("/assessments/mine/")
    assert page.status_code == 200 and page.context["provisional"] is True
    assert 'href="/assessments/mine/"' in page.content.decode()


def test_street_manager_has_admin_links_to_tickets_and_sheet(demo, client):
    client.force_login(get_user_model().objects.get(username="jiedao"))
    page = client.get("/admin/").content.decode()
    assert "/assessments/tickets/" in page
    latest = AssessmentCycle.objects.order_by("-year").first()
    assert f"/assessments/sheet/{latest.pk}/" in page


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def test_a_second_seed_writes_nothing(demo):
    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
