"""Notification fan-outs on a REAL Celery worker (filesystem broker on SQLite, Redis if set).

These tests commit (transaction=True) so the worker thread, with its own connection, sees the data.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from inbox import services
from inbox.models import EmailState, FanOut, FanOutStatus, Notification
from tests.celery_worker import wait_for
from tests.inbox.conftest import make_people


def done(fanout_id: int) -> bool:
    return FanOut.objects.get(pk=fanout_id).status == FanOutStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_a_notice_published_in_a_transaction_is_delivered_by_the_worker_once(settings, celery_worker):
    settings.INBOX_BATCH_SIZE = 7
    users = make_people(30, with_email_every=3)

    with transaction.atomic():  # as a publishing service would: queued only when this commits
        fanout = services.notify(
            "notice:42", [u.pk for u in users], title="社区志愿服务活动通知", url="/notices/42/"
        )
        # A duplicate message for the same fan-out (a retry, a re-queue): the claim lets one run.
        from inbox.tasks import deliver_fanout

        deliver_fanout.delay_on_commit(fanout.pk)

    assert wait_for(lambda: done(fanout.pk), timeout=120)
    fanout.refresh_from_db()
    assert fanout.cursor == 30 and fanout.notified_count == 30 and fanout.emailed_count == 10
    assert Notification.objects.count() == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users if u.email)


@pytest.mark.django_db(transaction=True)
def test_a_fanout_whose_worker_died_is_finished_by_the_sweep_on_the_worker(settings, celery_worker):
    settings.INBOX_BATCH_SIZE = 10
    users = make_people(40)
    # The state a killed worker leaves: running, half the people told, the heartbeat long stopped.
    with transaction.atomic():
        fanout = FanOut.objects.create(
            cause_key="activity:7:reminder-24h",
            title="明天上午九点志愿服务活动提醒",
            recipient_ids=sorted(u.pk for u in users),
            total=40,
            cursor=20,
            status=FanOutStatus.RUNNING,
            attempts=1,
            started_at=timezone.now() - dt.timedelta(minutes=20),
            heartbeat_at=timezone.now() - dt.timedelta(minutes=10),
        )
        for u in users[:25]:  # the dead run had inserted (and e-mailed) a batch past the cursor
            Notification.objects.create(
                recipient=u,
                cause_key=fanout.cause_key,
                title=fanout.title,
                fanout=fanout,
                email_state=EmailState.SENT if u.email else EmailState.NONE,
            )

    report = services.sweep_stalled_fanouts()  # what beat runs every minute; queues after commit

    assert report.requeued == [fanout.pk]
    assert wait_for(lambda: done(fanout.pk), timeout=120)
    assert Notification.objects.count() == 40
    # Only the people not e-mailed before the crash get an e-mail now, each once.
    expected = sorted(u.email for u in users[25:] if u.email)
    assert sorted(m.to[0] for m in mail.outbox) == expected
