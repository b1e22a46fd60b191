"""Check-in by code and by ticking names, completion, hours and their audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities.models import ActivityState
from tests.factories.volunteers import make_activity, started
from volunteers import access, services
from volunteers.models import HoursAdjustment, SignUpStatus, Team

pytestmark = pytest.mark.django_db


def _codes(exc_info) -> set[str]:
    return {error.code for error in exc_info.value.error_list}


def test_volunteer_checks_in_with_the_code_in_the_window(street, people):
    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["volunteer"])
    started(activity)
    code = activity.checkin_code
    checked = services.check_in(activity, f" {code.lower()} ", actor=people["volunteer"])
    assert checked.checked_in_at is not None
    again = services.check_in(activity, code, actor=people["volunteer"])  # a second scan changes nothing
    assert again.checked_in_at == checked.checked_in_at
    assert signup.pk == checked.pk


def test_full_width_code_is_accepted(street, people):
    activity = make_activity(street["community1"])
    services.sign_up(activity, actor=people["m1"])
    started(activity)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in activity.checkin_code)
    assert services.check_in(activity, full_width, actor=people["m1"]).checked_in_at is not None


def test_check_in_code_of_another_activity_is_refused(street, people):
    activity = make_activity(street["community1"])
    other = make_activity(street["community1"], starts_in=dt.timedelta(days=10))
    services.sign_up(activity, actor=people["m1"])
    started(activity)
    with pytest.raises(ValidationError) as exc:
        services.check_in(activity, other.checkin_code, actor=people["m1"])
    assert _codes(exc) == {"code"}


def test_check_in_outside_the_window_is_refused(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(hours=2))
    services.sign_up(activity, actor=people["m1"])
    with pytest.raises(ValidationError) as exc:
        services.check_in(activity, activity.checkin_code, actor=people["m1"])
    assert _codes(exc) == {"window"}


def test_check_in_without_a_confirmed_place_is_refused(street, people):
    activity = make_activity(street["community1"], capacity=1)
    services.sign_up(activity, actor=people["m1"])
    services.sign_up(activity, actor=people["m2"])  # waiting
    started(activity)
    with pytest.raises(ValidationError) as exc:
        services.check_in(activity, activity.checkin_code, actor=people["m2"])
    assert _codes(exc) == {"no_place"}


def test_complete_credits_the_length_to_those_present_and_records_no_shows(street, people, roles):
    activity = make_activity(street["community1"], hours=2.5)
    present = services.sign_up(activity, actor=people["m1"])
    absent = services.sign_up(activity, actor=people["m2"])
    started(activity)
    services.tick(present, actor=roles["community_secretary"])
    services.complete_activity(activity, actor=roles["community_secretary"])
    present.refresh_from_db()
    absent.refresh_from_db()
    activity.refresh_from_db()
    assert activity.state == ActivityState.DONE
    assert (present.hours, present.no_show) == (Decimal("2.50"), False)
    assert (absent.hours, absent.no_show) == (Decimal("0"), True)


def test_activity_cannot_be_completed_before_it_starts(street, people, roles):
    activity = make_activity(street["community1"])
    with pytest.raises(ValidationError):
        services.complete_activity(activity, actor=roles["community_secretary"])


def test_adjust_hours_needs_a_reason_and_is_audited(street, people, roles):
    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["m1"])
    started(activity)
    services.complete_activity(activity, actor=roles["community_secretary"])
    with pytest.raises(ValidationError) as exc:
        services.adjust_hours(signup, "3", "  ", actor=roles["community_secretary"])
    assert "reason" in exc.value.message_dict
    for bad in ("-1", "abc", "1e9", "NaN"):
        with pytest.raises(ValidationError) as exc:
            services.adjust_hours(signup, bad, "提前到场布置", actor=roles["community_secretary"])
        assert "hours" in exc.value.message_dict
    assert not HoursAdjustment.objects.exists()
    services.adjust_hours(signup, "３.5", "提前到场布置", actor=roles["community_secretary"])
    signup.refresh_from_db()
    assert signup.hours == Decimal("3.50") and not signup.no_show
    audit = HoursAdjustment.objects.get()
    assert (audit.old_hours, audit.new_hours, audit.reason) == (Decimal("0"), Decimal("3.50"), "提前到场布置")
    assert audit.adjusted_by == roles["community_secretary"]


def test_plain_member_cannot_tick_complete_or_adjust(street, people):
    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["m1"])
    started(activity)
    with pytest.raises(PermissionDenied):
        services.tick(signup, actor=people["m2"])
    with pytest.raises(PermissionDenied):
        services.complete_activity(activity, actor=people["m2"])


def test_team_leader_runs_the_teams_activity(street, people):
    team = Team.objects.create(organisation=street["community1"], name="环境整治志愿队")
    team.leaders.add(people["m6"])
    activity = services.create_team_activity(
        team,
        actor=people["m6"],
        kind="volunteer_service",
        title="河道清洁",
        place="河边",
        starts_at=make_activity(street["community1"]).starts_at + dt.timedelta(days=30),
        ends_at=make_activity(street["community1"]).starts_at + dt.timedelta(days=30, hours=2),
        capacity=3,
    )
    assert list(activity.teams.all()) == [team]
    assert activity.created_by == people["m6"]
    assert access.can_organise(people["m6"], activity)
    assert not access.can_organise(people["m5"], activity)
    other_team = Team.objects.create(organisation=street["community2"], name="二社区志愿队")
    with pytest.raises(PermissionDenied):
        services.create_team_activity(other_team, actor=people["m6"], title="x")


def test_waiting_list_is_closed_on_completion(street, people, roles):
    activity = make_activity(street["community1"], capacity=1)
    services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    started(activity)
    services.complete_activity(activity, actor=roles["community_secretary"])
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.CANCELLED
