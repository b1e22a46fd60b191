"""THE kill test: a real Celery worker in its own process is SIGKILLed in the middle of a batch of
300 due reminders; after the sweep every one has been sent exactly once.

The worker is `celery -A portal worker --pool=solo` started as a subprocess with
tests/volunteers/kill_worker_settings.py: the test settings pointed at this test's database
(committed data: transaction=True) and at the same broker (the filesystem transport under
PORTAL_VAR_DIR, or REDIS_URL), sending batches of 100 in one transaction each. Each reminder is
slowed by KILL_TEST_ITEM_DELAY so the kill lands inside a batch: after the first batch committed and
while the second is claimed and open. After the kill the lease is set to 0 (the dead run's claims
are stale at once, as they would be after VOLUNTEERS_REMINDER_LEASE_SECONDS) and the task runs
again on the tests' in-process worker; the inbox sweep re-queues the fan-outs whose delivery
messages died with the worker.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from celery.signals import task_postrun
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from inbox.models import FanOut, FanOutStatus, Notification
from tests.celery_worker import wait_for
from tests.factories.volunteers import make_activity
from volunteers.models import ReminderSent, ReminderState, SignUp, SignUpStatus

ROOT = Path(__file__).resolve().parents[2]
DUE = 300
BATCH = 100  # kill_worker_settings: the worker sends (and commits) 100 reminders at a time


def _start_worker(log_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.volunteers.kill_worker_settings",
        KILL_TEST_DB_NAME=str(connection.settings_dict["NAME"]),
        KILL_TEST_ITEM_DELAY="0.02",
        PYTHONPATH=str(ROOT),
    )
    log = log_path.open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_every_due_reminder_is_sent_exactly_once(street, request, tmp_path):
    from portal.celery import app
    from volunteers.tasks import send_due_reminders

    # Given 300 confirmed sign-ups of an activity starting in 40 minutes: 300 one-hour reminders due.
    activity = make_activity(street["community1"], capacity=DUE, starts_in=dt.timedelta(minutes=40))
    User = get_user_model()
    User.objects.bulk_create([User(username=f"kill{i:03d}") for i in range(DUE)])
    people = list(User.objects.filter(username__startswith="kill").values_list("pk", flat=True))
    now = timezone.now()
    long_ago = now - dt.timedelta(days=2)
    SignUp.objects.bulk_create(
        [
            SignUp(
                activity=activity,
                person_id=pk,
                status=SignUpStatus.CONFIRMED,
                queued_at=long_ago,
                confirmed_at=long_ago,
            )
            for pk in people
        ]
    )
    app.control.purge()

    # When a worker in its own process takes the batch and is SIGKILLed in the middle of it.
    log_path = tmp_path / "worker.log"
    worker = _start_worker(log_path)
    try:
        send_due_reminders.delay()
        sent = ReminderSent.objects.filter(offset_minutes=60, state=ReminderState.SENT)
        claimed = ReminderSent.objects.filter(offset_minutes=60, state=ReminderState.CLAIMED)
        reached = wait_for(
            lambda: (sent.count() >= BATCH and claimed.exists()) or worker.poll() is not None, timeout=180
        )
        assert reached and worker.poll() is None, log_path.read_text(errors="replace")[-3000:]
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
    sent_before = sent.count()
    claimed_before = claimed.count()
    inbox_before = Notification.objects.filter(cause_key__startswith="reminder:").count()
    print(f"\nkill test: at the kill {sent_before} sent, {claimed_before} claimed and not sent")
    assert BATCH <= sent_before < DUE, "the kill did not land mid-run"
    assert claimed_before > 0  # claimed by the dead run and not sent: the sweep's work
    assert inbox_before == sent_before  # recorded sent and in the inbox in one transaction

    # Then the next run (lease over: the dead run's claims are stale) on the in-process worker
    # finishes the claims and the rest; the inbox sweep re-queues deliveries that died too.
    app.control.purge()
    request.getfixturevalue("celery_worker")
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == send_due_reminders.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-kill-reminders")
    try:
        with override_settings(VOLUNTEERS_REMINDER_LEASE_SECONDS=0):
            send_due_reminders.delay()
            assert wait_for(lambda: len(results) == 1, timeout=180)
    finally:
        task_postrun.disconnect(dispatch_uid="test-kill-reminders")
    report = results[0]
    print(f"kill test: the run after the kill {report}")
    assert report["reclaimed"] == claimed_before
    assert report["sent"] == DUE - sent_before
    assert report["lost"] == 0

    from inbox.services import sweep_stalled_fanouts

    sweep_stalled_fanouts(now=timezone.now() + dt.timedelta(minutes=10))
    reminded = Notification.objects.filter(cause_key__startswith="reminder:")
    assert wait_for(lambda: reminded.count() == DUE, timeout=180), reminded.count()
    assert wait_for(
        lambda: (
            not FanOut.objects.filter(
                cause_key__startswith="reminder-batch:",
                status__in=(FanOutStatus.PENDING, FanOutStatus.RUNNING),
            ).exists()
        ),
        timeout=120,
    )

    # Every due reminder exactly once: one sent record and one inbox row per sign-up, each row
    # handed to a delivery that finished.
    records = Counter(
        ReminderSent.objects.filter(offset_minutes=60, state=ReminderState.SENT).values_list(
            "signup_id", flat=True
        )
    )
    assert len(records) == DUE and set(records.values()) == {1}
    assert not ReminderSent.objects.filter(state=ReminderState.CLAIMED).exists()
    assert not reminded.filter(fanout__isnull=True).exists()
    assert set(reminded.values_list("fanout__status", flat=True)) == {FanOutStatus.DONE}
    rows = Counter(reminded.values_list("recipient_id", "cause_key"))
    assert len(rows) == DUE and set(rows.values()) == {1}
    assert {pk for pk, _cause in rows} == set(people)
    print(f"kill test: after the sweep {len(records)} sent once each, {reminded.count()} inbox rows")
