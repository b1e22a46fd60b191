"""Reminders to secretaries (missing monthly reflection, missing yearly report or paper) and to the
committee (secretaries not yet scored): who is due when, each person told once per cause, a run
killed half-way and re-run, and queries that do not grow with the street."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from assessments import reminders, tasks
from assessments.models import (
    AssessmentCycle,
    CommitteeScore,
    Indicator,
    IndicatorSource,
    Phase,
    Submission,
    SubmissionKind,
)
from inbox.models import Notification
from orgchart.models import OrgKind, Post, PostTitle, Tenure
from tests.assessments.scoring_support import community_with_secretary
from tests.beat import beat_row, interval, migration_row
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import MemberFactory, UserFactory, make_org

NOV_19 = dt.date(2026, 11, 19)
NOV_20 = dt.date(2026, 11, 20)


def scorers(street, count: int) -> list:
    """`count` users each holding a current post in the street committee (committee members 委员
    share the one post; appoint() would end the previous holder's tenure)."""
    post, _created = Post.objects.get_or_create(organisation=street, title=PostTitle.COMMITTEE)
    unit = make_org(street, OrgKind.UNIT, name=f"{street.code}机关党组织{post.tenures.count()}")
    branch = make_org(unit, OrgKind.BRANCH)
    users = []
    for _ in range(count):
        user = UserFactory()
        member = MemberFactory(organisation=branch, user=user)
        Tenure.objects.create(post=post, member=member, started_on=dt.date(2024, 1, 1))
        users.append(user)
    return users


def _street(code: str, secretaries: int, committee: int = 2):
    street = make_org(None, OrgKind.STREET, name=f"{code}街道党工委", code=code)
    members = [community_with_secretary(street)[1] for _ in range(secretaries)]
    return street, [m.user for m in members], scorers(street, committee)


def _in_phase(cycle: AssessmentCycle, phase: str) -> AssessmentCycle:
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()
    return cycle


def _told(cause: str) -> list[int]:
    return sorted(Notification.objects.filter(cause_key=cause).values_list("recipient_id", flat=True))


def _reflection(cycle, user, month: int) -> Submission:
    community = Tenure.objects.get(member__user=user, post__title=PostTitle.SECRETARY).post.organisation
    return Submission.objects.create(
        cycle=cycle,
        secretary=user,
        community=community,
        kind=SubmissionKind.REFLECTION,
        month=month,
        title="学习体会",
        body="体会",
    )


def _work(cycle, user, kind: str) -> Submission:
    community = Tenure.objects.get(member__user=user, post__title=PostTitle.SECRETARY).post.organisation
    return Submission.objects.create(
        cycle=cycle, secretary=user, community=community, kind=kind, title="调研报告", body="报告"
    )


@pytest.fixture
def setting(db):
    street, secretaries, committee = _street("RM", 3)
    cycle = _in_phase(make_cycle(street, 2026), Phase.OPEN)
    return cycle, secretaries, committee


# The monthly reflection ------------------------------------------------------------------------


def test_reflection_reminder_from_the_20th_once_per_secretary_and_month(
    setting, django_capture_on_commit_callbacks
):
    cycle, (wrote, forgot, also_forgot), committee = setting
    _reflection(cycle, wrote, 11)
    _reflection(cycle, forgot, 10)  # last month's does not count for this month
    with django_capture_on_commit_callbacks():
        assert reminders.remind_all(NOV_19)["reflection"] == 0  # before the day
        assert reminders.remind_all(NOV_20)["reflection"] == 2
        assert reminders.remind_all(NOV_20)["reflection"] == 0  # run again: nobody new
        assert reminders.remind_all(dt.date(2026, 11, 28))["reflection"] == 0  # later that month
    november = reminders.reflection_cause(cycle, NOV_20)
    assert november == f"assessment:{cycle.pk}:reflection-2026-11"
    assert _told(november) == sorted([forgot.pk, also_forgot.pk])
    # The committee and the members are not secretaries: never told about reflections.
    assert not Notification.objects.filter(recipient__in=committee, cause_key=november).exists()
    row = Notification.objects.filter(cause_key=november).first()
    assert row.url == "/assessments/mine/"

    # December: a new month, a new reminder, for whoever has not written December's.
    _reflection(cycle, forgot, 12)
    with django_capture_on_commit_callbacks():
        assert reminders.remind_all(dt.date(2026, 12, 21))["reflection"] == 2
    assert _told(f"assessment:{cycle.pk}:reflection-2026-12") == sorted([wrote.pk, also_forgot.pk])


def test_reflection_reminder_day_is_a_setting_and_a_short_month_uses_its_last_day(setting, settings):
    cycle = setting[0]
    settings.ASSESSMENTS_REFLECTION_REMINDER_DAY = 25
    assert not reminders.reflection_due(cycle, dt.date(2026, 11, 24))
    assert reminders.reflection_due(cycle, dt.date(2026, 11, 25))
    settings.ASSESSMENTS_REFLECTION_REMINDER_DAY = 31
    assert reminders.reflection_due(cycle, dt.date(2026, 2, 28))  # February has no 31st
    assert not reminders.reflection_due(cycle, dt.date(2026, 3, 30))


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.REVIEW, Phase.PUBLICITY, Phase.FINAL])
def test_no_reflection_or_report_reminder_outside_open_and_rating(setting, phase):
    cycle = _in_phase(setting[0], phase)
    assert not reminders.reflection_due(cycle, NOV_20)
    assert not reminders.report_due(cycle, NOV_20)


