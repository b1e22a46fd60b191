"""send_reminders on a REAL Celery worker, run twice (and the e-mails it fans out delivered by the
same worker): each secretary and committee member told, and e-mailed, once per cause."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from celery.signals import task_postrun
from django.core import mail

from assessments.models import AssessmentCycle, Phase
from inbox.models import FanOut, FanOutStatus, Notification
from tests.assessments.test_reminders import _street
from tests.celery_worker import wait_for
from tests.factories.assessments import make_cycle


@pytest.mark.django_db(transaction=True)
def test_send_reminders_twice_on_a_worker_tells_and_emails_each_person_once(celery_worker):
    from assessments.tasks import send_reminders

    street, secretaries, committee = _street("WK", 3)
    other_street, _secs, other_committee = _street("WR", 2)
    for n, user in enumerate([*secretaries, *committee, *other_committee]):
        type(user).objects.filter(pk=user.pk).update(email=f"p{n}@example.com")
    cycle = make_cycle(street, 2026)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.OPEN)
    in_review = make_cycle(
        other_street, 2026, review_on=dt.date(2026, 11, 1), publicity_on=dt.date(2026, 12, 1)
    )
    AssessmentCycle.objects.filter(pk=in_review.pk).update(phase=Phase.REVIEW)
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == send_reminders.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-send-reminders")
    mail.outbox.clear()
    try:
        send_reminders.delay(today="2026-11-20")
        send_reminders.delay(today="2026-11-20")
        assert wait_for(lambda: len(results) == 2, timeout=60)
        # The fan-outs the first run queued deliver the e-mails on the same worker.
        assert wait_for(
            lambda: FanOut.objects.exists() and not FanOut.objects.exclude(status=FanOutStatus.DONE).exists(),
            timeout=60,
        )
    finally:
        task_postrun.disconnect(dispatch_uid="test-send-reminders")

    first, second = results
    # Open cycle: reflection (from the 20th) and report (rating_on 1 July passed) for 3
    # secretaries; review cycle: its 2 committee members, 3 secretaries unscored each.
    assert (first["reflection"], first["report"], first["committee"]) == (3, 3, 2)
    assert set(second.values()) == {0}
    per_cause = Counter(Notification.objects.values_list("recipient_id", "cause_key"))
    assert len(per_cause) == 8 and set(per_cause.values()) == {1}
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent) == 8 and set(sent.values()) == {1}
