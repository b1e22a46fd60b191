"""Reminder runs at the same moment on PostgreSQL: each person gets one notification per cause,
and one e-mail."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from assessments import reminders
from assessments.models import AssessmentCycle, Phase
from inbox.models import EmailState, FanOut, Notification
from tests.assessments.test_reminders import _street
from tests.factories.assessments import make_cycle

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL; CI's PostgreSQL run covers it"
    ),
]

RACERS = 6


def test_runs_at_once_tell_each_person_once(monkeypatch):
    street, secretaries, _committee = _street("CC", 5)
    for n, user in enumerate(secretaries):
        type(user).objects.filter(pk=user.pk).update(email=f"c{n}@example.com")
    cycle = make_cycle(street, 2026)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.OPEN)
    monkeypatch.setattr(reminders, "BATCH", 2)  # several batches, so the runs interleave
    barrier = threading.Barrier(RACERS)

    def run(_n):
        try:
            barrier.wait(timeout=30)
            return reminders.remind_all(dt.date(2026, 11, 20))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(RACERS) as pool:
        list(pool.map(run, range(RACERS)))

    rows = list(Notification.objects.values_list("recipient_id", "cause_key", "fanout_id"))
    assert len(rows) == 10  # 5 secretaries × (reflection, report)
    assert len({(r, c) for r, c, _f in rows}) == 10
    # Fan-outs of runs that lost the race own no row, so they e-mail nobody.
    assert Notification.objects.filter(email_state=EmailState.PENDING).count() == 10
    assert FanOut.objects.count() >= len({f for _r, _c, f in rows})
