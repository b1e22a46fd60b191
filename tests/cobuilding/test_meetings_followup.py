"""Following decisions up: the meeting's managers change a decision's text, owner and due date (a
moved date needs a reason and is kept in the history) and reopen a done one (with a reason, the
done record kept in the history); refusals with codes writing nothing; the overdue flag comes
again for a moved date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cobuilding import meetings, meetings_followup, overdue
from cobuilding.models import Decision, DecisionChange, DecisionChangeKind, DecisionStatus
from inbox.models import Notification
from tests.cobuilding.meetings_support import MEETING_DAY, decide, make_meeting
from tests.cobuilding.support import codes
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(street, units):
    hospital = make_agreement(street["community1"], units["hospital"])
    company = make_agreement(street["community1"], units["company"])
    return make_meeting(street["community1"], [hospital, company])


@pytest.fixture
def decision(meeting, units):
    return decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"], text="开放会议室")


def _snapshot(decision: Decision) -> tuple:
    row = Decision.objects.get(pk=decision.pk)
    return (row.text, row.due_on, row.status, row.done_on, row.owner_unit_org_id, row.owner_user_id)


def test_moving_the_due_date_keeps_who_when_old_new_and_reason(decision, roles):
    secretary = roles["community_secretary"]
    meetings_followup.edit_decision(
        decision, actor=secretary, due_on=dt.date(2026, 11, 15), reason="场地装修顺延"
    )
    decision.refresh_from_db()
    assert decision.due_on == dt.date(2026, 11, 15)
    (change,) = decision.changes.all()
    assert change.kind == DecisionChangeKind.DUE and change.changed_by == secretary
    assert (change.old_due_on, change.new_due_on, change.reason) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 15),
        "场地装修顺延",
    )


def test_text_and_owner_change_keeps_what_they_were(decision, units, roles):
    meetings_followup.edit_decision(
        decision,
        actor=roles["street_secretary"],
        text="开放会议室和活动室",
        owner_user=roles["community_secretary"],
    )
    decision.refresh_from_db()
    assert decision.text == "开放会议室和活动室"
    assert decision.owner_user == roles["community_secretary"] and decision.owner_unit_org is None
    (change,) = decision.changes.all()
    assert change.kind == DecisionChangeKind.EDITED
    assert "开放会议室" in change.detail and "区中心医院党委" in change.detail


def test_reopening_clears_the_done_record_and_keeps_it_in_the_history(decision, roles):
    secretary = roles["community_secretary"]
    meetings.complete_decision(decision, actor=secretary, done_on=dt.date(2026, 9, 20), note="已开放")
    meetings_followup.reopen_decision(decision, actor=secretary, reason="实际只开放了一次")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN
    assert (decision.done_on, decision.done_note, decision.done_by) == (None, "", None)
    (change,) = decision.changes.all()
    assert change.kind == DecisionChangeKind.REOPENED and change.reason == "实际只开放了一次"
    assert "2026-09-20" in change.detail and "已开放" in change.detail
    # Done again later: the history keeps the first time.
    meetings.complete_decision(decision, actor=secretary, done_on=dt.date(2026, 10, 1), note="每周开放")
    assert decision.changes.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"due_on": MEETING_DAY - dt.timedelta(days=1), "reason": "提前"}, "due_before_meeting"),
        ({"due_on": dt.date(2026, 12, 1), "reason": ""}, "reason_missing"),
        ({"due_on": dt.date(2026, 12, 1), "reason": "   "}, "reason_missing"),
        ({"text": ""}, "text_missing"),
        ({"text": "x" * 2001}, "too_long"),
        ({}, "no_change"),
        ({"due_on": dt.date(2026, 10, 1), "reason": "同一天"}, "no_change"),
    ],
)
def test_bad_changes_are_refused_and_write_nothing(decision, roles, kwargs, code):
    before = _snapshot(decision)
    with pytest.raises(ValidationError) as refused:
        meetings_followup.edit_decision(decision, actor=roles["community_secretary"], **kwargs)
    assert codes(refused.value) == {code}
    assert _snapshot(decision) == before and not DecisionChange.objects.exists()


def test_an_owner_not_of_the_meeting_is_refused(decision, roles):
    before = _snapshot(decision)
    with pytest.raises(ValidationError) as refused:
        meetings_followup.edit_decision(decision, actor=None, owner_user=roles["member"])
    assert codes(refused.value) == {"unknown_owner"}
    assert _snapshot(decision) == before


def test_a_done_decision_is_reopened_before_it_changes_and_an_open_one_is_not_reopened(decision, roles):
    secretary = roles["community_secretary"]
    with pytest.raises(ValidationError) as not_done:
        meetings_followup.reopen_decision(decision, actor=secretary, reason="重新办理")
    assert codes(not_done.value) == {"not_done"}
    meetings.complete_decision(decision, actor=secretary, done_on=dt.date(2026, 9, 20))
    before = _snapshot(decision)
    with pytest.raises(ValidationError) as done:
        meetings_followup.edit_decision(decision, actor=secretary, due_on=dt.date(2026, 12, 1), reason="顺延")
    assert codes(done.value) == {"done"}
    with pytest.raises(ValidationError) as no_reason:
        meetings_followup.reopen_decision(decision, actor=secretary, reason="")
    assert codes(no_reason.value) == {"reason_missing"}
    assert _snapshot(decision) == before and not DecisionChange.objects.exists()


def test_only_the_meetings_managers_change_or_reopen(decision, units, roles, community2_secretary):
    from cobuilding import services

    contact = UserFactory(username="yiyuan")
    services.add_unit_contact(actor=None, user=contact, unit_org=units["hospital"])
    meetings.complete_decision(decision, actor=contact, note="已开放")  # the owner marks it done
    before = _snapshot(decision)
    for actor in (community2_secretary, roles["member"], contact, roles["outsider"]):
        with pytest.raises(PermissionDenied):
            meetings_followup.reopen_decision(decision, actor=actor, reason="重新办理")
    meetings_followup.reopen_decision(decision, actor=roles["community_secretary"], reason="重新办理")
    before = _snapshot(decision)
    for actor in (community2_secretary, roles["member"], contact, roles["outsider"]):
        with pytest.raises(PermissionDenied):
            meetings_followup.edit_decision(decision, actor=actor, due_on=dt.date(2026, 12, 1), reason="顺延")
    assert _snapshot(decision) == before and decision.changes.count() == 1


def test_a_moved_due_date_is_flagged_again_when_it_passes(decision, units, roles):
    told = Notification.objects.filter(
        cause_key__startswith=f"cobuilding-decision:{decision.pk}:", recipient=roles["community_secretary"]
    )
    assert overdue.flag_overdue(dt.date(2026, 10, 5)) == [decision.pk]
    assert told.count() == 1
    meetings_followup.edit_decision(
        decision, actor=roles["community_secretary"], due_on=dt.date(2026, 10, 20), reason="顺延两周"
    )
    assert overdue.flag_overdue(dt.date(2026, 10, 10)) == []  # not due again yet
    assert overdue.flag_overdue(dt.date(2026, 10, 25)) == [decision.pk]
    assert overdue.flag_overdue(dt.date(2026, 10, 26)) == [decision.pk]  # the next day: no one again
    assert told.count() == 2
    assert sorted("2026-10-20" in n.title for n in told) == [False, True]
