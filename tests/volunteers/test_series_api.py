"""Recurring series in the JSON API: read what you may see (rule, words, next occurrences),
create and change as the organiser through the same services, stop; a bad rule is a 400 with a
Chinese message under `rule` and writes nothing; not the organiser's manager: 403; not visible: 404.
The activity serializer names its series."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from rest_framework.test import APIClient

from activities import series as series_rules
from activities.models import Activity, ActivityKind, ActivitySeries, ActivityState, Eligibility
from inbox.models import FanOut
from tests.factories.orgchart import make_post_holder
from volunteers import services
from volunteers.models import Team

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CJK = re.compile(r"[\u4e00-\u9fff]")


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def sibling(street, roles):
    return make_post_holder(street["community2"], "shequ2", branch=street["branch2"])


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _payload(organiser=None, **overrides) -> dict:
    data = {
        "kind": "volunteer_service",
        "title": "社区环境整治志愿服务",
        "place": "社区广场",
        "start_time": "09:00",
        "duration_minutes": 120,
        "capacity": 10,
        "eligibility": "anyone",
        "rule": "FREQ=WEEKLY;BYDAY=SA",
        "starts_on": _today().isoformat(),
    }
    if organiser is not None:
        data["organiser"] = organiser.pk
    data.update(overrides)
    return data


def _rows() -> tuple[int, int]:
    return ActivitySeries.objects.count(), Activity.objects.count()


def _series(organiser, **overrides) -> ActivitySeries:
    values = {
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "title": "周六社区清洁",
        "place": "社区活动中心",
        "start_time": dt.time(9, 0),
        "duration_minutes": 120,
        "capacity": 5,
        "eligibility": Eligibility.ANYONE,
        "rule": "FREQ=WEEKLY;BYDAY=SA",
        "starts_on": _today(),
    }
    values.update(overrides)
    return series_rules.create_series(actor=None, organiser=organiser, **values)


# Reading ------------------------------------------------------------------------------------------


def test_anyone_lists_public_series_with_the_rule_in_words_and_the_next_occurrences(street):
    series = _series(street["community1"], rule="FREQ=MONTHLY;BYDAY=1SA")
    _series(street["community1"], title="党员系列", eligibility=Eligibility.MEMBERS)
    response = client_for(None).get("/api/series/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [series.pk]
    row = rows[0]
    assert row["rule"] == "FREQ=MONTHLY;BYDAY=1SA"
    assert row["rule_words"] == "每月第一个周六" and row["summary"] == "每月第一个周六 09:00"
    expected = list(Activity.objects.filter(series=series).order_by("starts_at").values_list("pk", flat=True))
    assert [o["id"] for o in row["next_occurrences"]] == expected[:8]


def test_next_occurrences_are_at_most_eight_and_the_list_costs_the_same_queries_for_more_series(
    street, django_assert_max_num_queries
):
    for i in range(3):
        _series(street["community1"], title=f"每日{i}", rule="FREQ=DAILY")
    with django_assert_max_num_queries(6):
        rows = client_for(None).get("/api/series/").json()["results"]
    assert len(rows) == 3 and all(len(row["next_occurrences"]) == 8 for row in rows)


def test_a_branchs_series_is_404_to_others(street, people):
    life = _series(
        street["branch1"], kind=ActivityKind.ORGANISATION_LIFE, eligibility=Eligibility.SUBTREE, title="支部"
    )
    assert client_for(None).get(f"/api/series/{life.pk}/").status_code == 404
    assert client_for(people["other_community"]).get(f"/api/series/{life.pk}/").status_code == 404
    assert client_for(people["m1"]).get(f"/api/series/{life.pk}/").status_code == 200


def test_activities_name_their_series(street):
    series = _series(street["community1"])
    rows = client_for(None).get("/api/activities/").json()["results"]
    assert rows and all(row["series"] == series.pk for row in rows)


# Creating ----------------------------------------------------------------------------------------


def test_organiser_creates_a_series_and_its_occurrences_are_generated(street, roles):
    team = Team.objects.create(organisation=street["community1"], name="一社区志愿队")
    response = client_for(roles["community_secretary"]).post(
        "/api/series/",
        _payload(street["community1"], exdates=["2099-01-03"], teams=[team.pk]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    series = ActivitySeries.objects.get(pk=body["id"])
    assert series.created_by == roles["community_secretary"] and series.exdates == ["2099-01-03"]
    assert body["teams"] == [team.pk] and body["summary"] == "每周六 09:00"
    assert len(body["next_occurrences"]) == 8
    assert Activity.objects.filter(series=series).count() in (8, 9)


@pytest.mark.parametrize(
    "rule", ["FREQ=SOMETIMES", "FREQ=WEEKLY;BYHOUR=9", "", "FREQ=WEEKLY;BYDAY=SA;" + "X" * 5000]
)
def test_a_bad_rule_is_a_400_in_chinese_under_rule_and_writes_nothing(street, roles, rule):
    before = _rows()
    response = client_for(roles["community_secretary"]).post(
        "/api/series/", _payload(street["community1"], rule=rule), format="json"
    )
    assert response.status_code == 400
    messages = response.json()["rule"]
    assert messages and all(CJK.search(m) for m in messages)
    assert _rows() == before


def test_bad_fields_are_400_by_field(street, roles):
    client = client_for(roles["community_secretary"])
    for payload, field in [
        (_payload(street["community1"], capacity=0), "capacity"),
        (_payload(street["community1"], duration_minutes=-5), "duration_minutes"),
        (_payload(street["community1"], starts_on="0001-01-01"), "starts_on"),
        (_payload(street["community1"], exdates=["12/25"]), "exdates"),
        (_payload(street["community1"], count=0), "count"),
        (_payload(street["community1"], kind="party"), "kind"),
    ]:
        response = client.post("/api/series/", payload, format="json")
        assert response.status_code == 400 and field in response.json(), (field, response.json())
    assert _rows() == (0, 0)


def test_creating_for_an_organisation_you_do_not_manage_is_403(street, roles, sibling, people):
    before = _rows()
    assert (
        client_for(sibling).post("/api/series/", _payload(street["community1"]), format="json").status_code
        == 403
    )
    assert (
        client_for(people["m1"])
        .post("/api/series/", _payload(street["community1"]), format="json")
        .status_code
        == 403
    )
    assert client_for(None).post(
        "/api/series/", _payload(street["community1"]), format="json"
    ).status_code in (401, 403)
    other_team = Team.objects.create(organisation=street["community1"], name="一社区志愿队")
    forged_team = client_for(sibling).post(
        "/api/series/", _payload(street["community2"], teams=[other_team.pk]), format="json"
    )
    assert forged_team.status_code == 403
    assert _rows() == before


# Changing ----------------------------------------------------------------------------------------


def test_changing_the_time_changes_future_occurrences_and_tells_those_signed_up(street, roles, people):
    series = _series(street["community1"])
    first, second = Activity.objects.filter(series=series).order_by("starts_at")[:2]
    services.sign_up(second, actor=people["m1"])
    response = client_for(roles["community_secretary"]).patch(
        f"/api/series/{series.pk}/", {"start_time": "14:30"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["summary"] == "每周六 14:30" and response.json()["revision"] == 2
    for activity in Activity.objects.filter(series=series):
        local = activity.starts_at.astimezone(SHANGHAI)
        assert (local.hour, local.minute) == (14, 30)
    told = FanOut.objects.filter(cause_key__contains=":changed-")
    assert list(told.values_list("cause_key", flat=True)) == [f"activity:{second.pk}:changed-r2"]


def test_a_bad_rule_on_change_is_400_and_changes_nothing(street, roles):
    series = _series(street["community1"])
    before = list(Activity.objects.filter(series=series).values_list("pk", "starts_at", "state"))
    response = client_for(roles["community_secretary"]).patch(
        f"/api/series/{series.pk}/", {"rule": "FREQ=SOMETIMES", "start_time": "15:00"}, format="json"
    )
    assert response.status_code == 400 and CJK.search(response.json()["rule"][0])
    series.refresh_from_db()
    assert series.revision == 1 and series.start_time == dt.time(9, 0)
    assert list(Activity.objects.filter(series=series).values_list("pk", "starts_at", "state")) == before


def test_changing_or_stopping_another_communitys_visible_series_is_403(street, sibling, people):
    series = _series(street["community1"])
    for user in (sibling, people["m1"]):
        client = client_for(user)
        assert client.get(f"/api/series/{series.pk}/").status_code == 200  # public: seen
        assert client.patch(f"/api/series/{series.pk}/", {"place": "别处"}, format="json").status_code == 403
        assert (
            client.post(
                f"/api/series/{series.pk}/deactivate/", {"cancel_future": True}, format="json"
            ).status_code
            == 403
        )
    series.refresh_from_db()
    assert series.place == "社区活动中心" and series.active and series.revision == 1
    assert not Activity.objects.filter(series=series, state=ActivityState.CANCELLED).exists()


def test_organiser_stops_a_series_and_may_cancel_what_is_coming(street, roles, people):
    series = _series(street["community1"])
    first = Activity.objects.filter(series=series).order_by("starts_at").first()
    services.sign_up(first, actor=people["m1"])
    client = client_for(roles["community_secretary"])
    response = client.post(f"/api/series/{series.pk}/deactivate/", {}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    assert not Activity.objects.filter(series=series, state=ActivityState.CANCELLED).exists()
    client.post(f"/api/series/{series.pk}/deactivate/", {"cancel_future": True}, format="json")
    assert set(Activity.objects.filter(series=series).values_list("state", flat=True)) == {
        ActivityState.CANCELLED
    }
    assert FanOut.objects.filter(cause_key=f"activity:{first.pk}:cancelled").exists()
    # Turned back on by a change.
    again = client.patch(f"/api/series/{series.pk}/", {"active": True}, format="json")
    assert again.status_code == 200 and again.json()["active"] is True


def test_put_and_delete_are_not_offered(street, roles):
    series = _series(street["community1"])
    client = client_for(roles["community_secretary"])
    assert (
        client.put(f"/api/series/{series.pk}/", _payload(street["community1"]), format="json").status_code
        == 405
    )
    assert client.delete(f"/api/series/{series.pk}/").status_code == 405
