"""Inviting the units to a joint meeting: each unit's contacts and post-holders told once per
person and meeting (inbox and e-mail) with date, place and agenda; the unit answers attend (with
its representative, pre-filling the attendance) or not; refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cobuilding import meetings, meetings_invites, services
from cobuilding.models import MeetingUnit, ReplyChoice
from inbox import services as inbox
from inbox.models import FanOut, Notification
from tests.cobuilding.meetings_support import make_meeting
from tests.cobuilding.support import codes
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import UserFactory, make_post_holder

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + dt.timedelta(days=7)


@pytest.fixture
def people(units):
    hospital_contact = UserFactory(username="yiyuan", email="yiyuan@example.com")
    services.add_unit_contact(actor=None, user=hospital_contact, unit_org=units["hospital"])
    company_contact = UserFactory(username="gongsi", email="")
    services.add_unit_contact(actor=None, user=company_contact, outside_unit=units["company"])
    hospital_secretary = make_post_holder(units["hospital"], "yiyuanshuji")
    school_contact = UserFactory(username="xuexiao")
    services.add_unit_contact(actor=None, user=school_contact, unit_org=units["school"])
    return {
        "hospital_contact": hospital_contact,
        "company_contact": company_contact,
        "hospital_secretary": hospital_secretary,
        "school_contact": school_contact,
    }


@pytest.fixture
def meeting(street, units):
    hospital = make_agreement(street["community1"], units["hospital"])
    company = make_agreement(street["community1"], units["company"])
    make_agreement(street["community1"], units["school"])  # a partner not at this meeting
    return make_meeting(street["community1"], [hospital, company], day=SOON, agenda="停车泊位共享")


def _told(meeting) -> set[int]:
    cause = meetings_invites.invitation_cause(meeting)
    return set(Notification.objects.filter(cause_key=cause).values_list("recipient_id", flat=True))


def test_each_units_people_are_invited_once_with_date_place_and_agenda(
    meeting, people, roles, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        sent = meetings_invites.invite_units(meeting, actor=roles["community_secretary"])
    expected = {people["hospital_contact"].pk, people["company_contact"].pk, people["hospital_secretary"].pk}
    assert _told(meeting) == expected  # not the school's contact, not the street's secretary
    assert (sent.invited, sent.already, sent.units_without_anyone) == (3, 0, 0)
    row = Notification.objects.get(recipient=people["hospital_contact"])
    assert f"{SOON:%Y-%m-%d}" in row.title and "第1社区党委" in row.title
    assert "社区会议室" in row.summary and "停车泊位共享" in row.summary and "14:00" in row.summary
    assert row.url == "/cobuilding/unit/meetings/"
    # E-mailed where there is an address, by the inbox's fan-out.
    assert inbox.run_fanout(FanOut.objects.get().pk) == "done"
    assert [m.to for m in mail.outbox] == [["yiyuan@example.com"]]
    assert "停车泊位共享" in mail.outbox[0].body and "/cobuilding/unit/meetings/" in mail.outbox[0].body
    # Again: nobody told twice, and a new contact is told.
    late = UserFactory(username="yiyuan2")
    services.add_unit_contact(actor=None, user=late, unit_org=meeting.units.first().agreement.unit_org)
    again = meetings_invites.invite_units(
        meeting, actor=roles["street_secretary"], agenda="停车泊位共享及义诊"
    )
    assert (again.invited, again.already) == (1, 3)
    assert Notification.objects.filter(recipient=people["hospital_contact"]).count() == 1
    meeting.refresh_from_db()
    assert meeting.agenda == "停车泊位共享及义诊"


def test_invitations_are_refused_after_the_start_without_units_or_by_others(
    street, units, meeting, people, roles, community2_secretary
):
    for actor in (community2_secretary, roles["member"], people["hospital_contact"]):
        with pytest.raises(PermissionDenied):
            meetings_invites.invite_units(meeting, actor=actor, agenda="改")
    past = make_meeting(street["community1"], [meeting.units.first().agreement], day=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError) as started:
        meetings_invites.invite_units(past, actor=None)
    assert codes(started.value) == {"meeting_started"}
    empty = make_meeting(street["community1"], [], day=SOON)
    with pytest.raises(ValidationError) as no_units:
        meetings_invites.invite_units(empty, actor=None)
    assert codes(no_units.value) == {"no_units"}
    meeting.refresh_from_db()
    assert meeting.agenda == "停车泊位共享"
    assert not Notification.objects.exists() and not FanOut.objects.exists()


def test_a_unit_answers_and_its_representative_is_prefilled(meeting, units, people, roles):
    place = meeting.units.get(agreement__unit_org=units["hospital"])
    meetings_invites.answer_invitation(place, actor=people["hospital_secretary"], attend=True, name="李主任")
    place.refresh_from_db()
    assert (place.reply, place.reply_name, place.representative, place.present) == (
        ReplyChoice.ATTEND,
        "李主任",
        "李主任",
        True,
    )
    assert place.replied_by == people["hospital_secretary"] and place.replied_at is not None
    company = meeting.units.get(agreement__outside_unit=units["company"])
    meetings_invites.answer_invitation(company, actor=people["company_contact"], attend=False)
    company.refresh_from_db()
    assert (company.reply, company.present) == (ReplyChoice.ABSENT, False)
    # After the meeting the community still records who was present.
    meetings.record_attendance(
        meeting,
        actor=roles["community_secretary"],
        agreement=company.agreement,
        present=True,
        representative="王经理",
    )
    company.refresh_from_db()
    assert company.present and company.reply == ReplyChoice.ABSENT


def test_bad_answers_write_nothing(street, meeting, units, people, roles):
    place = meeting.units.get(agreement__unit_org=units["hospital"])
    with pytest.raises(ValidationError) as no_name:
        meetings_invites.answer_invitation(place, actor=people["hospital_contact"], attend=True, name=" ")
    assert codes(no_name.value) == {"name_missing"}
    for actor in (
        people["school_contact"],
        people["company_contact"],
        roles["community_secretary"],
        roles["member"],
    ):
        with pytest.raises(PermissionDenied):
            meetings_invites.answer_invitation(place, actor=actor, attend=True, name="冒名")
    past = make_meeting(street["community1"], [place.agreement], day=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError) as started:
        meetings_invites.answer_invitation(past.units.get(), actor=people["hospital_contact"], attend=False)
    assert codes(started.value) == {"meeting_started"}
    assert not MeetingUnit.objects.exclude(reply="").exists()
