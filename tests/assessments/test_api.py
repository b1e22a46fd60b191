"""The assessment's JSON API: street post-holders read their street's cycles and move them;
everyone else sees none (404 on one); refusals answer 400 in Chinese-ready messages, nothing written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from assessments.models import AssessmentCycle, Phase, PhaseTransition
from orgchart.models import OrgKind
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_street_secretary_reads_their_cycles_with_indicators(cycle, roles):
    other = make_cycle(make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2"), 2026)
    response = _client(roles["street_secretary"]).get("/api/assessment-cycles/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [cycle.pk] and other.pk not in ids
    detail = _client(roles["street_secretary"]).get(f"/api/assessment-cycles/{cycle.pk}/").json()
    assert detail["phase"] == "draft" and len(detail["indicators"]) == 12
    assert detail["publicity_ends_on"] is None
    assert _client(roles["street_secretary"]).get(f"/api/assessment-cycles/{other.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["community_secretary", "member", "outsider"])
def test_others_see_no_cycle_and_cannot_move_one(cycle, roles, role):
    client = _client(roles[role])
    assert client.get("/api/assessment-cycles/").json()["results"] == []
    assert client.get(f"/api/assessment-cycles/{cycle.pk}/").status_code == 404
    assert client.post(f"/api/assessment-cycles/{cycle.pk}/advance/", {"reason": "越权"}).status_code == 404
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.DRAFT


def test_anonymous_callers_are_asked_to_sign_in(cycle):
    assert APIClient().get("/api/assessment-cycles/").status_code in (401, 403)


def test_move_a_cycle_by_hand_through_the_api(cycle, roles):
    client = _client(roles["street_secretary"])
    assert client.post(f"/api/assessment-cycles/{cycle.pk}/advance/", {"reason": ""}).status_code == 400
    assert not PhaseTransition.objects.exists()
    response = client.post(
        f"/api/assessment-cycles/{cycle.pk}/advance/", {"reason": "提前开始"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == "open"
    assert body["transitions"][0]["reason"] == "提前开始"
    assert body["transitions"][0]["moved_by"] == roles["street_secretary"].username


def test_final_before_the_window_closed_is_a_400(cycle, roles):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(
        phase=Phase.PUBLICITY, publicity_started_on="2099-01-05"
    )
    response = _client(roles["street_secretary"]).post(
        f"/api/assessment-cycles/{cycle.pk}/advance/", {"reason": "提前结束"}
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.PUBLICITY
