"""Personal messages in bulk (notify_each): each person's own row written in the caller's
transaction, once per cause however often it is called, e-mailed once by the batch's fan-out."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from inbox import services
from inbox.models import EmailState, FanOut, FanOutStatus, Notification
from inbox.services import Message

pytestmark = pytest.mark.django_db


def messages(people, detail="60m"):
    return [
        Message(
            f"reminder:{i}:{detail}",
            person.pk,
            f"提醒：活动{i}明天开始",
            "地点：社区党群服务中心",
            f"/a/{i}/",
        )
        for i, person in enumerate(people, start=1)
    ]


def test_each_person_gets_their_own_row_at_once_and_one_email_after(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fanout = services.notify_each("reminder-batch:t1", messages(people))

    rows = Notification.objects.filter(fanout=fanout).order_by("cause_key")
    assert rows.count() == 10 and len(callbacks) == 1  # rows now, e-mail after commit
    one = Notification.objects.get(cause_key="reminder:3:60m")
    assert one.recipient_id == people[2].pk and one.title == "提醒：活动3明天开始" and one.url == "/a/3/"
    assert services.run_fanout(fanout.pk) == "done"
    fanout.refresh_from_db()
    assert fanout.prefilled and fanout.status == FanOutStatus.DONE and fanout.notified_count == 10
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people if u.email)
    assert {m.subject for m in mail.outbox} <= {m.title for m in messages(people)}
    # Run again: nothing more is e-mailed.
    FanOut.objects.filter(pk=fanout.pk).update(status=FanOutStatus.PENDING)
    services.run_fanout(fanout.pk)
    assert len(mail.outbox) == len([u for u in people if u.email])
    assert set(rows.exclude(recipient__email="").values_list("email_state", flat=True)) == {EmailState.SENT}


def test_a_second_call_for_the_same_causes_adds_no_row(people):
    services.notify_each("reminder-batch:t1", messages(people))
    second = services.notify_each("reminder-batch:t2", messages(people))
    assert Notification.objects.count() == 10
    assert not Notification.objects.filter(fanout=second).exists()  # the first rows are kept


def test_bad_messages_write_nothing(people):
    for bad in (
        [Message("not a cause", people[0].pk, "标题")],
        [Message("reminder:1:60m", people[0].pk, "   ")],
        [Message("reminder:1:60m", people[0].pk, "标题", url="https://evil.example/")],
    ):
        with pytest.raises(ValidationError), transaction.atomic():
            services.notify_each("reminder-batch:t1", messages(people[1:]) + bad)
    assert not Notification.objects.exists() and not FanOut.objects.exists()


def test_inactive_people_and_no_messages_are_left_out(people):
    people[0].is_active = False
    people[0].save()
    services.notify_each("reminder-batch:t1", messages(people[:2]))
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [people[1].pk]
    assert services.notify_each("reminder-batch:t2", []) is None


def test_queries_do_not_grow_with_the_number_of_messages(people, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        services.notify_each("reminder-batch:t1", messages(people[:2]))
    with django_assert_max_num_queries(6):
        services.notify_each("reminder-batch:t2", messages(people, detail="24h"))
