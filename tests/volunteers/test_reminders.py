"""Reminders go out exactly once: due ones sent, not-due and cancelled ones not, a second run sends
nothing, a dead run's claims are finished by the sweep; the "cannot come" link (valid, forged,
expired, another person's) frees the place for the first on the waiting list."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.signals import task_postrun
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityKind
from inbox.models import FanOut, Notification
from tests.celery_worker import wait_for
from tests.factories.volunteers import make_activity
from volunteers import reminders, services
from volunteers.models import ReminderPolicy, ReminderSent, ReminderState, SignUp, SignUpStatus

pytestmark = pytest.mark.django_db


def _sent(signup, minutes) -> ReminderSent | None:
    return ReminderSent.objects.filter(signup=signup, offset_minutes=minutes).first()


def _reminded(signup, minutes) -> int:
    """Inbox rows of this sign-up's reminder at this offset (the person's own)."""
    return Notification.objects.filter(
        cause_key=f"reminder:{signup.pk}:{minutes}m", recipient_id=signup.person_id
    ).count()


def _signed_up_long_ago(signup, days=3):
    SignUp.objects.filter(pk=signup.pk).update(confirmed_at=timezone.now() - dt.timedelta(days=days))


# Which reminders are due -----------------------------------------------------------------------------


def test_one_hour_reminder_is_sent_once_when_due(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(minutes=40))
    signup = services.sign_up(activity, actor=people["m1"])
    _signed_up_long_ago(signup)

    report = reminders.send_due_reminders()

    assert report.sent == 1
    row = _sent(signup, 60)
    assert row.state == ReminderState.SENT and row.sent_at is not None
    note = Notification.objects.get(cause_key=f"reminder:{signup.pk}:60m")
    assert note.recipient_id == people["m1"].pk
    assert note.url.startswith("/activities/reminders/")
    assert activity.title in note.title
    # Its delivery (e-mail after commit) is a fan-out of the batch, holding this row.
    assert note.fanout.prefilled and note.fanout.recipient_ids == [people["m1"].pk]
    # The 24-hour one is due too (the worker was down): recorded as not needed, never sent.
    assert _sent(signup, 24 * 60).state == ReminderState.SKIPPED
    assert _reminded(signup, 24 * 60) == 0


def test_twenty_four_hour_reminder_then_one_hour_reminder(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(hours=23))
    signup = services.sign_up(activity, actor=people["m1"])
    _signed_up_long_ago(signup)
    reminders.send_due_reminders()
    assert _sent(signup, 24 * 60).state == ReminderState.SENT
    assert _sent(signup, 60) is None
    later = timezone.now() + dt.timedelta(hours=22, minutes=30)
    reminders.send_due_reminders(now=later)
    assert _sent(signup, 60).state == ReminderState.SENT
    assert (_reminded(signup, 24 * 60), _reminded(signup, 60)) == (1, 1)


def test_signing_up_after_the_reminder_time_skips_that_reminder(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(hours=20))
    signup = services.sign_up(activity, actor=people["m1"])  # confirmed now: 20 h before
    reminders.send_due_reminders()
    assert _sent(signup, 24 * 60).state == ReminderState.SKIPPED
    assert _reminded(signup, 24 * 60) == 0


def test_reminders_not_yet_due_are_not_sent(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(days=3))
    services.sign_up(activity, actor=people["m1"])
    assert reminders.send_due_reminders().as_dict() == {"sent": 0, "skipped": 0, "reclaimed": 0, "lost": 0}
    assert not ReminderSent.objects.exists()
    assert not Notification.objects.filter(cause_key__startswith="reminder:").exists()


def test_cancelled_and_waiting_sign_ups_are_not_reminded(street, people):
    activity = make_activity(street["community1"], capacity=1, starts_in=dt.timedelta(minutes=30))
    first = services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    other = make_activity(street["community1"], starts_in=dt.timedelta(minutes=30), title="另一活动")
    cancelled = SignUp.objects.create(
        activity=other, person=people["m3"], status=SignUpStatus.CANCELLED, queued_at=timezone.now()
    )
    reminders.send_due_reminders()
    assert _sent(first, 60).state == ReminderState.SENT
    assert _sent(waiting, 60) is None and _sent(cancelled, 60) is None


def test_a_sign_up_cancelled_after_the_claim_is_not_reminded(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(minutes=30))
    signup = services.sign_up(activity, actor=people["m1"])
    now = timezone.now()
    ids = reminders._claim([(signup.pk, 60)], [], "t1", now)
    SignUp.objects.filter(pk=signup.pk).update(status=SignUpStatus.CANCELLED)
    assert reminders.deliver_batch(ids, "t1", now).as_dict() == {
        "sent": 0,
        "skipped": 1,
        "reclaimed": 0,
        "lost": 0,
    }
    assert _sent(signup, 60).state == ReminderState.SKIPPED
    assert _reminded(signup, 60) == 0


def test_running_twice_sends_once(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(minutes=30))
    signups = [services.sign_up(activity, actor=people[f"m{i}"]) for i in range(1, 4)]
    assert reminders.send_due_reminders().sent == 3
    assert reminders.send_due_reminders().sent == 0
    for signup in signups:
        assert _reminded(signup, 60) == 1
    assert ReminderSent.objects.filter(state=ReminderState.SENT).count() == 3


def test_policy_per_kind_overrides_the_default_offsets(street, people):
    ReminderPolicy.objects.create(kind=ActivityKind.VOLUNTEER_SERVICE, hours="2")
    ReminderPolicy.objects.create(kind=ActivityKind.LARGE_EVENT, hours="")
    service = make_activity(street["community1"], starts_in=dt.timedelta(minutes=90))
    event = make_activity(
        street["community1"], starts_in=dt.timedelta(minutes=30), hours=0.5, kind=ActivityKind.LARGE_EVENT
    )
    a = services.sign_up(service, actor=people["m1"])
    b = services.sign_up(event, actor=people["m2"])
    _signed_up_long_ago(a)
    reminders.send_due_reminders()
    assert _sent(a, 120).state == ReminderState.SENT
    assert not ReminderSent.objects.filter(signup=b).exists()


def test_policy_hours_are_checked():
    policy = ReminderPolicy(kind=ActivityKind.PIONEER, hours="２４，1")
    policy.full_clean()
    assert policy.hours == "24, 1"
    for bad in ("soon", "0", "-1", "400"):
        with pytest.raises(ValidationError):
            ReminderPolicy(kind=ActivityKind.PIONEER, hours=bad).full_clean()


# A dead run's claims ------------------------------------------------------------------------------------


def test_claims_of_a_dead_run_are_finished_by_the_sweep_once(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(minutes=30))
    signups = [services.sign_up(activity, actor=people[f"m{i}"]) for i in range(1, 5)]
    now = timezone.now()
    # A run claimed all four, sent two, and died.
    ids = reminders._claim([(s.pk, 60) for s in signups], [], "dead", now)
    assert reminders.deliver_batch(ids[:2], "dead", now).sent == 2
    # Within the lease the claims are the dead run's still: nothing is sent.
    assert reminders.send_due_reminders(now=now + dt.timedelta(minutes=1)).sent == 0
    # After the lease the sweep takes the two over and sends them; the sent two are left alone.
    report = reminders.send_due_reminders(now=now + dt.timedelta(minutes=6))
    assert (report.reclaimed, report.sent) == (2, 2)
    assert ReminderSent.objects.filter(state=ReminderState.SENT).count() == 4
    assert all(_reminded(s, 60) == 1 for s in signups)
    # The dead run, had it woken up, finds its claims gone.
    assert reminders.deliver_batch(ids[3:], "dead", now).lost == 1


@pytest.mark.django_db(transaction=True)
def test_reminder_task_on_the_real_worker_twice_sends_once(street, people, celery_worker):
    from volunteers.tasks import send_due_reminders

    activity = make_activity(street["community1"], starts_in=dt.timedelta(minutes=30))
    signups = [services.sign_up(activity, actor=people[f"m{i}"]) for i in range(1, 4)]
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == send_due_reminders.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-send-reminders")
    try:
        send_due_reminders.delay()
        send_due_reminders.delay()
        assert wait_for(lambda: len(results) == 2, timeout=60)
    finally:
        task_postrun.disconnect(dispatch_uid="test-send-reminders")
    assert sorted(r["sent"] for r in results) == [0, 3]
    assert all(_reminded(s, 60) == 1 for s in signups)
    # The inbox delivers each once.
    from inbox.models import Notification

    assert wait_for(lambda: Notification.objects.filter(cause_key__startswith="reminder:").count() == 3)


# "Cannot come" ----------------------------------------------------------------------------------------


@pytest.fixture
def full_activity(street, people):
    """Two places, both taken (m1, m2), m3 and m4 waiting in that order; starts in 90 minutes
    (past the 2-hour cancellation cut-off)."""
    activity = make_activity(street["community1"], capacity=2, starts_in=dt.timedelta(minutes=90))
    taken = [services.sign_up(activity, actor=people[n]) for n in ("m1", "m2")]
    waiting = [services.sign_up(activity, actor=people[n]) for n in ("m3", "m4")]
    assert [s.status for s in waiting] == [SignUpStatus.WAITING] * 2
    return activity, taken, waiting


def test_cannot_come_link_shows_a_page_and_cancels_only_on_post(client, people, full_activity):
    activity, (first, _second), (next_in_line, last) = full_activity
    url = reminders.cannot_come_url(first)
    client.force_login(people["m1"])

    page = client.get(url)
    assert page.status_code == 200
    assert activity.title in page.content.decode()
    first.refresh_from_db()
    assert first.status == SignUpStatus.CONFIRMED  # a GET never acts

    answer = client.post(url)
    assert answer.status_code == 302
    first.refresh_from_db()
    next_in_line.refresh_from_db()
    last.refresh_from_db()
    assert first.status == SignUpStatus.CANCELLED
    assert first.late_cancellation  # past the cut-off: allowed, and marked late
    assert next_in_line.status == SignUpStatus.OFFERED
    assert last.status == SignUpStatus.WAITING
    assert FanOut.objects.filter(cause_key=f"waitlist:{next_in_line.pk}:offer").count() == 1
    # The link again: no longer active, nothing more happens.
    again = client.post(url)
    assert again.status_code == 200
    assert SignUp.objects.filter(activity=activity, status=SignUpStatus.OFFERED).count() == 1


def test_cannot_come_before_the_cut_off_is_not_marked_late(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(hours=20))
    signup = services.sign_up(activity, actor=people["m1"])
    cancelled = reminders.cannot_come(reminders.cannot_come_token(signup), actor=people["m1"])
    assert cancelled.status == SignUpStatus.CANCELLED and not cancelled.late_cancellation


def test_forged_cannot_come_link_is_refused(client, people, full_activity):
    _activity, (first, _second), _waiting = full_activity
    token = reminders.cannot_come_token(first)
    client.force_login(people["m1"])
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(reverse("volunteers:cannot_come", args=[forged])).status_code == 400
    assert client.post(reverse("volunteers:cannot_come", args=[forged])).status_code == 400
    # Signed for another purpose (the offer salt): refused too.
    other_salt = signing.dumps({"s": first.pk, "p": first.person_id}, salt=services.OFFER_SALT)
    assert client.post(reverse("volunteers:cannot_come", args=[other_salt])).status_code == 400
    first.refresh_from_db()
    assert first.status == SignUpStatus.CONFIRMED


def test_expired_cannot_come_link_is_refused(people, full_activity, monkeypatch):
    _activity, (first, _second), _waiting = full_activity
    import time as time_module

    real = time_module.time()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: real - 16 * 24 * 3600)
        token = reminders.cannot_come_token(first)
    with pytest.raises(ValidationError) as exc_info:
        reminders.cannot_come(token, actor=people["m1"])
    assert exc_info.value.code == "expired"
    first.refresh_from_db()
    assert first.status == SignUpStatus.CONFIRMED


def test_another_persons_cannot_come_link_is_refused(client, people, full_activity):
    _activity, (first, _second), _waiting = full_activity
    client.force_login(people["m2"])
    response = client.post(reminders.cannot_come_url(first))
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.status == SignUpStatus.CONFIRMED
    with pytest.raises(ValidationError) as exc_info:
        reminders.cannot_come(reminders.cannot_come_token(first), actor=people["m2"])
    assert exc_info.value.code == "link"


def test_cannot_come_needs_a_login(client, full_activity):
    _activity, (first, _second), _waiting = full_activity
    response = client.post(reminders.cannot_come_url(first))
    assert response.status_code == 302 and "login" in response["Location"]
    first.refresh_from_db()
    assert first.status == SignUpStatus.CONFIRMED


@override_settings(VOLUNTEERS_REMINDER_HOURS=(1,))
def test_cannot_come_once_started_is_refused(street, people):
    from tests.factories.volunteers import started

    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["m1"])
    started(activity)
    with pytest.raises(ValidationError) as exc_info:
        reminders.cannot_come(reminders.cannot_come_token(signup), actor=people["m1"])
    assert exc_info.value.code == "started"


# The admin --------------------------------------------------------------------------------------------


def test_reminder_policies_are_edited_in_the_admin(client, roles):
    client.force_login(roles["superuser"])
    assert client.get(reverse("reminder_policies:index")).status_code == 200
    add = reverse("reminder_policies:add")
    response = client.post(add, {"kind": ActivityKind.PIONEER, "hours": "48，２"})
    assert response.status_code == 302
    assert ReminderPolicy.objects.get(kind=ActivityKind.PIONEER).hours == "48, 2"
    refused = client.post(add, {"kind": ActivityKind.LARGE_EVENT, "hours": "soon"})
    assert refused.status_code == 200
    assert not ReminderPolicy.objects.filter(kind=ActivityKind.LARGE_EVENT).exists()


def test_reminder_policies_admin_is_not_for_plain_members(client, roles):
    client.force_login(roles["member"])
    assert client.get(reverse("reminder_policies:index")).status_code in (302, 403)


# Beat --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("migration", "task_name", "every", "period"),
    [
        ("volunteers.0004_reminders", "volunteers.tasks.send_due_reminders", 1, "minutes"),
        ("activities.0004_series", "activities.tasks.generate_series_occurrences", 1, "hours"),
    ],
)
def test_periodic_tasks_are_scheduled_for_celery_beat(db, migration, task_name, every, period):
    from tests.beat import beat_row, interval

    task = beat_row(migration)
    assert task.task == task_name
    assert task.enabled and interval(task) == (every, period)


def test_the_sanhui_flags_run_daily_at_half_past_six_shanghai_time(db):
    from tests.beat import beat_row

    task = beat_row("volunteers.0006_sanhui_flags_schedule")
    assert task.task == "volunteers.tasks.flag_behind_branches" and task.enabled
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == (
        "30",
        "6",
        "Asia/Shanghai",
    )


def test_the_tasks_acknowledge_late_and_have_time_limits():
    from activities.tasks import generate_series_occurrences
    from volunteers.tasks import send_due_reminders

    for task in (send_due_reminders, generate_series_occurrences):
        assert task.acks_late
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit
    # The run hands over to the next beat well inside the soft limit.
    from django.conf import settings

    assert send_due_reminders.soft_time_limit > settings.VOLUNTEERS_REMINDER_RUN_SECONDS


def test_reminder_policies_are_in_the_settings_menu(client, roles):
    client.force_login(roles["superuser"])
    page = client.get("/admin/")
    assert reverse("reminder_policies:index") in page.content.decode()