def test_no_reflection_reminder_in_another_year_than_the_cycles(setting):
    cycle = setting[0]
    assert reminders.reflection_due(cycle, NOV_20)
    assert not reminders.reflection_due(cycle, dt.date(2027, 1, 20))  # the 2026 cycle left open


def test_secretaries_who_left_the_post_or_have_no_active_login_are_not_reminded(
    setting, django_capture_on_commit_callbacks
):
    cycle, (gone, disabled, stays), _committee = setting
    Tenure.objects.filter(member__user=gone).update(ended_on=dt.date(2026, 10, 31))
    type(disabled).objects.filter(pk=disabled.pk).update(is_active=False)
    with django_capture_on_commit_callbacks():
        assert reminders.remind_all(NOV_20)["reflection"] == 1
    assert _told(reminders.reflection_cause(cycle, NOV_20)) == [stays.pk]


def test_a_secretary_of_another_street_is_not_reminded_by_this_cycle(
    setting, django_capture_on_commit_callbacks
):
    cycle, secretaries, _committee = setting
    _other_street, others, _ = _street("RX", 2)  # no cycle of its own
    with django_capture_on_commit_callbacks():
        reminders.remind_all(NOV_20)
    told = _told(reminders.reflection_cause(cycle, NOV_20))
    assert told == sorted(u.pk for u in secretaries)
    assert not set(told) & {u.pk for u in others}


# The yearly report or paper -------------------------------------------------------------------


def test_report_reminder_30_days_before_rating_once_per_cycle(setting, django_capture_on_commit_callbacks):
    cycle, (reporter, writer, nothing), _committee = setting  # rating_on: 1 July 2026
    _work(cycle, reporter, SubmissionKind.REPORT)
    _work(cycle, writer, SubmissionKind.PAPER)
    _work(cycle, nothing, SubmissionKind.PRACTICE)  # a practice result is not the report
    with django_capture_on_commit_callbacks():
        assert reminders.remind_all(dt.date(2026, 5, 31))["report"] == 0
        assert reminders.remind_all(dt.date(2026, 6, 1))["report"] == 1
        assert reminders.remind_all(dt.date(2026, 6, 2))["report"] == 0
        _in_phase(cycle, Phase.RATING)
        assert reminders.remind_all(dt.date(2026, 7, 20))["report"] == 0  # still once per cycle
    assert _told(reminders.report_cause(cycle)) == [nothing.pk]


def test_report_reminder_days_are_a_setting(setting, settings):
    cycle = setting[0]
    settings.ASSESSMENTS_REPORT_REMINDER_DAYS = 10
    assert not reminders.report_due(cycle, dt.date(2026, 6, 20))
    assert reminders.report_due(cycle, dt.date(2026, 6, 21))


# The committee --------------------------------------------------------------------------------


@pytest.fixture
def review(setting):
    cycle, secretaries, committee = setting
    _in_phase(cycle, Phase.REVIEW)  # review 1 Sept, 公示 from 28 Sept 2026
    indicators = list(Indicator.objects.filter(cycle=cycle, source=IndicatorSource.COMMITTEE))
    assert len(indicators) == 3  # the default set's committee indicators
    return cycle, secretaries, committee, indicators


def _score(cycle, indicator, secretary, scorer):
    CommitteeScore.objects.create(
        cycle=cycle, indicator=indicator, secretary=secretary, scorer=scorer, score=Decimal(1), comment="好"
    )


