"""Activities themselves: bad input, who may create and change them, the list and its filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities import access, queries, services
from activities.models import Activity, ActivityKind, ActivityState, MeetingType
from tests.factories.orgchart import make_post_holder
from tests.factories.volunteers import make_activity

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    starts_at = timezone.now() + dt.timedelta(days=2)
    values = {
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "title": "社区义诊",
        "place": "社区卫生服务站",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=2),
        "capacity": 10,
    }
    values.update(overrides)
    return values


def test_secretary_creates_a_draft_activity_for_their_community(street, roles):
    activity = services.create_activity(
        actor=roles["community_secretary"], organiser=street["community1"], **_fields()
    )
    assert activity.state == ActivityState.DRAFT
    assert activity.created_by == roles["community_secretary"]
    opened = services.open_activity(activity, actor=roles["community_secretary"])
    assert opened.state == ActivityState.OPEN and len(opened.checkin_code) == services.CHECKIN_CODE_LENGTH


def test_activity_ending_before_it_starts_is_refused_and_not_written(street, roles):
    fields = _fields()
    fields["ends_at"] = fields["starts_at"] - dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        services.create_activity(actor=roles["community_secretary"], organiser=street["community1"], **fields)
    assert "ends_at" in exc.value.message_dict
    assert not Activity.objects.exists()


@pytest.mark.parametrize("capacity", [0, -1])
def test_activity_without_places_is_refused(street, roles, capacity):
    with pytest.raises(ValidationError) as exc:
        services.create_activity(
            actor=roles["community_secretary"], organiser=street["community1"], **_fields(capacity=capacity)
        )
    assert "capacity" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_meeting_type_only_for_organisation_life(street, roles):
    with pytest.raises(ValidationError) as exc:
        services.create_activity(
            actor=None, organiser=street["branch1"], **_fields(meeting_type=MeetingType.PARTY_LECTURE)
        )
    assert "meeting_type" in exc.value.message_dict
    lecture = services.create_activity(
        actor=None,
        organiser=street["branch1"],
        **_fields(kind=ActivityKind.ORGANISATION_LIFE, meeting_type=MeetingType.PARTY_LECTURE),
    )
    assert lecture.get_meeting_type_display()


def test_database_refuses_end_before_start_and_no_places(street):
    activity = make_activity(street["community1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(capacity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(ends_at=activity.starts_at)


def test_secretary_cannot_create_for_another_community(street, roles):
    with pytest.raises(PermissionDenied):
        services.create_activity(
            actor=roles["community_secretary"], organiser=street["community2"], **_fields()
        )
    assert not Activity.objects.exists()


def test_secretary_cannot_open_close_or_rotate_another_communitys_activity(street, roles):
    other_sec = make_post_holder(street["community2"], "erqu", branch=street["branch2"])
    activity = make_activity(street["community1"], open_now=False)
    for change in (services.open_activity, services.close_activity, services.rotate_checkin_code):
        with pytest.raises(PermissionDenied):
            change(activity, actor=other_sec)
    assert access.can_manage_activity(roles["street_secretary"], activity)
    assert not access.can_manage_activity(other_sec, activity)


def test_drafts_are_seen_only_by_their_managers(street, roles):
    draft = make_activity(street["community1"], open_now=False)
    published = make_activity(street["community1"], starts_in=dt.timedelta(days=5))
    assert set(access.visible_activities(roles["member"])) == {published}
    assert set(access.visible_activities(roles["community_secretary"])) == {draft, published}


def test_list_filters_by_kind_organisation_and_month(street, roles):
    base = timezone.localtime(timezone.now()).replace(day=15, hour=9, minute=0, second=0, microsecond=0)
    base += dt.timedelta(days=40)
    one = make_activity(street["community1"], starts_at=base)
    two = make_activity(street["community2"], starts_at=base, kind=ActivityKind.RESEARCH_VISIT)
    later = make_activity(street["community1"], starts_at=base + dt.timedelta(days=31))
    user = roles["member"]
    assert set(queries.activity_list(user, kind=ActivityKind.RESEARCH_VISIT)) == {two}
    assert set(queries.activity_list(user, organisation=street["community1"])) == {one, later}
    assert set(queries.activity_list(user, month=(base.year, base.month))) == {one, two}


def test_close_due_signups_closes_open_activities_past_their_deadline_once(street):
    past_deadline = make_activity(
        street["community1"], signup_deadline=timezone.now() + dt.timedelta(hours=1)
    )
    Activity.objects.filter(pk=past_deadline.pk).update(
        signup_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    still_open = make_activity(street["community1"], starts_in=dt.timedelta(days=6))
    draft = make_activity(street["community1"], open_now=False, starts_in=dt.timedelta(days=7))
    assert services.close_due_signups() == [past_deadline.pk]
    assert services.close_due_signups() == []
    states = dict(Activity.objects.values_list("pk", "state"))
    assert states == {past_deadline.pk: "closed", still_open.pk: "open", draft.pk: "draft"}


def test_the_periodic_tasks_are_scheduled():
    from tests.beat import beat_row, interval

    close = beat_row("activities.0003_close_signups_schedule")
    assert close.task == "activities.tasks.close_due_signups" and interval(close) == (5, "minutes")
    offers = beat_row("volunteers.0002_expire_offers_schedule")
    assert offers.task == "volunteers.tasks.expire_offers" and interval(offers) == (1, "minutes")
