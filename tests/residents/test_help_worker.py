"""escalate_overdue_help_requests on a REAL Celery worker, run twice: each overdue request is
escalated once (one step, one message per person: the requester, the street's and the answering
community's post-holders), a closed or not-yet-due one never. The beat
row from the data migration is checked in a plain test (a transactional test's flush removes it)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from celery.signals import task_postrun
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from inbox.models import FanOut, FanOutStatus, Notification
from residents import services_help as services
from residents.models_help import HelpRequest, HelpStep
from tests.beat import beat_row, interval
from tests.celery_worker import wait_for
from tests.residents.help_support import file, make_catalogue


@pytest.mark.django_db(transaction=True)
def test_escalation_twice_on_a_worker_escalates_each_overdue_request_once(celery_worker, street, roles):
    from residents.tasks_help import escalate_overdue_help_requests

    cat = make_catalogue(street)
    now = timezone.now()
    overdue_anonymous, _c = file(street, cat["meals"])
    overdue_member, _c = file(street, cat["bath"], actor=roles["member"], name="", phone="")
    closed, _c = file(street, cat["meals"])
    services.accept(closed, actor=roles["community_secretary"])
    services.close(closed, "已办结。", actor=roles["community_secretary"])
    not_due, _c = file(street, cat["jobs"], address="黄河路2号")
    past = now - dt.timedelta(hours=1)
    HelpRequest.objects.filter(pk__in=[overdue_anonymous.pk, overdue_member.pk, closed.pk]).update(
        due_at=past
    )
    FanOut.objects.all().delete()
    Notification.objects.all().delete()
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == escalate_overdue_help_requests.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-help-escalation")
    try:
        escalate_overdue_help_requests.delay()
        escalate_overdue_help_requests.delay()
        assert wait_for(lambda: len(results) == 2, timeout=60)
        assert wait_for(
            lambda: FanOut.objects.exists() and not FanOut.objects.exclude(status=FanOutStatus.DONE).exists(),
            timeout=60,
        )
    finally:
        task_postrun.disconnect(dispatch_uid="test-help-escalation")

    first, second = results
    assert sorted(first) == sorted([overdue_anonymous.pk, overdue_member.pk])
    assert second == []
    assert HelpStep.objects.filter(kind="escalated").count() == 2
    assert set(HelpRequest.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True)) == {
        overdue_anonymous.pk,
        overdue_member.pk,
    }
    per_cause = Counter(Notification.objects.values_list("recipient_id", "cause_key"))
    assert set(per_cause.values()) == {1}
    recipients = {recipient for recipient, _cause in per_cause}
    assert roles["street_secretary"].pk in recipients  # the street hears
    assert roles["member"].pk in recipients  # the member requester hears
    # the community answering them hears too, once per request (one message for both requests each)
    for request in (overdue_anonymous, overdue_member):
        escalated = Notification.objects.filter(
            cause_key__startswith=f"help-request:{request.pk}:staff-escalated-"
        )
        heard = Counter(escalated.values_list("recipient_id", flat=True))
        assert heard[roles["community_secretary"].pk] == 1
        assert heard[roles["street_secretary"].pk] == 1
        assert roles["member"].pk not in heard
    assert not Notification.objects.filter(cause_key__startswith=f"help-request:{closed.pk}:").exists()


def test_the_beat_row_is_written_by_the_data_migration_once(db):
    task = beat_row("residents.0005_help_escalation_schedule")
    assert task.task == "residents.tasks_help.escalate_overdue_help_requests" and task.enabled
    assert interval(task) == (15, "minutes")
    assert PeriodicTask.objects.filter(task=task.task).count() == 1