def test_committee_member_is_told_how_many_secretaries_they_have_not_scored(
    review, django_capture_on_commit_callbacks
):
    cycle, secretaries, (done, partly), indicators = review
    lazy = scorers(cycle.street, 1)[0]
    for secretary in secretaries:
        for indicator in indicators:
            _score(cycle, indicator, secretary, done)
    for indicator in indicators:
        _score(cycle, indicator, secretaries[0], partly)  # one secretary in full
    _score(cycle, indicators[0], secretaries[1], partly)  # another on one indicator only
    UserFactory(username="root", is_superuser=True)  # manages every street, but is no committee
    with translation.override("en"), django_capture_on_commit_callbacks():
        assert reminders.remind_all(dt.date(2026, 9, 2))["committee"] == 2
        assert reminders.remind_all(dt.date(2026, 9, 3))["committee"] == 0
    cause = reminders.committee_cause(cycle, last_call=False)
    assert _told(cause) == sorted([partly.pk, lazy.pk])  # `done` scored everyone: not told
    titles = dict(Notification.objects.filter(cause_key=cause).values_list("recipient_id", "title"))
    assert titles[partly.pk].startswith("2 secretaries not yet scored by you")
    assert titles[lazy.pk].startswith("3 secretaries not yet scored by you")
    url = Notification.objects.get(cause_key=cause, recipient=lazy).url
    assert url == f"/assessments/cycles/{cycle.pk}/committee/"


def test_committee_last_call_days_before_public_notice_to_those_still_behind(
    review, django_capture_on_commit_callbacks
):
    cycle, secretaries, (catches_up, behind), indicators = review
    with django_capture_on_commit_callbacks():
        assert reminders.remind_all(dt.date(2026, 9, 1))["committee"] == 2
        for secretary in secretaries:
            for indicator in indicators:
                _score(cycle, indicator, secretary, catches_up)
        assert reminders.remind_all(dt.date(2026, 9, 24))["committee"] == 0  # 4 days before 28 Sept
        assert reminders.remind_all(dt.date(2026, 9, 25))["committee"] == 1  # 3 days before
        assert reminders.remind_all(dt.date(2026, 9, 26))["committee"] == 0
    assert _told(reminders.committee_cause(cycle, last_call=True)) == [behind.pk]
    assert len(_told(reminders.committee_cause(cycle, last_call=False))) == 2


def test_a_review_starting_inside_the_last_call_window_sends_one_reminder(
    review, django_capture_on_commit_callbacks
):
    cycle, _secretaries, committee, _indicators = review
    with django_capture_on_commit_callbacks():
        assert reminders.remind_all(dt.date(2026, 9, 27))["committee"] == 2
        assert reminders.remind_all(dt.date(2026, 9, 27))["committee"] == 0
    assert _told(reminders.committee_cause(cycle, last_call=True)) == sorted(u.pk for u in committee)
    assert _told(reminders.committee_cause(cycle, last_call=False)) == []


def test_no_committee_reminder_outside_review_or_without_committee_indicators(
    review, django_capture_on_commit_callbacks
):
    cycle, _secretaries, _committee, indicators = review
    with django_capture_on_commit_callbacks():
        _in_phase(cycle, Phase.RATING)
        assert reminders.remind_all(dt.date(2026, 9, 2))["committee"] == 0
        _in_phase(cycle, Phase.REVIEW)
        Indicator.objects.filter(pk__in=[i.pk for i in indicators]).update(source=IndicatorSource.RATING)
        assert reminders.remind_all(dt.date(2026, 9, 2))["committee"] == 0


def test_a_former_post_holder_is_not_reminded(review, django_capture_on_commit_callbacks):
    cycle, _secretaries, (former, current), _indicators = review
    Tenure.objects.filter(member__user=former).update(ended_on=dt.date(2026, 8, 31))
    with django_capture_on_commit_callbacks():
        reminders.remind_all(dt.date(2026, 9, 2))
    assert _told(reminders.committee_cause(cycle, last_call=False)) == [current.pk]


# Exactly once when a run dies ------------------------------------------------------------------


