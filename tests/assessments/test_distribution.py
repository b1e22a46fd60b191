"""The street's distribution on the score sheet: secretaries per band (every band, zeros too) and
totals in 10-point buckets (the full score in the last), each an SVG column chart with its
figures in a table; only for the street's post-holders; queries do not grow with secretaries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments.distribution import band_counts, distribution, total_buckets
from assessments.models import Band, Phase, SecretaryResult
from tests.assessments.public_support import add_results, published

pytestmark = pytest.mark.django_db

NAMES = {Band.EXCELLENT: "优秀", Band.GOOD: "称职", Band.BASIC: "基本称职", Band.FAIL: "不称职"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _rows(*pairs):
    return [{"band": band, "total": Decimal(total)} for band, total in pairs]


def test_band_counts_list_every_band_best_first():
    rows = _rows((Band.GOOD, "85"), (Band.GOOD, "81"), (Band.FAIL, "40"))
    assert band_counts(rows, NAMES) == [("优秀", 0), ("称职", 2), ("基本称职", 0), ("不称职", 1)]


def test_total_buckets_of_ten_points_with_the_full_score_in_the_last():
    rows = _rows(
        (Band.EXCELLENT, "100"),
        (Band.EXCELLENT, "90"),
        (Band.GOOD, "89.99"),
        (Band.FAIL, "0"),
        (Band.FAIL, "9.99"),
        (Band.FAIL, "-3"),
    )
    buckets = total_buckets(rows, 100)
    assert len(buckets) == 10
    assert buckets[0] == ("0–9", 3)
    assert buckets[8] == ("80–89", 1)
    assert buckets[9] == ("90–100", 2)
    assert sum(n for _label, n in buckets) == len(rows)


def test_total_buckets_follow_the_cycles_total_points():
    buckets = total_buckets(_rows((Band.GOOD, "120"), (Band.GOOD, "115")), 120)
    assert [label for label, _n in buckets][-1] == "110–120"
    assert buckets[-1][1] == 2


def test_charts_are_empty_without_secretaries():
    charts = distribution([], names=NAMES, total_points=100)
    assert charts.bands.is_empty and charts.totals.is_empty


@pytest.fixture
def sheet(street, roles):
    cycle, results = published(street["street"], Phase.PUBLICITY, secretaries=5, awards=0)
    return cycle, results


def test_sheet_shows_both_charts_with_their_tables(client, sheet, roles):
    cycle, results = sheet
    client.force_login(roles["street_secretary"])
    response = client.get(f"/assessments/sheet/{cycle.pk}/")
    assert response.status_code == 200
    dist = response.context["distribution"]
    bands = {c.label: c.value for c in dist.bands.columns}
    expected = dict.fromkeys(cycle.band_names().values(), 0)
    for r in SecretaryResult.objects.filter(cycle=cycle):
        expected[cycle.band_names()[r.band]] += 1
    assert bands == expected
    assert sum(c.value for c in dist.totals.columns) == len(results)
    assert [(c.label, c.axis_label) for c in dist.totals.columns][-2:] == [("80–89", "80"), ("90–100", "90")]
    html = response.content.decode()
    part = html.split('data-testid="distribution"')[1].split("</section>")[0]
    assert part.count('data-testid="column-chart"') == 2
    assert part.count('<svg class="columns"') == 2
    assert part.count('<table class="table">') == 2
    assert "style=" not in part and "<script" not in part  # CSP: attributes only


def test_distribution_counts_the_whole_street_whatever_the_filter(client, sheet, roles):
    cycle, results = sheet
    client.force_login(roles["street_secretary"])
    response = client.get(f"/assessments/sheet/{cycle.pk}/?band=excellent")
    assert len(response.context["rows"]) == 1
    assert sum(c.value for c in response.context["distribution"].totals.columns) == len(results)


@pytest.mark.parametrize("who", ["community_secretary", "member", "outsider"])
def test_distribution_only_for_the_streets_post_holders(client, sheet, roles, who):
    cycle, _results = sheet
    client.force_login(roles[who])
    response = client.get(f"/assessments/sheet/{cycle.pk}/")
    assert response.status_code == 403
    assert b'data-testid="distribution"' not in response.content


def test_provisional_sheet_has_its_distribution(client, street, roles):
    cycle, _results = published(street["street"], Phase.OPEN, secretaries=0, awards=0)
    client.force_login(roles["street_secretary"])
    response = client.get(f"/assessments/sheet/{cycle.pk}/")
    assert response.status_code == 200 and response.context["provisional"]
    # The live preview scores the street's secretaries (community 1's at least).
    assert sum(c.value for c in response.context["distribution"].bands.columns) == len(
        response.context["rows"]
    )


def test_sheet_queries_do_not_grow_with_secretaries(client, sheet, roles, street, django_assert_num_queries):
    cycle, _results = sheet
    client.force_login(roles["street_secretary"])
    url = f"/assessments/sheet/{cycle.pk}/"
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    add_results(cycle, street["street"], 15, start_rank=6)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(url)
    assert sum(c.value for c in response.context["distribution"].bands.columns) == 20
