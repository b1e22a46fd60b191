"""The "my scores" API (the same data as /assessments/mine/: 403 for anyone but a community
secretary, 404 for another street's cycle, a draft or a forged id; provisional without band and
rank before freezing) and the public results API (final cycles only, anyone); both in the
OpenAPI schema; queries that do not grow with secretaries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient

from assessments.models import AssessmentCycle, Phase
from orgchart.models import OrgKind
from tests.assessments.public_support import add_results, move, published, result_for
from tests.assessments.scoring_support import committee, community_with_secretary, scorers, small_cycle
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org

pytestmark = pytest.mark.django_db

MINE = "/api/assessment-scores/mine/"
RESULTS = "/api/assessment-results/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def live(street, roles):
    """This year's cycle of the street, open, scored live (not frozen), with two more secretaries."""
    root = street["street"]
    cycle, ind = small_cycle(root, timezone.localdate().year)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.OPEN)
    cycle.refresh_from_db()
    others = [community_with_secretary(root) for _ in range(2)]
    committee(cycle, ind["P-committee"], others[0][1], [30, 30], scorers(root))
    foreign = make_cycle(make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2"), cycle.year)
    move(foreign, Phase.FINAL)
    return {"cycle": cycle, "others": others, "foreign": foreign}


def test_anonymous_must_sign_in(api, live):
    assert api.get(MINE).status_code == 401


@pytest.mark.parametrize("who", ["member", "street_secretary", "outsider", "superuser"])
def test_only_community_secretaries(api, live, roles, who):
    api.force_authenticate(roles[who])
    response = api.get(MINE)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_secretary_gets_the_same_data_as_the_page(api, client, live, roles):
    me = roles["community_secretary"]
    api.force_authenticate(me)
    data = api.get(MINE).json()
    client.force_login(me)
    page = client.get("/assessments/mine/").context
    row = page["row"]
    assert data["cycle"]["id"] == live["cycle"].pk and data["community"] == page["community"].name
    assert data["provisional"] is True and page["provisional"]
    result = data["result"]
    assert Decimal(result["total"]) == row["total"]
    assert [Decimal(result[t]) for t in ("learning", "practical", "harmonious")] == [
        row["learning"],
        row["practical"],
        row["harmonious"],
    ]
    assert [(line["name"], Decimal(line["points"])) for line in result["lines"]] == [
        (line["name"], Decimal(line["points"])) for line in row["lines"]
    ]
    assert data["missing"] == page["missing"]
    # Provisional: no band, rank or recommendation, as on the page.
    assert {k: result[k] for k in ("band", "band_name", "rank", "recommended")} == dict.fromkeys(
        ("band", "band_name", "rank", "recommended")
    )
    # Nobody else's scores.
    names = {m.name for _c, m in live["others"]}
    assert not names & {str(v) for v in data.values()}
    assert all(line.keys() >= {"evidence", "missing", "value", "weight"} for line in result["lines"])


def test_frozen_scores_with_band_rank_and_evidence(api, street, roles):
    cycle = make_cycle(street["street"], timezone.localdate().year)
    me = roles["community_secretary"]
    result_for(cycle, me.member, street["community1"], rank=2, total="88.50", recommended=True)
    add_results(cycle, street["street"], 2, start_rank=3)
    move(cycle, Phase.PUBLICITY)
    api.force_authenticate(me)
    data = api.get(MINE, {"cycle": cycle.pk}).json()
    assert data["provisional"] is False
    result = data["result"]
    assert (result["total"], result["band"], result["band_name"], result["rank"], result["recommended"]) == (
        "88.50",
        "good",
        "称职",
        2,
        True,
    )
    line = result["lines"][0]
    assert line["evidence"] == [{"kind": "study", "id": 7, "title": "学习党章", "date": "2026-01-05"}]
    assert line["missing"] == ["缺少11月学习记录"]
    assert "comments" not in line  # committee comments are not shown to the secretary
    assert "缺少11月学习记录" in data["missing"]


def test_other_streets_draft_and_forged_cycles_are_404(api, live, roles, street):
    api.force_authenticate(roles["community_secretary"])
    draft = make_cycle(street["street"], live["cycle"].year + 1)
    for forged in (live["foreign"].pk, draft.pk, 999999, "abc", "1 OR 1=1"):
        response = api.get(MINE, {"cycle": forged})
        assert response.status_code == 404, forged
    assert api.get(MINE, {"cycle": live["cycle"].pk}).status_code == 200


def test_no_cycle_yet(api, street, roles):
    make_cycle(street["street"], 2026)  # a draft is not shown
    api.force_authenticate(roles["community_secretary"])
    data = api.get(MINE).json()
    assert data["cycle"] is None and data["result"] is None
    assert data["community"] == street["community1"].name


@pytest.mark.parametrize("frozen", [False, True])
def test_my_scores_queries_do_not_grow_with_secretaries(
    api, live, roles, street, django_assert_num_queries, frozen
):
    cycle = live["cycle"]
    if frozen:
        from assessments import scoring

        scoring.freeze_scores(cycle, rating_scores={})
        move(cycle, Phase.PUBLICITY)
    api.force_authenticate(roles["community_secretary"])
    api.get(MINE)  # warm
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(MINE).status_code == 200
    for _ in range(6):
        community, member = community_with_secretary(street["street"])
        if frozen:
            result_for(cycle, member, community, rank=50, total="10")
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert api.get(MINE).json()["result"] is not None


# The public results API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phase", [Phase.DRAFT, Phase.OPEN, Phase.RATING, Phase.REVIEW, Phase.PUBLICITY, Phase.FINAL]
)
def test_public_results_api_only_final(api, street, phase):
    cycle, results = published(street["street"], phase)
    listed = api.get(RESULTS).json()["results"]
    assert [c["id"] for c in listed] == ([cycle.pk] if phase == Phase.FINAL else [])
    response = api.get(f"{RESULTS}{cycle.pk}/")
    assert response.status_code == (200 if phase == Phase.FINAL else 404)
    if phase == Phase.FINAL:
        data = response.json()
        assert [(r["place"], r["name"]) for r in data["recommended"]] == [
            (i, r.name) for i, r in enumerate(results[1:4], 1)
        ]
        assert set(data["recommended"][0]) == {"place", "name", "community", "band", "band_name"}
        assert all(a["url"] for a in data["awards"]) and len(data["awards"]) == 2
        assert "total" not in str(data)


