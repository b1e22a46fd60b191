"""Recurring series in the Wagtail admin: an organiser creates (occurrences generated at once),
previews, edits (future occurrences only, those signed up told), stops and deletes a mistake;
a sibling community's secretary can do none of it, even with forged ids; bad rules are refused on
the form in Chinese and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from activities import series as series_rules
from activities.models import Activity, ActivityKind, ActivitySeries, ActivityState, Eligibility
from inbox.models import FanOut
from tests.factories.orgchart import make_post_holder
from volunteers import series as series_services
from volunteers import services
from volunteers.models import SignUp, Team

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def sibling(street, roles):
    """The secretary of community 2: a manager, but not of community 1."""
    return make_post_holder(street["community2"], "shequ2", branch=street["branch2"])


def _form(organiser=None, **overrides) -> dict:
    data = {
        "kind": "volunteer_service",
        "meeting_type": "",
        "title": "社区环境整治志愿服务",
        "description": "",
        "place": "社区广场",
        "start_time": "09:00",
        "duration_minutes": "120",
        "capacity": "10",
        "signup_deadline_hours": "",
        "cancel_cutoff_hours": "2",
        "eligibility": "anyone",
        "rule_preset": "FREQ=WEEKLY;BYDAY=SA",
        "rule": "",
        "starts_on": timezone.localdate().isoformat(),
        "until": "",
        "count": "",
        "exdates": "",
    }
    if organiser is not None:
        data["organiser"] = organiser.pk
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _edit_form(series: ActivitySeries, **overrides) -> dict:
    data = _form(
        kind=series.kind,
        title=series.title,
        place=series.place,
        start_time=series.start_time.strftime("%H:%M"),
        duration_minutes=str(series.duration_minutes),
        capacity=str(series.capacity),
        eligibility=series.eligibility,
        rule_preset="custom",
        rule=series.rule,
        starts_on=series.starts_on.isoformat(),
        active="on",
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


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
        "starts_on": timezone.localdate(),
    }
    values.update(overrides)
    return series_rules.create_series(actor=None, organiser=organiser, **values)


@pytest.fixture
def weekly(street):
    """A weekly series begun three weeks ago: three past occurrences (one done) and the future ones."""
    series = _series(
        street["community1"],
        rule="FREQ=DAILY;INTERVAL=7",
        starts_on=timezone.localdate() - dt.timedelta(days=20),
    )
    series_rules.generate_occurrences(series, now=timezone.now() - dt.timedelta(days=21))
    past = list(Activity.objects.filter(series=series, starts_at__lt=timezone.now()).order_by("starts_at"))
    assert len(past) == 3
    Activity.objects.filter(pk=past[0].pk).update(state=ActivityState.DONE)
    return series


def _future(series) -> list[Activity]:
    return list(Activity.objects.filter(series=series, starts_at__gt=timezone.now()).order_by("starts_at"))


# Create --------------------------------------------------------------------------------------------


def test_organiser_creates_a_weekly_series_from_a_preset_and_its_occurrences_are_generated(
    client, street, roles
):
    client.force_login(roles["community_secretary"])
    team = Team.objects.create(organisation=street["community1"], name="一社区志愿队")
    response = client.post(
        reverse("volunteers_series:add"),
        _form(street["community1"], exdates="2099-01-03\n2099-01-10", teams=[team.pk]),
    )
    assert response.status_code == 302
    series = ActivitySeries.objects.get()
    assert series.rule == "FREQ=WEEKLY;BYDAY=SA" and series.organiser == street["community1"]
    assert series.created_by == roles["community_secretary"]
    assert series.exdates == ["2099-01-03", "2099-01-10"]
    occurrences = Activity.objects.filter(series=series)
    assert occurrences.count() in (8, 9)  # 9 when today is a Saturday before nine
    assert all(
        timezone.localtime(a.starts_at, SHANGHAI).weekday() == 5 and a.state == ActivityState.OPEN
        for a in occurrences
    )
    assert set(occurrences.values_list("teams", flat=True)) == {team.pk}


def test_an_expert_writes_the_rule(client, street, roles):
    client.force_login(roles["community_secretary"])
    data = _form(street["community1"], rule_preset="custom", rule="freq=monthly; byday=1sa")
    assert client.post(reverse("volunteers_series:add"), data).status_code == 302
    series = ActivitySeries.objects.get()
    assert series.rule == "FREQ=MONTHLY;BYDAY=1SA"
    assert all(timezone.localtime(a.starts_at).day <= 7 for a in Activity.objects.filter(series=series))


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "FREQ=WEEKLY;BYHOUR=9", "", "FREQ=WEEKLY;" + "X" * 5000])
def test_a_bad_rule_is_a_chinese_message_on_the_rule_field_and_writes_nothing(client, street, roles, rule):
    client.force_login(roles["community_secretary"])
    before = _rows()
    response = client.post(
        reverse("volunteers_series:add"), _form(street["community1"], rule_preset="custom", rule=rule)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "rule" in errors and all(CJK.search(message) for message in errors["rule"])
    assert _rows() == before


def test_a_bad_first_date_or_places_are_refused_on_their_fields(client, street, roles):
    client.force_login(roles["community_secretary"])
    before = _rows()
    response = client.post(reverse("volunteers_series:add"), _form(street["community1"], capacity="0"))
    assert "capacity" in response.context["form"].errors
    response = client.post(
        reverse("volunteers_series:add"), _form(street["community1"], exdates="12/25", until="")
    )
    assert "exdates" in response.context["form"].errors
    assert _rows() == before


def test_preview_shows_the_next_dates_and_writes_nothing(client, street, roles):
    client.force_login(roles["community_secretary"])
    data = _form(street["community1"], rule_preset="FREQ=MONTHLY;BYDAY=1SA", preview="1")
    response = client.post(reverse("volunteers_series:add"), data)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert len(preview) == 8
    assert all(timezone.localtime(d).weekday() == 5 and timezone.localtime(d).day <= 7 for d in preview)
    assert 'data-testid="series-preview"' in response.content.decode()
    assert _rows() == (0, 0)
    bad = client.post(
        reverse("volunteers_series:add"),
        _form(street["community1"], rule_preset="custom", rule="FREQ=SOMETIMES", preview="1"),
    )
    assert bad.status_code == 200 and "rule" in bad.context["form"].errors
    assert _rows() == (0, 0)


def test_the_organiser_and_team_choices_hold_only_what_the_user_manages(client, street, roles, sibling):
    mine = Team.objects.create(organisation=street["community2"], name="二社区志愿队")
    client.force_login(sibling)
    form = client.get(reverse("volunteers_series:add")).context["form"]
    organisers = set(form.fields["organiser"].queryset)
    assert street["community2"] in organisers and street["community1"] not in organisers
    assert list(form.fields["teams"].queryset) == [mine]


def test_a_sibling_secretary_cannot_create_for_another_community_by_forging_the_organiser(
    client, street, roles, sibling
):
    other_team = Team.objects.create(organisation=street["community1"], name="一社区志愿队")
    client.force_login(sibling)
    forged = client.post(reverse("volunteers_series:add"), _form(street["community1"]))
    assert forged.status_code == 200 and "organiser" in forged.context["form"].errors
    forged_team = client.post(
        reverse("volunteers_series:add"), _form(street["community2"], teams=[other_team.pk])
    )
    assert forged_team.status_code == 200 and "teams" in forged_team.context["form"].errors
    assert _rows() == (0, 0)


def test_a_member_without_a_post_cannot_open_the_series_admin(client, street, roles):
    client.force_login(roles["member"])
    assert client.get(reverse("volunteers_series:index")).status_code in (302, 403)
    assert client.post(reverse("volunteers_series:add"), _form(street["community1"])).status_code in (
        302,
        403,
    )
    assert _rows() == (0, 0)


# Listing ----------------------------------------------------------------------------------------


def test_listing_shows_the_rule_in_words_the_next_occurrence_and_how_many_are_coming(
    client, street, roles, sibling
):
    series = _series(street["community1"])
    _series(street["community2"], title="二社区周六活动")
    client.force_login(roles["community_secretary"])
    response = client.get(reverse("volunteers_series:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "周六社区清洁" in body and "二社区周六活动" not in body
    assert "每周六 09:00" in body
    row = response.context["object_list"][0]
    first = Activity.objects.filter(series=series).order_by("starts_at").first()
    assert row.next_start == first.starts_at
    assert row.future_count == Activity.objects.filter(series=series).count()


# Edit -------------------------------------------------------------------------------------------


def test_editing_the_time_changes_future_occurrences_only_and_tells_those_signed_up(
    client, street, roles, weekly, people
):
    first, second, *rest = _future(weekly)
    services.sign_up(first, actor=people["m1"])
    services.sign_up(first, actor=people["m2"])
    past = {a.pk: a.starts_at for a in Activity.objects.filter(series=weekly, starts_at__lt=timezone.now())}
    # Someone took part in last week's (written straight: sign-up refuses the past).
    last_week = Activity.objects.filter(pk__in=past).order_by("-starts_at").first()
    SignUp.objects.create(
        activity=last_week, person=people["m3"], status="confirmed", queued_at=timezone.now()
    )
    client.force_login(roles["community_secretary"])
    edit = reverse("volunteers_series:edit", args=[weekly.pk])
    page = client.get(edit)
    assert page.status_code == 200 and len(page.context["preview"]) == 8

    response = client.post(edit, _edit_form(weekly, start_time="14:30"))

    assert response.status_code == 302
    for activity in _future(weekly):
        local = timezone.localtime(activity.starts_at, SHANGHAI)
        assert (local.hour, local.minute) == (14, 30)
    for activity in Activity.objects.filter(pk__in=past):
        assert activity.starts_at == past[activity.pk]
    told = FanOut.objects.filter(cause_key__contains=":changed-")
    assert list(told.values_list("cause_key", flat=True)) == [f"activity:{first.pk}:changed-r2"]
    assert told.get().recipient_ids == sorted([people["m1"].pk, people["m2"].pk])


def test_editing_with_a_bad_rule_is_refused_on_the_form_and_changes_nothing(client, street, roles, weekly):
    client.force_login(roles["community_secretary"])
    before = [(a.pk, a.starts_at, a.state) for a in Activity.objects.filter(series=weekly)]
    response = client.post(
        reverse("volunteers_series:edit", args=[weekly.pk]),
        _edit_form(weekly, rule="FREQ=SOMETIMES", start_time="15:00"),
    )
    assert response.status_code == 200 and "rule" in response.context["form"].errors
    weekly.refresh_from_db()
    assert weekly.revision == 1 and weekly.start_time == dt.time(9, 0)
    assert [(a.pk, a.starts_at, a.state) for a in Activity.objects.filter(series=weekly)] == before


def test_a_sibling_secretary_cannot_see_edit_stop_or_delete_by_forging_ids(
    client, street, roles, weekly, sibling
):
    client.force_login(sibling)
    pk = weekly.pk
    assert client.get(reverse("volunteers_series:edit", args=[pk])).status_code == 404
    assert client.post(reverse("volunteers_series:edit", args=[pk]), _edit_form(weekly)).status_code == 404
    assert client.get(reverse("volunteers_series:deactivate", args=[pk])).status_code == 404
    assert (
        client.post(reverse("volunteers_series:deactivate", args=[pk]), {"cancel_future": "on"}).status_code
        == 404
    )
    assert client.post(reverse("volunteers_series:delete", args=[pk])).status_code == 404
    assert "周六社区清洁" not in client.get(reverse("volunteers_series:index")).content.decode()
    weekly.refresh_from_db()
    assert weekly.active and weekly.revision == 1
    assert not Activity.objects.filter(series=weekly, state=ActivityState.CANCELLED).exists()


# Stop and delete ----------------------------------------------------------------------------------


def test_stopping_keeps_the_occurrences_unless_asked_to_cancel_them(client, street, roles, weekly, people):
    client.force_login(roles["community_secretary"])
    future = _future(weekly)
    services.sign_up(future[0], actor=people["m1"])
    response = client.post(reverse("volunteers_series:deactivate", args=[weekly.pk]), {})
    assert response.status_code == 302
    weekly.refresh_from_db()
    assert not weekly.active
    assert series_rules.generate_occurrences(weekly, now=timezone.now() + dt.timedelta(weeks=4)) == []
    assert all(a.state == ActivityState.OPEN for a in _future(weekly))

    client.post(reverse("volunteers_series:deactivate", args=[weekly.pk]), {"cancel_future": "on"})
    assert all(a.state == ActivityState.CANCELLED for a in _future(weekly))
    assert FanOut.objects.get(cause_key=f"activity:{future[0].pk}:cancelled").recipient_ids == [
        people["m1"].pk
    ]
    # The past stays as it was.
    assert Activity.objects.filter(series=weekly, state=ActivityState.DONE).count() == 1


def test_a_series_someone_signed_up_for_is_not_deleted(client, street, roles, weekly, people):
    services.sign_up(_future(weekly)[0], actor=people["m1"])
    client.force_login(roles["community_secretary"])
    before = _rows()
    confirm = client.get(reverse("volunteers_series:delete", args=[weekly.pk]))
    assert confirm.status_code == 302  # back to the edit page with the reason
    assert client.post(reverse("volunteers_series:delete", args=[weekly.pk])).status_code == 302
    assert _rows() == before and SignUp.objects.count() == 1


def test_a_mistaken_series_is_deleted_with_its_occurrences(client, street, roles):
    series = _series(street["community1"])
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("volunteers_series:delete", args=[series.pk])).status_code == 200
    assert client.post(reverse("volunteers_series:delete", args=[series.pk])).status_code == 302
    assert _rows() == (0, 0)


def test_an_edit_keeps_a_team_the_user_may_not_unlink(client, street, roles, weekly):
    street_team = Team.objects.create(organisation=street["street"], name="街道攻坚先锋队")
    mine = Team.objects.create(organisation=street["community1"], name="一社区志愿队")
    series_services.update_series(roles["street_secretary"], weekly, teams=[street_team])
    client.force_login(roles["community_secretary"])
    form = client.get(reverse("volunteers_series:edit", args=[weekly.pk])).context["form"]
    assert street_team not in form.fields["teams"].queryset
    response = client.post(
        reverse("volunteers_series:edit", args=[weekly.pk]), _edit_form(weekly, teams=[mine.pk])
    )
    assert response.status_code == 302
    assert set(weekly.teams.all()) == {street_team, mine}
    assert all(set(a.teams.all()) == {street_team, mine} for a in _future(weekly))
    # Unlinking it is refused by the service, whoever asks.
    with pytest.raises(PermissionDenied):
        series_services.update_series(roles["community_secretary"], weekly, teams=[mine])
