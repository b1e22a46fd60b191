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
    assert Team.objects.count() == 3
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
    # Volunteer service only: the 三会一课 plan adds done organisation-life meetings (test below).
    done = Activity.objects.filter(state=ActivityState.DONE).exclude(kind=ActivityKind.ORGANISATION_LIFE)
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
