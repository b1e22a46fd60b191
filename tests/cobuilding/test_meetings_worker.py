"""flag_overdue_decisions on a REAL Celery worker, run twice (and the e-mails it fans out delivered
by the same worker): the owner and the community told, and e-mailed, once per overdue decision."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from celery.signals import task_postrun
from django.core import mail

from cobuilding import meetings
from inbox.models import FanOut, FanOutStatus, Notification
from tests.celery_worker import wait_for
from tests.cobuilding.meetings_support import decide, make_meeting
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import make_post_holder


@pytest.mark.django_db(transaction=True)
def test_overdue_task_twice_on_a_worker_tells_each_person_once(celery_worker, street, units, roles):
    from cobuilding.tasks import flag_overdue_decisions

    hospital = make_agreement(street["community1"], units["hospital"])
    meeting = make_meeting(street["community1"], [hospital])
    unit_secretary = make_post_holder(units["hospital"], "yiyuan")
    for n, user in enumerate([roles["community_secretary"], roles["street_secretary"], unit_secretary]):
        type(user).objects.filter(pk=user.pk).update(email=f"p{n}@example.com")
    overdue = [
        decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"]),
        decide(meeting, dt.date(2026, 10, 5), owner_user=roles["community_secretary"]),
    ]
    meetings.complete_decision(
        decide(meeting, dt.date(2026, 10, 2), owner_unit_org=units["hospital"]),
        actor=None,
        done_on=dt.date(2026, 10, 3),
    )
    decide(meeting, dt.date(2026, 11, 30), owner_unit_org=units["hospital"])  # not due on the day
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == flag_overdue_decisions.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-flag-overdue")
    mail.outbox.clear()
    try:
        flag_overdue_decisions.delay(today="2026-10-20")
        flag_overdue_decisions.delay(today="2026-10-20")
        assert wait_for(lambda: len(results) == 2, timeout=60)
        assert wait_for(
            lambda: FanOut.objects.exists() and not FanOut.objects.exclude(status=FanOutStatus.DONE).exists(),
            timeout=60,
        )
    finally:
        task_postrun.disconnect(dispatch_uid="test-flag-overdue")

    first, second = results
    assert first == second == [d.pk for d in overdue]
    assert FanOut.objects.count() == 1  # the rerun found everyone told: nothing to fan out
    per_cause = Counter(
        Notification.objects.filter(cause_key__startswith="cobuilding-decision:").values_list(
            "recipient_id", "cause_key"
        )
    )
    assert set(per_cause.values()) == {1}
    told = {(recipient, cause.split(":")[1]) for recipient, cause in per_cause}
    community = {roles["community_secretary"].pk, roles["street_secretary"].pk}
    first_id, second_id = (str(d.pk) for d in overdue)
    assert {(u, first_id) for u in community | {unit_secretary.pk}} <= told
    assert {(u, second_id) for u in community} <= told
    assert (unit_secretary.pk, second_id) not in told
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert sent and set(sent.values()) == {1}
    assert {m.to[0] for m in mail.outbox} == {"p0@example.com", "p1@example.com", "p2@example.com"}


@pytest.mark.django_db(transaction=True)
def test_a_moved_due_date_is_flagged_again_on_a_worker_once(celery_worker, street, units, roles):
    from cobuilding import meetings_followup
    from cobuilding.tasks import flag_overdue_decisions

    hospital = make_agreement(street["community1"], units["hospital"])
    meeting = make_meeting(street["community1"], [hospital])
    unit_secretary = make_post_holder(units["hospital"], "yiyuan")
    decision = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"])
    runs: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == flag_overdue_decisions.name:
            runs.append(retval)

    def settled() -> bool:
        return not FanOut.objects.exclude(status=FanOutStatus.DONE).exists()

    task_postrun.connect(record, weak=False, dispatch_uid="test-reflag")
    try:
        flag_overdue_decisions.delay(today="2026-10-05")
        assert wait_for(lambda: len(runs) == 1 and settled(), timeout=60)
        meetings_followup.edit_decision(
            decision, actor=roles["community_secretary"], due_on=dt.date(2026, 10, 20), reason="顺延"
        )
        flag_overdue_decisions.delay(today="2026-10-25")
        flag_overdue_decisions.delay(today="2026-10-25")
        assert wait_for(lambda: len(runs) == 3 and settled(), timeout=60)
    finally:
        task_postrun.disconnect(dispatch_uid="test-reflag")
    assert runs == [[decision.pk]] * 3
    mine = Notification.objects.filter(recipient=unit_secretary, cause_key__startswith="cobuilding-decision:")
    assert sorted(n.cause_key.rsplit("-", 1)[1] for n in mine) == ["20261001", "20261020"]
    assert {n.url for n in mine} == {"/cobuilding/unit/meetings/"}
    per_person = Counter(
        Notification.objects.filter(cause_key__startswith="cobuilding-decision:").values_list(
            "recipient_id", flat=True
        )
    )
    assert set(per_person.values()) == {2}  # each told once per due date, the rerun adds nothing
    assert FanOut.objects.count() == 2
