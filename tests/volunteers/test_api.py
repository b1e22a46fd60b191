"""The volunteer service's JSON API: list and filter, sign up, cancel, confirm an offer, check in,
my hours; refusals answered 400 with the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from activities.models import ActivityKind, Eligibility
from tests.factories.volunteers import make_activity, started
from volunteers import services
from volunteers.models import SignUp, SignUpStatus

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_list_filters_by_kind_and_is_open_to_anyone(street, people):
    make_activity(street["community1"])
    visit = make_activity(
        street["community1"], kind=ActivityKind.RESEARCH_VISIT, starts_in=dt.timedelta(days=8)
    )
    make_activity(street["community1"], open_now=False, starts_in=dt.timedelta(days=9))  # a draft
    response = client_for(None).get("/api/activities/", {"kind": ActivityKind.RESEARCH_VISIT})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [visit.pk]
    everything = client_for(None).get("/api/activities/").json()
    assert everything["count"] == 2


def test_bad_filter_is_a_400(street):
    response = client_for(None).get("/api/activities/", {"month": "2026-13"})
    assert response.status_code == 400 and "month" in response.json()


def test_sign_up_then_full_then_waiting_position(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = client_for(people["m1"]).post(f"/api/activities/{activity.pk}/sign-up/")
    assert first.status_code == 201 and first.json()["status"] == SignUpStatus.CONFIRMED
    second = client_for(people["m2"]).post(f"/api/activities/{activity.pk}/sign-up/")
    assert second.status_code == 201
    assert second.json()["status"] == SignUpStatus.WAITING and second.json()["position"] == 1
    again = client_for(people["m2"]).post(f"/api/activities/{activity.pk}/sign-up/")
    assert again.status_code == 400 and again.json()["non_field_errors"]


def test_anonymous_cannot_sign_up(street):
    activity = make_activity(street["community1"])
    assert client_for(None).post(f"/api/activities/{activity.pk}/sign-up/").status_code in (401, 403)
    assert not SignUp.objects.exists()


def test_not_eligible_is_a_400_with_the_reason(street, people):
    activity = make_activity(street["community1"], eligibility=Eligibility.SUBTREE)
    response = client_for(people["other_community"]).post(f"/api/activities/{activity.pk}/sign-up/")
    assert response.status_code == 400 and response.json()["non_field_errors"]


def test_cancel_mine_and_not_others(street, people):
    activity = make_activity(street["community1"], capacity=1)
    mine = services.sign_up(activity, actor=people["m1"])
    services.sign_up(activity, actor=people["m2"])
    assert client_for(people["m3"]).post(f"/api/signups/{mine.pk}/cancel/").status_code == 404
    response = client_for(people["m1"]).post(f"/api/signups/{mine.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == SignUpStatus.CANCELLED


def test_confirm_offer_by_token_and_forged_token_refused(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    services.cancel_signup(first, actor=people["m1"])
    waiting.refresh_from_db()
    forged = client_for(people["m2"]).post("/api/offers/confirm/", {"token": "x:y:z"}, format="json")
    assert forged.status_code == 400
    token = services.offer_token(waiting)
    response = client_for(people["m2"]).post("/api/offers/confirm/", {"token": token}, format="json")
    assert response.status_code == 200 and response.json()["status"] == SignUpStatus.CONFIRMED


def test_check_in_and_my_hours(street, people, roles):
    activity = make_activity(street["community1"], hours=3)
    services.sign_up(activity, actor=people["volunteer"])
    started(activity)
    wrong = client_for(people["volunteer"]).post(
        f"/api/activities/{activity.pk}/check-in/", {"code": "ZZZZZZ"}
    )
    assert wrong.status_code == 400
    right = client_for(people["volunteer"]).post(
        f"/api/activities/{activity.pk}/check-in/", {"code": activity.checkin_code}
    )
    assert right.status_code == 200 and right.json()["checked_in_at"]
    services.complete_activity(activity, actor=roles["community_secretary"])
    hours = client_for(people["volunteer"]).get("/api/me/hours/").json()
    assert Decimal(hours["hours"]) == Decimal("3.00")
    bad = client_for(people["volunteer"]).get("/api/me/hours/", {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 400
