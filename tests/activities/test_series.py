"""Recurring series: rules (weekly, the first Saturday, dates left out), idempotent generation
(also on the real worker), editing changes future occurrences only and tells those signed up
once, bad rules refused with nothing written."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from celery.signals import task_postrun
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from activities import series as series_rules
from activities.models import Activity, ActivityKind, ActivitySeries, ActivityState, Eligibility
from inbox.models import FanOut
from tests.celery_worker import wait_for
from tests.factories.orgchart import MemberFactory, UserFactory
from volunteers import services
from volunteers.models import SignUp, SignUpStatus
from volunteers.series import update_series

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Tuesday morning, Shanghai time: the "now" of the rule tests.
TUESDAY = dt.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)


def _fields(**overrides):
    values = {
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "title": "周六社区清洁",
        "place": "社区活动中心",
        "start_time": dt.time(9, 0),
        "duration_minutes": 120,
        "capacity": 5,
        "eligibility": Eligibility.ANYONE,
        "rule": "FREQ=WEEKLY;BYDAY=SA",
        "starts_on": dt.date(2026, 12, 1),
    }
    values.update(overrides)
    return values


def _series(organiser, **overrides) -> ActivitySeries:
    return series_rules.create_series(actor=None, organiser=organiser, generate=False, **_fields(**overrides))


def _local_starts(series) -> list[dt.datetime]:
    return [
        timezone.localtime(a.starts_at, SHANGHAI).replace(tzinfo=None)
        for a in Activity.objects.filter(series=series).order_by("starts_at")
    ]


# Rules ---------------------------------------------------------------------------------------------


def test_weekly_rule_generates_every_saturday_at_nine_local_within_eight_weeks(street):
    series = _series(street["community1"])
    created = series_rules.generate_occurrences(series, now=TUESDAY)
    assert [d.date() for d in _local_starts(series)] == [
        dt.date(2026, 12, 5) + dt.timedelta(weeks=i) for i in range(8)
    ]
    assert len(created) == 8
    first = Activity.objects.filter(series=series).order_by("starts_at").first()
    # Stored aware: 09:00 in Shanghai is 01:00 UTC.
    assert first.starts_at == dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)
    assert first.ends_at - first.starts_at == dt.timedelta(hours=2)
    assert first.occurrence_start == first.starts_at
    assert first.state == ActivityState.OPEN and first.checkin_code
    assert (first.title, first.place, first.capacity) == ("周六社区清洁", "社区活动中心", 5)


@override_settings(ACTIVITIES_SERIES_HORIZON_WEEKS=20)
def test_first_saturday_of_the_month(street):
    series = _series(street["community1"], rule="FREQ=MONTHLY;BYDAY=1SA")
    series_rules.generate_occurrences(series, now=TUESDAY)
    assert [d.date() for d in _local_starts(series)] == [
        dt.date(2026, 12, 5),
        dt.date(2027, 1, 2),
        dt.date(2027, 2, 6),
        dt.date(2027, 3, 6),
        dt.date(2027, 4, 3),
    ]


def test_exception_dates_are_left_out(street):
    series = _series(street["community1"], exdates=["2026-12-12", "2026-12-26"])
    series_rules.generate_occurrences(series, now=TUESDAY)
    days = [d.date() for d in _local_starts(series)]
    assert dt.date(2026, 12, 12) not in days and dt.date(2026, 12, 26) not in days
    assert dt.date(2026, 12, 19) in days and len(days) == 6


def test_until_and_count_end_the_series(street):
    by_date = _series(street["community1"], until=dt.date(2026, 12, 19))
    series_rules.generate_occurrences(by_date, now=TUESDAY)
    assert [d.date() for d in _local_starts(by_date)] == [
        dt.date(2026, 12, 5),
        dt.date(2026, 12, 12),
        dt.date(2026, 12, 19),
    ]
    by_count = _series(street["community1"], count=2, title="两次")
    series_rules.generate_occurrences(by_count, now=TUESDAY)
    assert len(_local_starts(by_count)) == 2


def test_rule_is_normalised_full_width_and_lower_case(street):
    series = _series(street["community1"], rule="ｒｒｕｌｅ:freq=weekly; byday=sa")
    assert series.rule == "FREQ=WEEKLY;BYDAY=SA"


def test_sign_up_deadline_and_teams_come_from_the_series(street):
    from volunteers.models import Team

    series = _series(street["community1"], signup_deadline_hours=12)
    team = Team.objects.create(organisation=street["community1"], name="清洁队")
    team.series.add(series)
    series_rules.generate_occurrences(series, now=TUESDAY)
    first = Activity.objects.filter(series=series).order_by("starts_at").first()
    assert first.signup_deadline == first.starts_at - dt.timedelta(hours=12)
    assert list(first.teams.all()) == [team]


# Idempotent generation ---------------------------------------------------------------------------------


def test_generating_twice_creates_nothing_twice(street):
    series = _series(street["community1"])
    assert len(series_rules.generate_occurrences(series, now=TUESDAY)) == 8
    assert series_rules.generate_occurrences(series, now=TUESDAY) == []
    # A week later one more week comes into the horizon; the rest exist already.
    assert len(series_rules.generate_occurrences(series, now=TUESDAY + dt.timedelta(weeks=1))) == 1
    assert Activity.objects.filter(series=series).count() == 9


def test_an_occurrence_cancelled_on_its_own_is_not_generated_again(street):
    series = _series(street["community1"])
    series_rules.generate_occurrences(series, now=TUESDAY)
    one = Activity.objects.filter(series=series).order_by("starts_at").first()
    services.cancel_activity(one, actor=None)
    assert series_rules.generate_occurrences(series, now=TUESDAY) == []


def test_database_refuses_a_second_row_for_one_occurrence(street):
    series = _series(street["community1"])
    series_rules.generate_occurrences(series, now=TUESDAY)
    one = Activity.objects.filter(series=series).first()
    one.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        one.save()


@pytest.mark.django_db(transaction=True)
def test_generation_task_on_the_real_worker_twice_creates_once(street, celery_worker):
    from activities.tasks import generate_series_occurrences

    series = series_rules.create_series(
        actor=None, organiser=street["community1"], generate=False, **_fields(starts_on=timezone.localdate())
    )
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == generate_series_occurrences.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-generate-series")
    try:
        generate_series_occurrences.delay()
        generate_series_occurrences.delay()
        assert wait_for(lambda: len(results) == 2, timeout=60)
    finally:
        task_postrun.disconnect(dispatch_uid="test-generate-series")
    counts = sorted(r.get(series.pk, r.get(str(series.pk), 0)) for r in results)
    assert counts[0] == 0 and counts[1] in (8, 9)  # 9 when today is a Saturday before nine
    assert Activity.objects.filter(series=series).count() == counts[1]


# Bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "code_or_text"),
    [
        ("FREQ=SOMETIMES", "rule"),
        ("", None),
        ("BYDAY=SA", "rule"),
        ("FREQ=WEEKLY;BYDAY=XX", "rule"),
        ("FREQ=HOURLY", "rule"),
        ("FREQ=WEEKLY;COUNT=3", None),
        ("FREQ=WEEKLY;BYHOUR=9", None),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no_dates"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_written(street, rule, code_or_text):
    with pytest.raises(ValidationError) as exc_info:
        series_rules.create_series(actor=None, organiser=street["community1"], **_fields(rule=rule))
    assert "rule" in exc_info.value.message_dict
    if code_or_text:
        assert code_or_text in {e.code for e in exc_info.value.error_dict["rule"]}
    assert not ActivitySeries.objects.exists()
    assert not Activity.objects.exists()


@override_settings(ACTIVITIES_SERIES_MAX_OCCURRENCES=20)
def test_a_rule_giving_too_many_occurrences_in_the_horizon_is_refused(street):
    with pytest.raises(ValidationError) as exc_info:
        series_rules.create_series(
            actor=None,
            organiser=street["community1"],
            **_fields(rule="FREQ=DAILY", starts_on=timezone.localdate()),
        )
    assert "too_many" in {e.code for e in exc_info.value.error_dict["rule"]}
    assert not ActivitySeries.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"exdates": ["12/25"]}, "exdates"),
        ({"until": dt.date(2026, 11, 1)}, "until"),
        ({"meeting_type": "theme_day"}, "meeting_type"),
    ],
)
def test_bad_series_fields_are_refused(street, overrides, field):
    with pytest.raises(ValidationError) as exc_info:
        series_rules.create_series(actor=None, organiser=street["community1"], **_fields(**overrides))
    assert field in exc_info.value.message_dict
    assert not ActivitySeries.objects.exists()


def test_only_managers_of_the_organiser_create_a_series(street, roles):
    with pytest.raises(PermissionDenied):
        series_rules.create_series(actor=roles["member"], organiser=street["community1"], **_fields())
    series = series_rules.create_series(
        actor=roles["community_secretary"], organiser=street["community1"], generate=False, **_fields()
    )
    assert series.created_by == roles["community_secretary"]


# Editing -------------------------------------------------------------------------------------------------


def _member(street, username):
    user = UserFactory(username=username)
    MemberFactory(organisation=street["branch1"], user=user)
    return user


@pytest.fixture
def weekly(street):
    """A weekly series begun three weeks ago: two past occurrences (one done), the future ones."""
    today = timezone.localdate()
    series = series_rules.create_series(
        actor=None,
        organiser=street["community1"],
        generate=False,
        **_fields(rule="FREQ=DAILY;INTERVAL=7", starts_on=today - dt.timedelta(days=20)),
    )
    series_rules.generate_occurrences(series, now=timezone.now() - dt.timedelta(days=21))
    series_rules.generate_occurrences(series)
    past = list(Activity.objects.filter(series=series, starts_at__lt=timezone.now()).order_by("starts_at"))
    assert len(past) == 3
    Activity.objects.filter(pk=past[0].pk).update(state=ActivityState.DONE)
    return series


def _future(series):
    return list(Activity.objects.filter(series=series, starts_at__gt=timezone.now()).order_by("starts_at"))


def test_editing_changes_future_occurrences_only_and_tells_their_sign_ups_once(street, weekly):
    m1, m2, m3 = (_member(street, f"s{i}") for i in (1, 2, 3))
    future = _future(weekly)
    first, second = future[0], future[1]
    services.sign_up(first, actor=m1)
    services.sign_up(first, actor=m2)
    services.sign_up(second, actor=m3)
    past = list(Activity.objects.filter(series=weekly, starts_at__lt=timezone.now()))
    past_before = {a.pk: (a.starts_at, a.place, a.state) for a in past}

    report = update_series(None, weekly, start_time=dt.time(14, 30), place="党群服务中心")

    for activity in _future(weekly):
        local = timezone.localtime(activity.starts_at, SHANGHAI)
        assert (local.hour, local.minute) == (14, 30)
        assert activity.place == "党群服务中心"
        assert activity.occurrence_start == activity.starts_at
    for activity in Activity.objects.filter(pk__in=past_before):
        assert (activity.starts_at, activity.place, activity.state) == past_before[activity.pk]
    assert set(report.changed) == {a.pk for a in future}
    # Told: the two occurrences with people on them, once each; no one else.
    assert sorted(report.notified) == sorted([first.pk, second.pk])
    told = FanOut.objects.filter(cause_key=f"activity:{first.pk}:changed-r2")
    assert told.count() == 1 and told.get().recipient_ids == sorted([m1.pk, m2.pk])
    assert FanOut.objects.filter(cause_key=f"activity:{second.pk}:changed-r2").get().recipient_ids == [m3.pk]
    assert FanOut.objects.filter(cause_key__contains=":changed-").count() == 2

    # A title-only edit tells no one; a new change of place tells them again, under a new cause.
    update_series(None, weekly, title="周六社区清洁二")
    assert FanOut.objects.filter(cause_key__contains=":changed-").count() == 2
    assert all(a.title == "周六社区清洁二" for a in _future(weekly))
    update_series(None, weekly, place="社区广场")
    assert FanOut.objects.filter(cause_key=f"activity:{first.pk}:changed-r4").count() == 1
    assert FanOut.objects.filter(cause_key__contains=":changed-").count() == 4


def test_taking_a_date_out_cancels_that_occurrence_and_tells_everyone_on_it(street, weekly):
    m1, m2 = _member(street, "x1"), _member(street, "x2")
    target = _future(weekly)[1]
    Activity.objects.filter(pk=target.pk).update(capacity=1)
    services.sign_up(target, actor=m1)
    waiting = services.sign_up(target, actor=m2)
    assert waiting.status == SignUpStatus.WAITING
    day = timezone.localtime(target.occurrence_start, SHANGHAI).date()

    report = update_series(None, weekly, exdates=[day.isoformat()])

    target.refresh_from_db()
    assert report.cancelled == [target.pk]
    assert target.state == ActivityState.CANCELLED
    assert set(SignUp.objects.filter(activity=target).values_list("status", flat=True)) == {
        SignUpStatus.CANCELLED
    }
    told = FanOut.objects.get(cause_key=f"activity:{target.pk}:cancelled")
    assert told.recipient_ids == sorted([m1.pk, m2.pk])
    # The other future occurrences stay, and the date is not generated again.
    assert series_rules.generate_occurrences(weekly) == []
    still_open = Activity.objects.filter(
        series=weekly, state=ActivityState.OPEN, starts_at__gt=timezone.now()
    )
    assert still_open.count() == len(_future(weekly)) - 1


def test_an_edit_that_is_refused_writes_nothing(street, weekly):
    m1, m2 = _member(street, "y1"), _member(street, "y2")
    first = _future(weekly)[0]
    services.sign_up(first, actor=m1)
    services.sign_up(first, actor=m2)
    with pytest.raises(ValidationError):
        update_series(None, weekly, capacity=1, place="别处")
    with pytest.raises(ValidationError):
        update_series(None, weekly, rule="FREQ=SOMETIMES")
    weekly.refresh_from_db()
    assert weekly.revision == 1 and weekly.capacity == 5
    assert all(a.place == "社区活动中心" for a in _future(weekly))
    assert not FanOut.objects.filter(cause_key__contains=":changed-").exists()


def test_only_managers_edit_a_series(street, roles, weekly):
    with pytest.raises(PermissionDenied):
        update_series(roles["member"], weekly, place="别处")
    assert update_series(roles["community_secretary"], weekly, place="别处").series.revision == 2
