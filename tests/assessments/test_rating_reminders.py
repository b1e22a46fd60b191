"""Reminders to rate: once per member and cycle, not to those who rated, only in phase rating."""

from __future__ import annotations

from assessments import ratings, tasks
from assessments.models import AssessmentCycle, Phase
from assessments.rating_reminders import rate_cause
from inbox.models import Notification
from tests.beat import beat_row

ANSWERS = {"contact": "good", "service": "good", "unity": "good", "integrity": "good"}


def test_reminded_exactly_once(cycle, roles, django_capture_on_commit_callbacks):
    assert tasks.remind_raters() == 0  # draft: nobody
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.RATING)
    cycle.refresh_from_db()
    ratings.rate_as_member(roles["community_secretary"], ANSWERS)  # has rated: not reminded
    with django_capture_on_commit_callbacks():
        first = tasks.remind_raters()
        second = tasks.remind_raters()
    told = set(
        Notification.objects.filter(cause_key=rate_cause(cycle)).values_list("recipient_id", flat=True)
    )
    assert roles["member"].pk in told and roles["street_secretary"].pk in told
    assert roles["community_secretary"].pk not in told
    assert roles["outsider"].pk not in told  # no member record
    assert first == len(told) and second == 0


def test_schedule_registered(db):
    # Since 0005 the one reminders task sends the rating reminders too (test_reminders.py).
    task = beat_row("assessments.0005_reminders")
    assert task.task == "assessments.tasks.send_reminders" and task.enabled
