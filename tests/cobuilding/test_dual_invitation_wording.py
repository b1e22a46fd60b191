"""The dual reporting invitation (双报到 邀请) tells the activity, its time and place and how to sign
up (by when, with the activity's link), in the inbox and by e-mail where the member has an
address (the inbox's fan-out, as every notification); once per member and activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cobuilding import dual
from inbox import services as inbox
from inbox.models import EmailState, FanOut, Notification
from tests.translations import chinese

from .dual_support import employed, reported_in, subtree_activity, unit_branch

pytestmark = pytest.mark.django_db


def test_the_invitation_is_worded_and_e_mailed_once(street, units, roles, django_capture_on_commit_callbacks):
    branch = unit_branch(units)
    start = dt.date(timezone.localdate().year, 1, 1)
    with_mail, without_mail = employed(branch, 1), employed(branch, 2)
    type(with_mail.user).objects.filter(pk=with_mail.user_id).update(email="zz1@example.com")
    type(without_mail.user).objects.filter(pk=without_mail.user_id).update(email="")
    for member in (with_mail, without_mail):
        reported_in(member, street["community1"], reported_on=start)
    activity = subtree_activity(street["branch1"], title="环境整治", place="小区中心花园")
    with django_capture_on_commit_callbacks(execute=False):
        result = dual.invite_not_served(
            actor=roles["community_secretary"], community=street["community1"], activity_id=activity.pk
        )
    assert result.invited == 2
    row = Notification.objects.get(recipient=with_mail.user)
    start_at = timezone.localtime(activity.starts_at)
    deadline = timezone.localtime(activity.signup_deadline or activity.starts_at)
    for part in (
        "环境整治",
        "小区中心花园",
        f"{start_at:%Y-%m-%d %H:%M}",
        f"{deadline:%Y-%m-%d %H:%M}",
        "第1社区党委",
    ):
        assert part in row.summary, part
    assert row.url == f"/volunteers/activities/{activity.pk}/" or row.url.endswith(f"/{activity.pk}/")
    assert row.email_state == EmailState.PENDING
    assert Notification.objects.get(recipient=without_mail.user).email_state == EmailState.NONE
    # The fan-out e-mails it (after commit, on a worker; here run directly).
    assert inbox.run_fanout(FanOut.objects.get().pk) == "done"
    (sent,) = mail.outbox
    assert sent.to == ["zz1@example.com"] and "环境整治" in sent.subject
    assert "小区中心花园" in sent.body and row.url in sent.body
    # Invited again: nobody is told or e-mailed twice.
    again = dual.invite_not_served(
        actor=roles["community_secretary"], community=street["community1"], activity_id=activity.pk
    )
    assert (again.invited, again.already) == (0, 2) and FanOut.objects.count() == 1


def test_the_invitation_wording_reads_in_chinese():
    text = [
        m for m in chinese("meetings") if m.startswith("You reported in to %(community)s where you live, and")
    ]
    assert text and "报名" in chinese("meetings")[text[0]]
