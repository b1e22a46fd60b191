"""Fan-out delivery: one notification per person and cause, e-mail once, batches, the sweep.

These call the task's service directly (the test database is not committed, so the task that
notify() queues after commit never runs here); test_worker.py runs the real Celery worker.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from inbox import services, tasks
from inbox.models import EmailState, FanOut, FanOutStatus, Notification
from tests.inbox.conftest import make_people

pytestmark = pytest.mark.django_db


def notify_people(users, cause="notice:42", **kwargs) -> FanOut:
    kwargs.setdefault("title", "关于开展主题党日活动的通知")
    kwargs.setdefault("summary", "请各支部党员于本周六上午九点到社区党群服务中心参加。")
    kwargs.setdefault("url", "/notices/42/")
    return services.notify(cause, [u.pk for u in users], **kwargs)


def test_notify_records_a_pending_fanout_and_queues_its_task_after_commit(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fanout = notify_people(people)

    assert fanout.status == FanOutStatus.PENDING and fanout.cursor == 0
    assert fanout.total == 10 and fanout.recipient_ids == sorted(u.pk for u in people)
    assert len(callbacks) == 1  # the task is sent only once the caller's transaction commits
    assert Notification.objects.count() == 0


def test_each_person_gets_one_notification_and_those_with_an_address_one_email(people):
    fanout = notify_people(people)

    assert services.run_fanout(fanout.pk) == "done"

    fanout.refresh_from_db()
    assert fanout.status == FanOutStatus.DONE and fanout.cursor == 10
    assert fanout.notified_count == 10 and fanout.emailed_count == 5
    assert Notification.objects.filter(cause_key="notice:42").count() == 10
    with_address = sorted(u.email for u in people if u.email)
    assert sorted(m.to[0] for m in mail.outbox) == with_address
    assert set(Notification.objects.filter(recipient__email="").values_list("email_state", flat=True)) == {
        EmailState.NONE
    }
    assert set(Notification.objects.exclude(recipient__email="").values_list("email_state", flat=True)) == {
        EmailState.SENT
    }
    message = mail.outbox[0]
    assert message.subject == "关于开展主题党日活动的通知"
    assert "本周六上午九点" in message.body and "/notices/42/" in message.body


def test_running_the_task_twice_notifies_no_one_twice(people):
    fanout = notify_people(people)

    assert services.run_fanout(fanout.pk) == "done"
    assert services.run_fanout(fanout.pk) == "skipped"  # a duplicate message: not pending any more
    FanOut.objects.filter(pk=fanout.pk).update(status=FanOutStatus.PENDING, cursor=0)
    assert services.run_fanout(fanout.pk) == "done"  # even forced to run again from the start

    assert Notification.objects.count() == 10
    assert len(mail.outbox) == 5


def test_notifying_the_same_cause_again_tells_only_the_new_people(people):
    services.run_fanout(notify_people(people[:6]).pk)
    mail.outbox.clear()

    # Republished to a wider audience: the six already told are not told again.
    again = notify_people(people)
    services.run_fanout(again.pk)

    again.refresh_from_db()
    assert Notification.objects.count() == 10 and again.notified_count == 4
    assert sorted(m.to[0] for m in mail.outbox) == ["p6@example.com", "p8@example.com"]


def test_different_causes_are_separate_notifications(people):
    services.run_fanout(notify_people(people[:3], cause="activity:7:reminder-24h").pk)
    services.run_fanout(notify_people(people[:3], cause="activity:7:reminder-1h").pk)

    assert Notification.objects.filter(recipient=people[0]).count() == 2


def test_inactive_users_and_duplicate_ids_are_skipped(people):
    people[1].is_active = False
    people[1].save()
    fanout = services.notify(
        "notice:9", [people[0].pk, people[0].pk, people[1].pk, None, people[2].pk], title="通知"
    )

    services.run_fanout(fanout.pk)

    assert fanout.total == 3
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {people[0].pk, people[2].pk}


def test_notify_takes_a_user_queryset_and_a_values_list_of_user_ids(people):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=["p1", "p2"])
    assert services.notify("notice:1", users, title="通知").total == 2
    assert services.notify("notice:2", users.values_list("pk", flat=True), title="通知").total == 2
    with pytest.raises(TypeError):
        services.notify("notice:3", Notification.objects.all(), title="通知")


def test_notify_with_nobody_to_tell_writes_nothing(db):
    assert services.notify("notice:1", [], title="通知") is None
    assert FanOut.objects.count() == 0


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"cause": "Notice 42"}, "cause"),
        ({"cause": "notice"}, "cause"),
        ({"title": "  "}, "title"),
        ({"url": "https://evil.example.com/"}, "link"),
        ({"url": "//evil.example.com/"}, "link"),
        ({"url": "javascript:alert(1)"}, "link"),
    ],
)
def test_bad_notify_input_is_refused_and_writes_nothing(people, fields, message):
    arguments = {"cause": "notice:1", "title": "通知", "url": "/notices/1/", **fields}
    cause = arguments.pop("cause")

    with pytest.raises(ValidationError):
        services.notify(cause, [people[0].pk], **arguments)

    assert FanOut.objects.count() == 0


def test_cause_key_helper_builds_keys_other_apps_use():
    assert services.cause_key("activity", 7, "reminder-24h") == "activity:7:reminder-24h"
    assert services.cause_key("waitlist", 311, "offer") == "waitlist:311:offer"
    with pytest.raises(ValueError):
        services.cause_key("Activity")


# Batches ------------------------------------------------------------------------------------


def _queries_of_a_fanout(django_assert_max_num_queries, count: int, limit: int, prefix: str) -> int:
    users = make_people(count, prefix=prefix)
    fanout = notify_people(users, cause=f"notice:{count}")
    with django_assert_max_num_queries(limit) as captured:
        assert services.run_fanout(fanout.pk) == "done"
    assert Notification.objects.filter(cause_key=f"notice:{count}").count() == count
    return len(captured.captured_queries)


def test_a_fanout_costs_queries_per_batch_not_per_person(settings, django_assert_max_num_queries):
    settings.INBOX_BATCH_SIZE = 25
    # Fixed: claim (2), read, abandon dead claims, count, finish: 6. Per batch: users, insert,
    # e-mail claim, e-mail rows, mark sent, heartbeat: 6. Measured on SQLite: 12 and 66.
    small = _queries_of_a_fanout(django_assert_max_num_queries, 25, 6 + 7 * 1, "s")  # 1 batch
    large = _queries_of_a_fanout(django_assert_max_num_queries, 250, 6 + 7 * 10, "l")  # 10 batches
    mail.outbox.clear()

    # Ten times the people in ten times the batches: the extra cost is per batch, far below one
    # query per person.
    assert large - small <= 9 * 7 < 250 - 25
    print(f"queries: 25 people {small}, 250 people {large}")


# Kill and sweep ---------------------------------------------------------------------------


class Killed(BaseException):
    """What a worker killed mid-way looks like to the code after it: it never runs."""


def _kill_after_batches(monkeypatch, batches: int, where: str) -> None:
    """Make the run die after `batches` full batches, at `where` in the next one."""
    calls = {"n": 0}
    real_insert, real_email = services._insert_batch, services._email_batch

    def insert(fanout, batch):
        calls["n"] += 1
        real_insert(fanout, batch)
        if where == "after insert" and calls["n"] > batches:
            raise Killed

    def email(fanout, batch, token):
        if where == "after e-mail" and calls["n"] > batches:
            real_email(fanout, batch, token)
            raise Killed  # sent and recorded, but the cursor was not saved
        if where == "while sending" and calls["n"] > batches:
            # Claimed, then the process died in the middle of talking to the mail server.
            services.Notification.objects.filter(
                cause_key=fanout.cause_key, recipient_id__in=batch, email_state=EmailState.PENDING
            ).update(email_state=EmailState.SENDING, email_claim=token)
            raise Killed
        return real_email(fanout, batch, token)

    monkeypatch.setattr(services, "_insert_batch", insert)
    monkeypatch.setattr(services, "_email_batch", email)


@pytest.mark.parametrize("where", ["after insert", "after e-mail"])
def test_a_fanout_killed_mid_way_is_finished_by_the_sweep_with_no_duplicates(
    settings, monkeypatch, django_capture_on_commit_callbacks, where
):
    settings.INBOX_BATCH_SIZE = 10
    users = make_people(40)
    fanout = notify_people(users)
    with monkeypatch.context() as patch:
        _kill_after_batches(patch, 2, where)
        with pytest.raises(Killed):
            services.run_fanout(fanout.pk)
    fanout.refresh_from_db()
    assert fanout.status == FanOutStatus.RUNNING and fanout.cursor == 20
    assert mail.outbox  # some people were told before the worker died

    # The heartbeat is recent: the sweep leaves a live run alone.
    assert services.sweep_stalled_fanouts().requeued == []
    # Six minutes later the run is judged dead, put back to pending and queued again.
    later = timezone.now() + dt.timedelta(minutes=6)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.sweep_stalled_fanouts(now=later)
    assert report.requeued == [fanout.pk] and len(callbacks) == 1
    assert services.run_fanout(fanout.pk) == "done"

    fanout.refresh_from_db()
    assert fanout.status == FanOutStatus.DONE and fanout.attempts == 2 and fanout.stalls == 1
    assert Notification.objects.count() == 40
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == len(set(addresses)) == 20  # every address exactly once


def test_emails_claimed_by_a_dead_run_are_not_sent_again(settings, monkeypatch):
    settings.INBOX_BATCH_SIZE = 10
    users = make_people(30)
    fanout = notify_people(users)
    with monkeypatch.context() as patch:
        _kill_after_batches(patch, 1, "while sending")
        with pytest.raises(Killed):
            services.run_fanout(fanout.pk)
    sent_before = len(mail.outbox)
    services.sweep_stalled_fanouts(now=timezone.now() + dt.timedelta(minutes=6))

    services.run_fanout(fanout.pk)

    # The second batch's e-mails may have left before the crash: at most once, so not resent.
    states = Notification.objects.filter(recipient__in=users[10:20]).exclude(email_state=EmailState.NONE)
    assert set(states.values_list("email_state", flat=True)) == {EmailState.FAILED}
    assert len(mail.outbox) == sent_before + 5
    assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox)
    assert Notification.objects.count() == 30


def test_a_pending_fanout_whose_message_was_lost_is_queued_again(people, django_capture_on_commit_callbacks):
    fanout = notify_people(people)
    assert services.sweep_stalled_fanouts().requeued == []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.sweep_stalled_fanouts(now=timezone.now() + dt.timedelta(minutes=3))

    assert report.requeued == [fanout.pk] and len(callbacks) == 1


def test_a_fanout_found_dead_too_often_is_given_up_with_a_reason(people):
    fanout = notify_people(people)
    FanOut.objects.filter(pk=fanout.pk).update(
        status=FanOutStatus.RUNNING, stalls=services.MAX_STALLS - 1, attempts=services.MAX_STALLS - 1
    )

    report = services.sweep_stalled_fanouts(now=timezone.now() + dt.timedelta(minutes=6))

    fanout.refresh_from_db()
    assert report.failed == [fanout.pk] and fanout.status == FanOutStatus.FAILED
    assert fanout.last_error


def test_a_run_taken_over_by_another_stops_without_finishing(people, monkeypatch):
    fanout = notify_people(people)
    real = services._insert_batch

    def taken_over(fanout_obj, batch):
        real(fanout_obj, batch)
        # Meanwhile the sweep judged this run dead and another run claimed it.
        FanOut.objects.filter(pk=fanout_obj.pk).update(attempts=99)

    monkeypatch.setattr(services, "_insert_batch", taken_over)

    assert services.run_fanout(fanout.pk) == "lost"
    assert FanOut.objects.get(pk=fanout.pk).status == FanOutStatus.RUNNING


def test_a_long_fanout_hands_the_rest_to_a_fresh_task(settings, django_capture_on_commit_callbacks):
    settings.INBOX_BATCH_SIZE = 5
    settings.INBOX_RUN_SECONDS = 0  # every batch uses up the budget
    users = make_people(12, with_email_every=3)
    fanout = notify_people(users)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = services.run_fanout(fanout.pk)

    fanout.refresh_from_db()
    assert outcome == "continued" and fanout.status == FanOutStatus.PENDING and fanout.cursor == 5
    assert len(callbacks) == 1
    assert services.run_fanout(fanout.pk) == "continued"
    assert services.run_fanout(fanout.pk) == "done"
    assert Notification.objects.count() == 12 and len(mail.outbox) == 4


def test_an_email_that_fails_is_recorded_and_does_not_stop_the_batch(people, monkeypatch):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def send(self, *args, **kwargs):
        if self.to == ["p2@example.com"]:
            raise OSError("mailbox unavailable")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    fanout = notify_people(people)

    assert services.run_fanout(fanout.pk) == "done"

    assert Notification.objects.get(recipient=people[2]).email_state == EmailState.FAILED
    assert len(mail.outbox) == 4
    fanout.refresh_from_db()
    assert fanout.emailed_count == 4 and fanout.last_error


def test_the_sweep_is_scheduled_every_minute_for_celery_beat(db):
    from tests.beat import beat_row, interval

    task = beat_row("inbox.0002_sweep_schedule")
    assert task.task == "inbox.tasks.sweep_stalled_fanouts"
    assert task.enabled and interval(task) == (1, "minutes")


def test_the_tasks_acknowledge_late_and_have_time_limits():
    for task in (tasks.deliver_fanout, tasks.sweep_stalled_fanouts):
        assert task.acks_late
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit


def test_the_tasks_are_thin_wrappers(people):
    fanout = notify_people(people)
    assert tasks.deliver_fanout(fanout.pk) == "done"
    assert tasks.sweep_stalled_fanouts() == {"requeued": [], "failed": []}