@pytest.mark.parametrize("forged", ["999999", "abc"])
def test_public_results_api_forged_ids(api, street, forged):
    published(street["street"], Phase.FINAL)
    assert api.get(f"{RESULTS}{forged}/").status_code == 404


def test_public_results_api_queries_do_not_grow(api, street, django_assert_num_queries):
    cycle, _results = published(street["street"], Phase.FINAL, secretaries=4, awards=1)
    url = f"{RESULTS}{cycle.pk}/"
    api.get(url)  # warm
    with CaptureQueriesContext(connection) as ctx:
        api.get(url)
    more = add_results(cycle, street["street"], 10, start_rank=5)
    from tests.assessments.public_support import add_awards

    add_awards(cycle, more, 6)
    from assessments import work

    work.publish_awards(cycle)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert len(api.get(url).json()["awards"]) == 7


def test_paths_are_in_the_openapi_schema(api):
    schema = api.get("/api/openapi.json").json()
    for path in ("/api/assessment-scores/mine/", "/api/assessment-results/", "/api/assessment-results/{id}/"):
        assert path in schema["paths"], path
    mine = schema["paths"]["/api/assessment-scores/mine/"]["get"]
    assert {p["name"] for p in mine["parameters"]} >= {"cycle"}
    assert set(mine["responses"]) >= {"200", "401", "403", "404"}
