"""Joint meetings (共建联席会议) and their decisions: every change, checked like services.py.

A joint meeting is an activity of kind "joint_meeting" organised by the community (or the
street) — created here through activities.services, or an existing one linked (e.g. an
occurrence of a monthly series made in the activities admin) — plus the units taking part (by
their active agreements with the community), the minutes and the decisions. A decision has one
owner (a login on either side, or a unit taking part), a due date not before the meeting, and is
marked done (with a date and a note) by the community or by its owner.

Each function takes `actor` (None: the system, e.g. the demo) and checks it by
cobuilding.meetings_access; refusals are ValidationError with a code, or PermissionDenied; nothing
is written then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.models import Activity, ActivityKind

from . import meetings_access
from .models import Agreement, AgreementStatus, Decision, DecisionStatus, JointMeeting, MeetingUnit
from .services import _check_manager, _invalid, clean_community, clean_text

DEFAULT_PLACES = 30


def _clean_agreements(community, agreements: Iterable[Agreement]) -> list[Agreement]:
    """Active agreements of `community`: the units taking part."""
    chosen = list(dict.fromkeys(agreements))
    for agreement in chosen:
        if agreement.community_id != community.pk or agreement.status != AgreementStatus.ACTIVE:
            raise _invalid(
                _("Only units with an agreement in force with this community take part."),
                "not_partner",
                "agreements",
            )
    return chosen


def _clean_activity(activity: Activity, community) -> Activity:
    if activity.kind != ActivityKind.JOINT_MEETING or activity.organiser_id != community.pk:
        raise _invalid(
            _("Choose a co-building joint meeting organised by this community."),
            "not_joint_meeting",
            "activity",
        )
    if JointMeeting.objects.filter(activity=activity).exists():
        raise _invalid(_("This activity already has its joint meeting record."), "already_linked", "activity")
    return activity


@transaction.atomic
def create_joint_meeting(
    *,
    actor,
    community,
    agreements: Iterable[Agreement] = (),
    minutes: str = "",
    agenda: str = "",
    activity: Activity | None = None,
    title: str = "",
    place: str = "",
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    capacity: int = DEFAULT_PLACES,
) -> JointMeeting:
    """A joint meeting of `community` with the units of `agreements`: on `activity` (an existing
    joint-meeting activity of the community, e.g. of a series), or on a new one made from
    title, place, start and end."""
    community = clean_community(community)
    _check_manager(actor, community)
    chosen = _clean_agreements(community, agreements)
    minutes = clean_text(minutes, "minutes", max_length=20000)
    agenda = clean_text(agenda, "agenda", max_length=2000)
    if activity is not None:
        activity = _clean_activity(activity, community)
    else:
        title = clean_text(title, "title", required=True, max_length=120)
        if starts_at is None or ends_at is None:
            raise _invalid(_("Give the meeting's start and end."), "time_missing", "starts_at")
        activity = activity_services.create_activity(
            actor=actor,
            organiser=community,
            kind=ActivityKind.JOINT_MEETING,
            title=title,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
        )
    meeting = JointMeeting.objects.create(
        activity=activity,
        community=community,
        minutes=minutes,
        agenda=agenda,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    MeetingUnit.objects.bulk_create([MeetingUnit(meeting=meeting, agreement=a) for a in chosen])
    return meeting


def _require_manager(actor, meeting: JointMeeting) -> None:
    if actor is not None and not meetings_access.can_manage_meeting(actor, meeting):
        raise PermissionDenied(
            _("Only the post-holders of this community or of the street manage its meetings.")
        )


@transaction.atomic
def record_minutes(meeting: JointMeeting, *, actor, minutes: str) -> JointMeeting:
    _require_manager(actor, meeting)
    meeting.minutes = clean_text(minutes, "minutes", max_length=20000)
    meeting.save(update_fields=["minutes", "updated_at"])
    return meeting


@transaction.atomic
def record_attendance(
    meeting: JointMeeting, *, actor, agreement: Agreement, present: bool, representative: str = ""
) -> MeetingUnit:
    """Whether a unit's representative came (and who): the unit's attendance at the meeting."""
    _require_manager(actor, meeting)
    row = MeetingUnit.objects.filter(meeting=meeting, agreement=agreement).first()
    if row is None:
        raise _invalid(_("This unit does not take part in the meeting."), "not_participant", "agreement")
    row.present = bool(present)
    row.representative = clean_text(representative, "representative", max_length=50)
    row.save(update_fields=["present", "representative"])
    return row


def _clean_owner(meeting: JointMeeting, owner_user, owner_unit_org, owner_outside_unit) -> None:
    if sum(x is not None for x in (owner_user, owner_unit_org, owner_outside_unit)) != 1:
        raise _invalid(_("Choose one owner: a person or a unit taking part."), "one_owner", "owner")
    if owner_user is not None:
        if not meetings_access.choosable_owner_users(meeting).filter(pk=owner_user.pk).exists():
            raise _invalid(
                _(
                    "The owner must be a post-holder of the community or of a unit taking part, "
                    "or a unit's contact."
                ),
                "unknown_owner",
                "owner",
            )
        return
    units = MeetingUnit.objects.filter(meeting=meeting)
    if owner_unit_org is not None:
        units = units.filter(agreement__unit_org=owner_unit_org)
    else:
        units = units.filter(agreement__outside_unit=owner_outside_unit)
    if not units.exists():
        raise _invalid(_("The owning unit must take part in the meeting."), "not_participant", "owner")


@transaction.atomic
def add_decision(
    meeting: JointMeeting,
    *,
    actor,
    text: str,
    due_on: dt.date | None,
    owner_user=None,
    owner_unit_org=None,
    owner_outside_unit=None,
) -> Decision:
    """A decision of the meeting: what, who answers for it, by when (not before the meeting)."""
    _require_manager(actor, meeting)
    text = clean_text(text, "text", max_length=2000)
    if not text:
        raise _invalid(_("Write what was decided."), "text_missing", "text")
    _clean_owner(meeting, owner_user, owner_unit_org, owner_outside_unit)
    if due_on is None:
        raise _invalid(_("Give the date by which it is to be done."), "due_missing", "due_on")
    if due_on < meeting.held_on:
        raise _invalid(_("The due date cannot be before the meeting."), "due_before_meeting", "due_on")
    return Decision.objects.create(
        meeting=meeting,
        text=text,
        due_on=due_on,
        owner_user=owner_user,
        owner_unit_org=owner_unit_org,
        owner_outside_unit=owner_outside_unit,
    )


@transaction.atomic
def complete_decision(
    decision: Decision, *, actor, done_on: dt.date | None = None, note: str = ""
) -> Decision:
    """Mark a decision done on `done_on` (today if empty) with a note of what was done: by the
    community's managers or the decision's owner. Not in the future, not before the meeting."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("meeting__activity", "meeting__community")
        .get(pk=decision.pk)
    )
    if actor is not None and not meetings_access.can_complete_decision(actor, decision):
        raise PermissionDenied(_("Only the community or the decision's owner marks it done."))
    if decision.status == DecisionStatus.DONE:
        raise _invalid(_("This decision is already done."), "already_done")
    today = timezone.localdate()
    done_on = done_on or today
    if done_on > today:
        raise _invalid(_("The date it was done cannot be in the future."), "done_in_future", "done_on")
    if done_on < decision.meeting.held_on:
        raise _invalid(_("A decision cannot be done before the meeting."), "done_before_meeting", "done_on")
    decision.status = DecisionStatus.DONE
    decision.done_on = done_on
    decision.done_note = clean_text(note, "note", max_length=2000)
    decision.done_by = actor if actor is not None and actor.is_authenticated else None
    decision.save(update_fields=["status", "done_on", "done_note", "done_by"])
    return decision