def test_a_run_killed_in_the_middle_is_completed_by_the_next_without_repeats(
    setting, monkeypatch, django_capture_on_commit_callbacks
):
    cycle, secretaries, _committee = setting
    monkeypatch.setattr(reminders, "BATCH", 1)
    real = reminders.notify_each
    calls = []

    def dies_in_the_second_batch(label, messages, **kwargs):
        calls.append(label)
        found = real(label, messages, **kwargs)  # the rows are written ...
        if len(calls) == 2:
            raise SystemExit("worker killed")  # ... and rolled back with the batch
        return found

    monkeypatch.setattr(reminders, "notify_each", dies_in_the_second_batch)
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks():
        reminders.remind_all(NOV_20)
    cause = reminders.reflection_cause(cycle, NOV_20)
    assert _told(cause) == [secretaries[0].pk]
    monkeypatch.setattr(reminders, "notify_each", real)
    with django_capture_on_commit_callbacks():
        assert reminders.remind_all(NOV_20)["reflection"] == 2
        assert reminders.remind_all(NOV_20)["reflection"] == 0
    assert _told(cause) == sorted(u.pk for u in secretaries)  # each once


# Queries -------------------------------------------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_queries_do_not_grow_with_secretaries_or_committee(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    small_street, small_secs, small_committee = _street("QS", 2, committee=2)
    big_street, big_secs, big_committee = _street("QB", 9, committee=7)
    small = _in_phase(make_cycle(small_street, 2026), Phase.OPEN)
    big = _in_phase(make_cycle(big_street, 2026), Phase.OPEN)
    day = dt.date(2026, 6, 20)  # reflection and report both due
    with django_capture_on_commit_callbacks():
        n = _queries(lambda: (reminders.remind_reflections(small, day), reminders.remind_reports(small, day)))
        with django_assert_num_queries(n):
            reminders.remind_reflections(big, day)
            reminders.remind_reports(big, day)
        assert len(_told(reminders.report_cause(big))) == 9
        small, big = _in_phase(small, Phase.REVIEW), _in_phase(big, Phase.REVIEW)
        day = dt.date(2026, 9, 2)
        n = _queries(lambda: reminders.remind_committee(small, day))
        with django_assert_num_queries(n):
            assert reminders.remind_committee(big, day) == 7


# The task and its schedule ----------------------------------------------------------------------


def test_send_reminders_sends_every_kind_and_nothing_the_second_time(
    setting, django_capture_on_commit_callbacks
):
    cycle = _in_phase(setting[0], Phase.RATING)
    with django_capture_on_commit_callbacks():
        first = tasks.send_reminders(today="2026-07-20")
        second = tasks.send_reminders(today="2026-07-20")
    assert first["reflection"] == 3 and first["report"] == 3 and first["rate"] > 0
    assert set(second.values()) == {0}
    assert Notification.objects.filter(cause_key=f"assessment:{cycle.pk}:rate").count() == first["rate"]


def test_scheduled_runs_send_only_within_the_hours(setting, settings, django_capture_on_commit_callbacks):
    _in_phase(setting[0], Phase.RATING)
    at = timezone.make_aware(dt.datetime(2026, 7, 20, 8, 59))
    assert not reminders.in_sending_hours(at)
    assert reminders.in_sending_hours(at + dt.timedelta(minutes=1))
    assert not reminders.in_sending_hours(at.replace(hour=20, minute=0))
    settings.ASSESSMENTS_REMINDER_HOURS = (0, 0)  # never: a scheduled run sends nothing
    assert tasks.send_reminders() == {}
    assert not Notification.objects.exists()


def test_one_hourly_schedule_sends_all_reminders(db):
    task = beat_row("assessments.0005_reminders")
    assert task.task == "assessments.tasks.send_reminders"
    assert task.enabled and interval(task) == (1, "hours")
    # 0005 removes 0004's row for the rating reminders alone.
    old = migration_row("assessments.0004_ratings", "REMIND_SCHEDULE")
    old.ensure()
    apply_0005 = importlib.import_module("assessments.migrations.0005_reminders").create_schedule
    apply_0005(apps, None)
    assert not PeriodicTask.objects.filter(task="assessments.tasks.remind_raters").exists()


def test_the_task_acknowledges_late_and_has_time_limits():
    assert tasks.send_reminders.acks_late
    assert tasks.send_reminders.soft_time_limit < tasks.send_reminders.time_limit


def test_every_reminder_text_has_its_chinese_in_the_catalogue():
    base = Path(django_settings.BASE_DIR)
    tree = ast.parse((base / "assessments" / "reminders.py").read_text())
    msgids = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_" and node.args
    }
    chinese = {
        e.msgid: e.msgstr
        for e in polib.pofile(str(base / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    }
    assert len(msgids) == 8
    for msgid in msgids:
        assert chinese.get(msgid), msgid
        assert set(_placeholders(msgid)) == set(_placeholders(chinese[msgid])), msgid


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\(\w+\)s", text)
