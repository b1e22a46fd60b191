"""Joint meetings (共建联席会议): an activity of kind joint_meeting with units, minutes and
decisions; decisions followed to done by the community or their owner; refusals with codes and
nothing written; who sees and who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.models import Activity, ActivityKind
from activities.services import create_activity
from cobuilding import meetings, meetings_access
from cobuilding.models import Decision, DecisionStatus, JointMeeting, MeetingUnit, UnitContact
from tests.cobuilding.meetings_support import MEETING_DAY, at, decide, make_meeting
from tests.cobuilding.support import codes
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import UserFactory, make_post_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(street, units, roles):
    hospital = make_agreement(street["community1"], units["hospital"])
    company = make_agreement(street["community1"], units["company"])
    school_elsewhere = make_agreement(street["community2"], units["school"])
    meeting = make_meeting(street["community1"], [hospital, company])
    return {
        "hospital": hospital,
        "company": company,
        "school_elsewhere": school_elsewhere,
        "meeting": meeting,
    }


def test_a_meeting_is_an_activity_of_the_community_with_its_units(street, setup):
    meeting = setup["meeting"]
    assert meeting.activity.kind == ActivityKind.JOINT_MEETING
    assert meeting.activity.organiser == street["community1"]
    assert meeting.held_on == MEETING_DAY
    assert {u.agreement for u in meeting.units.all()} == {setup["hospital"], setup["company"]}


def test_an_existing_series_occurrence_is_linked_not_copied(street, setup, roles):
    activity = create_activity(
        actor=None,
        organiser=street["community1"],
        kind=ActivityKind.JOINT_MEETING,
        title="每月联席会议",
        place="会议室",
        starts_at=at(dt.date(2026, 10, 8)),
        ends_at=at(dt.date(2026, 10, 8), 15),
        capacity=20,
    )
    meeting = meetings.create_joint_meeting(
        actor=roles["community_secretary"], community=street["community1"], activity=activity
    )
    assert meeting.activity == activity and Activity.objects.count() == 2
    with pytest.raises(ValidationError) as again:
        meetings.create_joint_meeting(actor=None, community=street["community1"], activity=activity)
    assert codes(again.value) == {"already_linked"}
    other = create_activity(
        actor=None,
        organiser=street["community1"],
        kind=ActivityKind.VOLUNTEER_SERVICE,
        title="志愿服务",
        place="广场",
        starts_at=at(dt.date(2026, 10, 9)),
        ends_at=at(dt.date(2026, 10, 9), 15),
        capacity=20,
    )
    with pytest.raises(ValidationError) as wrong:
        meetings.create_joint_meeting(actor=None, community=street["community1"], activity=other)
    assert codes(wrong.value) == {"not_joint_meeting"}


def test_meeting_refusals_write_nothing(street, units, setup, roles, community2_secretary):
    before = (JointMeeting.objects.count(), Activity.objects.count())
    with pytest.raises(ValidationError) as foreign:
        make_meeting(street["community1"], [setup["school_elsewhere"]])
    assert codes(foreign.value) == {"not_partner"}
    draft = make_agreement(street["community1"], units["school"], status="draft")
    with pytest.raises(ValidationError) as not_in_force:
        make_meeting(street["community1"], [draft])
    assert codes(not_in_force.value) == {"not_partner"}
    with pytest.raises(ValidationError) as branch:
        make_meeting(street["branch1"])
    assert codes(branch.value) == {"not_community"}
    with pytest.raises(ValidationError) as untitled:
        make_meeting(street["community1"], title="  ")
    assert codes(untitled.value) == {"required"}
    with pytest.raises(PermissionDenied):
        meetings.create_joint_meeting(
            actor=community2_secretary,
            community=street["community1"],
            title="越权",
            place="x",
            starts_at=at(MEETING_DAY),
            ends_at=at(MEETING_DAY, 15),
        )
    with pytest.raises(PermissionDenied):
        meetings.record_minutes(setup["meeting"], actor=roles["member"], minutes="伪造纪要")
    assert (JointMeeting.objects.count(), Activity.objects.count()) == before


def test_minutes_and_attendance(setup, roles):
    meeting = meetings.record_minutes(
        setup["meeting"], actor=roles["community_secretary"], minutes=" 会议纪要 "
    )
    assert meeting.minutes == "会议纪要"
    row = meetings.record_attendance(
        meeting,
        actor=roles["community_secretary"],
        agreement=setup["hospital"],
        present=False,
        representative="李",
    )
    assert (row.present, row.representative) == (False, "李")
    with pytest.raises(ValidationError) as not_there:
        meetings.record_attendance(meeting, actor=None, agreement=setup["school_elsewhere"], present=True)
    assert codes(not_there.value) == {"not_participant"}


def test_decision_checks(street, units, setup, roles):
    meeting = setup["meeting"]
    owner = roles["community_secretary"]
    cases = [
        (dict(text="  ", due_on=dt.date(2026, 10, 1), owner_user=owner), "text_missing"),
        (dict(text="x", due_on=dt.date(2026, 9, 9), owner_user=owner), "due_before_meeting"),
        (dict(text="x", due_on=None, owner_user=owner), "due_missing"),
        (dict(text="x", due_on=dt.date(2026, 10, 1)), "one_owner"),
        (
            dict(text="x", due_on=dt.date(2026, 10, 1), owner_user=owner, owner_unit_org=units["hospital"]),
            "one_owner",
        ),
        (dict(text="x", due_on=dt.date(2026, 10, 1), owner_user=roles["member"]), "unknown_owner"),
        (dict(text="x", due_on=dt.date(2026, 10, 1), owner_unit_org=units["school"]), "not_participant"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationError) as refused:
            meetings.add_decision(meeting, actor=owner, **kwargs)
        assert codes(refused.value) == {code}, kwargs
    assert not Decision.objects.exists()
    on_the_day = decide(meeting, MEETING_DAY, owner_unit_org=units["hospital"])
    assert on_the_day.owner == units["hospital"]
    by_company = decide(meeting, dt.date(2026, 10, 1), owner_outside_unit=units["company"])
    assert by_company.owner_label == "某科技公司"


def test_a_unit_post_holder_and_a_unit_contact_may_own_a_decision(setup, units):
    unit_secretary = make_post_holder(units["hospital"], "yiyuan")
    contact = UserFactory(username="company_contact")
    UnitContact.objects.create(user=contact, outside_unit=units["company"])
    stranger_unit = make_post_holder(units["school"], "xiaoxue")
    allowed = set(meetings_access.choosable_owner_users(setup["meeting"]).values_list("pk", flat=True))
    assert {unit_secretary.pk, contact.pk} <= allowed
    assert stranger_unit.pk not in allowed


def test_completing_a_decision(street, units, setup, roles):
    meeting = setup["meeting"]
    unit_secretary = make_post_holder(units["hospital"], "yiyuan")
    contact = UserFactory(username="company_contact")
    UnitContact.objects.create(user=contact, outside_unit=units["company"])
    hospital_job = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"])
    company_job = decide(meeting, dt.date(2026, 10, 1), owner_outside_unit=units["company"])
    # The company's contact is not the hospital's owner; a plain member nobody's.
    for user in (contact, roles["member"], roles["outsider"]):
        with pytest.raises(PermissionDenied):
            meetings.complete_decision(hospital_job, actor=user)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as future:
        meetings.complete_decision(hospital_job, actor=unit_secretary, done_on=today + dt.timedelta(days=1))
    assert codes(future.value) == {"done_in_future"}
    with pytest.raises(ValidationError) as early:
        meetings.complete_decision(hospital_job, actor=unit_secretary, done_on=dt.date(2026, 9, 1))
    assert codes(early.value) == {"done_before_meeting"}
    hospital_job.refresh_from_db()
    assert hospital_job.status == DecisionStatus.OPEN and hospital_job.done_on is None
    done = meetings.complete_decision(
        hospital_job, actor=unit_secretary, done_on=dt.date(2026, 9, 30), note="已提供场地"
    )
    assert (done.status, done.done_on, done.done_note, done.done_by) == (
        DecisionStatus.DONE,
        dt.date(2026, 9, 30),
        "已提供场地",
        unit_secretary,
    )
    assert done.done_on_time is True
    with pytest.raises(ValidationError) as twice:
        meetings.complete_decision(hospital_job, actor=roles["community_secretary"])
    assert codes(twice.value) == {"already_done"}
    late = meetings.complete_decision(company_job, actor=contact, done_on=dt.date(2026, 10, 5))
    assert late.done_on_time is False and not late.overdue


def test_a_decision_has_exactly_one_owner_in_the_database(setup, units, roles):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            meeting=setup["meeting"],
            text="x",
            due_on=dt.date(2026, 10, 1),
            owner_user=roles["community_secretary"],
            owner_unit_org=units["hospital"],
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            meeting=setup["meeting"],
            text="x",
            due_on=dt.date(2026, 10, 1),
            status="done",
            owner_user=roles["member"],
        )


def test_who_sees_which_meetings(street, units, setup, roles, community2_secretary):
    theirs = make_meeting(street["community2"], [setup["school_elsewhere"]], title="二社区联席会议")
    hospital_secretary = make_post_holder(units["hospital"], "yiyuan")
    school_secretary = make_post_holder(units["school"], "xiaoxue")
    contact = UserFactory(username="company_contact")
    UnitContact.objects.create(user=contact, outside_unit=units["company"])
    mine = setup["meeting"]

    def seen(user):
        return set(meetings_access.visible_meetings(user))

    assert seen(roles["community_secretary"]) == {mine}
    assert seen(roles["street_secretary"]) == {mine, theirs}
    assert seen(community2_secretary) == {theirs}
    assert seen(hospital_secretary) == {mine}
    assert seen(school_secretary) == {theirs}
    assert seen(contact) == {mine}
    assert seen(roles["member"]) == seen(roles["outsider"]) == set()
    decision = decide(mine, dt.date(2026, 10, 1), owner_user=roles["community_secretary"])
    assert list(meetings_access.visible_decisions(contact)) == [decision]
    assert not meetings_access.visible_decisions(school_secretary).exists()


def test_overdue_decisions(setup, roles):
    today = timezone.localdate()
    meeting = setup["meeting"]
    past = decide(meeting, dt.date(2026, 10, 1), owner_user=roles["community_secretary"])
    future = decide(meeting, today + dt.timedelta(days=10), owner_user=roles["community_secretary"])
    assert past.overdue and not future.overdue
    assert list(Decision.objects.overdue()) == [past]
    meetings.complete_decision(past, actor=None, done_on=today)
    assert not Decision.objects.overdue().exists()
    assert MeetingUnit.objects.filter(meeting=meeting).count() == 2
