"""The rating API: member and ticket submissions, refusals writing nothing, "have I rated"."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from assessments import ratings
from assessments.models import AssessmentCycle, Phase, Rating, RatingParticipation

ANSWERS = {"contact": "good", "service": "good", "unity": "fairly_good", "integrity": "poor"}


@pytest.fixture
def rating(cycle, roles):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.RATING)
    cycle.refresh_from_db()
    return cycle


def test_member_rates_through_api(rating, roles, street):
    api = APIClient()
    api.force_authenticate(roles["member"])
    assert api.get("/api/assessment-ratings/mine/").json() == {"rating_open": True, "rated": False}
    response = api.post(
        "/api/assessment-ratings/", {"answers": ANSWERS, "community": street["community2"].pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json() == {"rated": True}  # nothing naming the rating
    assert Rating.objects.get().community == street["community1"]
    again = api.post("/api/assessment-ratings/", {"answers": ANSWERS}, format="json")
    assert again.status_code == 400
    assert api.get("/api/assessment-ratings/mine/").json() == {"rating_open": True, "rated": True}
    assert Rating.objects.count() == RatingParticipation.objects.count() == 1


def test_ticket_through_api(rating, street):
    _batch, codes = ratings.generate_tickets(rating, street["community1"], 1, actor=None)
    api = APIClient()
    assert api.post("/api/assessment-ratings/", {"answers": ANSWERS}, format="json").status_code in (401, 403)
    forged = api.post("/api/assessment-ratings/", {"answers": ANSWERS, "ticket": "ABCDEFGHJK"}, format="json")
    assert forged.status_code == 400
    done = api.post("/api/assessment-ratings/", {"answers": ANSWERS, "ticket": codes[0]}, format="json")
    assert done.status_code == 201
    reused = api.post("/api/assessment-ratings/", {"answers": ANSWERS, "ticket": codes[0]}, format="json")
    assert reused.status_code == 400
    assert Rating.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"answers": {**ANSWERS, "contact": "excellent"}},
        {"answers": {"contact": "good"}},
        {"answers": {f"q{i}": "good" for i in range(200)}},
        {"answers": {**ANSWERS, "contact": "x" * 5000}},
        {"answers": "good"},
        {},
    ],
)
def test_bad_input_writes_nothing(rating, roles, payload):
    api = APIClient()
    api.force_authenticate(roles["member"])
    assert api.post("/api/assessment-ratings/", payload, format="json").status_code == 400
    assert not Rating.objects.exists() and not RatingParticipation.objects.exists()


def test_mine_outside_phase(cycle, roles):
    api = APIClient()
    api.force_authenticate(roles["member"])
    assert api.get("/api/assessment-ratings/mine/").json() == {"rating_open": False, "rated": False}
    assert APIClient().get("/api/assessment-ratings/mine/").status_code in (401, 403)


def test_ticket_cannot_be_redirected_to_another_community(rating, street, roles):
    from tests.factories.orgchart import make_post_holder

    make_post_holder(street["community2"], "shequ2", branch=street["branch2"])
    _batch, codes = ratings.generate_tickets(rating, street["community1"], 1, actor=None)
    payload = {"answers": ANSWERS, "ticket": codes[0], "community": street["community2"].pk}
    assert APIClient().post("/api/assessment-ratings/", payload, format="json").status_code == 201
    assert Rating.objects.get().community == street["community1"]


def test_ticket_outside_rating_phase(cycle, street):
    _batch, codes = ratings.generate_tickets(cycle, street["community1"], 1, actor=None)
    response = APIClient().post(
        "/api/assessment-ratings/", {"answers": ANSWERS, "ticket": codes[0]}, format="json"
    )
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_ticket_attempts_rate_limited(rating, settings):
    settings.ASSESSMENTS_TICKET_ATTEMPTS_PER_HOUR = 2
    api = APIClient()
    codes = [
        api.post(
            "/api/assessment-ratings/", {"answers": ANSWERS, "ticket": "ABCDEFGHJK"}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]
