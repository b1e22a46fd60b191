"""The demo's volunteer service: teams, registered volunteers, activities past and future (one
full with a waiting list), sign-ups, check-ins and hours."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from activities.models import Activity, ActivityKind, ActivityState, MeetingType
from volunteers import queries
from volunteers.models import HoursAdjustment, SignUp, SignUpStatus, Team, Volunteer


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def test_demo_has_teams_with_leaders_and_registered_volunteers(demo):
    assert Team.objects.count() == 5  # two in the first community, one in the next two, the street's
    assert all(team.leaders.exists() for team in Team.objects.all())
    volunteer = Volunteer.objects.get(user__username="zhiyuanzhe")
    assert volunteer.user.check_password("demo12345") and volunteer.masked_mobile.startswith("137****")


def test_demo_has_a_full_activity_with_a_waiting_list(demo):
    full = Activity.objects.get(title="垃圾分类宣传指导")
    assert full.state == ActivityState.OPEN
    signups = SignUp.objects.filter(activity=full)
    assert signups.filter(status=SignUpStatus.CONFIRMED).count() == full.capacity
    assert signups.filter(status=SignUpStatus.WAITING).count() == 3


def test_demo_has_done_activities_with_hours_a_no_show_and_an_adjustment(demo):
    # The two recent ones; the year of service behind them is tested below.
    done = Activity.objects.filter(state=ActivityState.DONE, title__in=["小区环境大扫除", "为老人义务理发"])
    assert done.count() == 2
    assert SignUp.objects.filter(activity__in=done, no_show=True).count() == 1
    assert HoursAdjustment.objects.count() == 1
    volunteer = Volunteer.objects.get(user__username="zhiyuanzhe").user
    assert queries.hours_for_person(volunteer) > 0


def test_demo_has_a_party_lecture_and_a_draft(demo):
    assert Activity.objects.filter(meeting_type=MeetingType.PARTY_LECTURE).exists()
    assert Activity.objects.filter(state=ActivityState.DRAFT).count() == 1


def test_demo_has_a_year_of_organisation_life_with_some_branches_behind(demo):
    from activities.models import MeetingType as T
    from orgchart.models import Organisation
    from volunteers.compliance import compliance

    meetings = Activity.objects.filter(kind=ActivityKind.ORGANISATION_LIFE, state=ActivityState.DONE)
    assert meetings.filter(meeting_type=T.THEME_DAY).count() >= 10
    assert SignUp.objects.filter(activity__in=meetings, hours__gt=0).exists()
    community = Organisation.objects.get(code="SQ01")
    result = compliance(community, timezone.localdate().year)
    assert result.branches
    *on_track, poor, skipping = result.branches
    assert all(not b.behind for b in on_track) and on_track
    if timezone.localdate().month >= 4:  # early in the year little is finished yet
        assert skipping.meetings_behind and not skipping.study_behind
        assert poor.study_behind and not poor.meetings_behind


def test_demo_compliance_page_and_export_render_for_the_community_secretary(demo, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="shequ"))
    page = client.get(reverse("volunteers:compliance"))
    assert page.status_code == 200 and page.context["result"].branches
    assert client.get(reverse("volunteers:compliance_export")).status_code == 200


def test_demo_has_a_year_of_service_in_three_communities(demo):
    done = Activity.objects.filter(state=ActivityState.DONE).exclude(kind=ActivityKind.ORGANISATION_LIFE)
    organisers = set(done.values_list("organiser__code", flat=True))
    assert {"SQ01", "SQ02", "SQ03", "JD"} <= organisers
    assert done.filter(teams__isnull=True).count() == 0
    assert SignUp.objects.filter(activity__in=done, no_show=True).count() > 1


def test_demo_dashboard_shows_figures_for_the_street_and_a_community(demo, client):
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from orgchart.models import Organisation

    today = timezone.localdate()
    # The past year, not the default "this year", which holds little in early January.
    period = {"start": (today - dt.timedelta(days=364)).isoformat(), "end": today.isoformat()}
    client.force_login(get_user_model().objects.get(username="jiedao"))
    for code in ("JD", "SQ02"):
        org = Organisation.objects.get(code=code)
        page = client.get(reverse("volunteers:dashboard"), {"org": org.pk, **period})
        board = page.context["board"]
        assert board.total.hours > 0 and board.total.activities > 0 and board.total.no_shows > 0
        assert len(board.kinds) >= 2 and board.teams and board.organisations
        assert sum(1 for p in board.periods if p.hours) >= 10
    street_board = client.get(reverse("volunteers:dashboard"), period).context["board"]
    assert sum(1 for row in street_board.organisations if row.hours and not row.own) >= 3
    assert client.get(reverse("volunteers:dashboard_export"), period).status_code == 200


def test_demo_has_a_weekly_and_a_monthly_series_generated_ahead_with_sign_ups(demo):
    import zoneinfo

    from activities.models import ActivitySeries

    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    weekly = ActivitySeries.objects.get(title="社区环境整治志愿服务")
    monthly = ActivitySeries.objects.get(title="每月上门送学")
    assert (weekly.rule, monthly.rule) == ("FREQ=WEEKLY;BYDAY=SA", "FREQ=MONTHLY;BYDAY=1SA")
    assert weekly.active and monthly.active and weekly.teams.exists() and monthly.teams.exists()
    saturdays = Activity.objects.filter(series=weekly).order_by("starts_at")
    assert saturdays.count() in (8, 9)  # eight weeks ahead; nine when seeded on a Saturday before nine
    for activity in saturdays:
        local = activity.starts_at.astimezone(shanghai)
        assert (local.weekday(), local.hour) == (5, 9) and activity.state == ActivityState.OPEN
        assert list(activity.teams.all()) == list(weekly.teams.all())
    first_saturdays = Activity.objects.filter(series=monthly)
    assert first_saturdays.count() >= 1
    assert all(a.starts_at.astimezone(shanghai).day <= 7 for a in first_saturdays)
    assert SignUp.objects.filter(activity__series=weekly, status=SignUpStatus.CONFIRMED).count() == 5
    assert SignUp.objects.filter(activity__series=monthly, status=SignUpStatus.CONFIRMED).count() == 2


def test_demo_series_generate_nothing_twice(demo, settings):
    from activities import series as series_rules
    from activities.models import ActivitySeries

    # The beat task right after seeding (at the seeding's own moment) finds everything there.
    seeded_at = Activity.objects.filter(series__isnull=False).earliest("created_at").created_at
    before = Activity.objects.count()
    assert series_rules.generate_all(now=seeded_at) == {}
    # And a second seed_demo finds the street and writes nothing.
    settings.DEBUG = True
    series_before = ActivitySeries.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "already present" in out.getvalue()
    assert (ActivitySeries.objects.count(), Activity.objects.count()) == (series_before, before)


def test_demo_series_page_and_occurrence_line_render(demo, client):
    from django.urls import reverse

    from activities.models import ActivitySeries

    weekly = ActivitySeries.objects.get(title="社区环境整治志愿服务")
    page = client.get(reverse("volunteers:series", args=[weekly.pk]))
    assert page.status_code == 200 and len(page.context["rows"]) in (8, 9)
    first = page.context["rows"][0][0]
    detail = client.get(reverse("volunteers:activity", args=[first.pk]))
    assert reverse("volunteers:series", args=[weekly.pk]) in detail.content.decode()
