"""Agreements expiring within 30 days are flagged to both sides, once per person and end date."""

from __future__ import annotations

import datetime as dt

import pytest

from cobuilding import services, tasks
from inbox.models import Notification
from tests.beat import beat_row, interval
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import make_post_holder

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def _told(agreement) -> set[int]:
    return set(
        Notification.objects.filter(
            cause_key__startswith=f"cobuilding-agreement:{agreement.pk}:"
        ).values_list("recipient_id", flat=True)
    )


def test_both_sides_are_told_once(street, units, roles, django_capture_on_commit_callbacks):
    unit_secretary = make_post_holder(units["hospital"], "yiyuan")
    soon = make_agreement(
        street["community1"], units["hospital"], starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2026, 6, 20)
    )
    later = make_agreement(street["community1"], units["school"], ends_on=dt.date(2026, 12, 31))
    draft = make_agreement(
        street["community2"], units["company"], ends_on=dt.date(2026, 6, 10), status="draft"
    )
    with django_capture_on_commit_callbacks():
        first = tasks.flag_expiring_agreements(TODAY.isoformat())
        second = tasks.flag_expiring_agreements((TODAY + dt.timedelta(days=1)).isoformat())
    assert first == second == [soon.pk]
    told = _told(soon)
    assert {roles["community_secretary"].pk, roles["street_secretary"].pk, unit_secretary.pk} <= told
    assert roles["member"].pk not in told
    assert Notification.objects.filter(
        cause_key__startswith=f"cobuilding-agreement:{soon.pk}:"
    ).count() == len(told)
    assert not _told(later) and not _told(draft)


def test_an_ended_agreement_is_not_flagged(street, units):
    agreement = make_agreement(street["community1"], units["hospital"], ends_on=dt.date(2026, 6, 20))
    services.end_agreement(agreement, actor=None, ended_on=dt.date(2026, 5, 31))
    assert tasks.flag_expiring_agreements(TODAY.isoformat()) == []


def test_schedule_registered(db):
    task = beat_row("cobuilding.0002_expiry_schedule")
    assert task.task == "cobuilding.tasks.flag_expiring_agreements"
    assert task.enabled and interval(task) == (1, "days")
