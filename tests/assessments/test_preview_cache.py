"""The provisional scores of the sheet and the secretary's page come from the cache per cycle
(assessments.preview): computed once, shared by both pages, retired by the assessment's own
writes, with the time they were computed on the page."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessments import preview
from assessments.models import AssessmentCycle, CommitteeScore, Phase
from tests.assessments.scoring_support import committee, community_with_secretary, scorers, small_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def setup(street, roles):
    root = street["street"]
    cycle, ind = small_cycle(root, timezone.localdate().year)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.REVIEW)
    cycle.refresh_from_db()
    by = scorers(root)
    others = [community_with_secretary(root) for _ in range(2)]
    committee(cycle, ind["P-committee"], others[0][1], [30, 30], by)
    return {"cycle": cycle, "ind": ind, "others": others, "by": by, "root": root}


def _total(response, member_id):
    return next(r["total"] for r in response.context["rows"] if r["member_id"] == member_id)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_second_view_reads_the_cache_and_shows_when_computed(client, setup, roles):
    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{setup['cycle'].pk}/"
    cold = _queries(client, url)
    warm = _queries(client, url)
    assert warm < cold
    page = client.get(url)
    assert 'data-testid="computed-at"' in page.content.decode()
    assert page.context["computed_at"] is not None


def test_cached_view_queries_do_not_grow_with_secretaries(client, setup, roles):
    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{setup['cycle'].pk}/"
    client.get(url)
    small = _queries(client, url)
    for _ in range(3):
        community_with_secretary(setup["root"])
    preview.scores_changed(setup["cycle"].pk)  # tenures are not the assessment's writes
    client.get(url)
    assert _queries(client, url) == small


def test_a_write_outside_the_app_waits_for_the_timeout(client, setup, roles):
    """Portal data changed without the assessment's signals (here a queryset update) is shown
    only when the entry expires: the page's "computed at" says how old the figures are."""
    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{setup['cycle'].pk}/"
    top = setup["others"][0][1]
    before = _total(client.get(url), top.pk)
    CommitteeScore.objects.filter(cycle=setup["cycle"]).update(score=Decimal(0))
    assert _total(client.get(url), top.pk) == before
    caches["default"].clear()  # as the timeout would
    assert _total(client.get(url), top.pk) == before - 30


def test_committee_score_renews_the_preview_at_once(client, setup, roles):
    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{setup['cycle'].pk}/"
    second = setup["others"][1][1]
    before = _total(client.get(url), second.pk)
    committee(setup["cycle"], setup["ind"]["P-committee"], second, [20, 20], setup["by"])
    assert _total(client.get(url), second.pk) == before + 20


def test_indicator_change_renews_the_preview(client, setup, roles):
    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{setup['cycle'].pk}/"
    top = setup["others"][0][1]
    before = _total(client.get(url), top.pk)
    indicator = setup["ind"]["P-committee"]
    indicator.weight = Decimal(15)
    indicator.save()
    assert _total(client.get(url), top.pk) == before - 15


def test_secretary_page_shares_the_cached_preview(client, setup, roles):
    client.force_login(roles["street_secretary"])
    client.get(f"/assessments/sheet/{setup['cycle'].pk}/")
    client.force_login(roles["community_secretary"])
    page = client.get("/assessments/mine/")
    assert page.status_code == 200 and page.context["provisional"]
    assert page.context["computed_at"] is not None
    assert 'data-testid="computed-at"' in page.content.decode()


def test_frozen_cycle_never_reads_the_preview(client, setup, roles):
    from assessments import scoring

    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{setup['cycle'].pk}/"
    client.get(url)
    scoring.freeze_scores(setup["cycle"])
    page = client.get(url)
    assert not page.context["provisional"] and page.context["computed_at"] is None


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="Redis only in the PostgreSQL + Redis run")
def test_preview_round_trips_through_redis(client, setup, roles):
    """The rows (Decimals, nested evidence) pickle through the production cache backend."""
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    with override_settings(CACHES=redis):
        caches["default"].delete_many([f"assessments:preview-version:{setup['cycle'].pk}"])
        client.force_login(roles["street_secretary"])
        url = f"/assessments/sheet/{setup['cycle'].pk}/"
        first = client.get(url)
        second = client.get(url)
        assert [r["total"] for r in second.context["rows"]] == [r["total"] for r in first.context["rows"]]
        assert second.context["computed_at"] is not None
        preview.scores_changed(setup["cycle"].pk)


def test_export_after_a_cached_sheet_view_has_every_indicator_line(client, setup, roles):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{setup['cycle'].pk}/"
    summary = client.get(url).context["rows"][0]["lines"]  # the page's summary: rating lines only
    assert all(line["source"] == "rating" for line in summary)
    book = load_workbook(BytesIO(client.get(url + "export.xlsx").content))
    detail = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(detail) == 1 + 3 * len(setup["ind"])  # header + a line per secretary and indicator
    client.force_login(roles["community_secretary"])
    row = client.get("/assessments/mine/").context["row"]
    assert len(row["lines"]) == len(setup["ind"])
