"""Inviting the co-building units to a joint meeting, and the units' answers.

- `invite_units(meeting, actor, agenda=None)`: the meeting's managers, before the meeting starts,
  tell the people who speak for each unit taking part (its contacts with a login and the holders
  of a current post in its unit party organisation: cobuilding.meetings_access.unit_speaker_ids)
  through the inbox — and by e-mail where they have an address, as every inbox notification —
  with the date, place and agenda and a link to the unit side's page. Once per person and
  meeting (cause `cobuilding-meeting:<id>:invitation`): inviting again tells only those not told
  yet. Refused, writing nothing: the meeting has started (`meeting_started`), no unit takes part
  (`no_units`).
- `answer_invitation(unit, actor, attend, name)`: someone who speaks for the unit answers, until
  the meeting starts: will attend (with the representative's name, which pre-fills the
  attendance record) or cannot attend. The managers still record `present` after the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import services as inbox
from inbox.models import Notification

from . import meetings_access
from .meetings import _require_manager
from .models import JointMeeting, MeetingUnit, ReplyChoice
from .services import _invalid, clean_text

INVITATION_CAUSE = "cobuilding-meeting"


@dataclass(frozen=True)
class UnitInvitations:
    invited: int  # people told now
    already: int  # people told of this meeting before
    units_without_anyone: int  # units with no contact login and no post-holder to tell


def invitation_cause(meeting: JointMeeting) -> str:
    return inbox.cause_key(INVITATION_CAUSE, meeting.pk, "invitation")


def _started(meeting: JointMeeting) -> bool:
    return meeting.activity.starts_at <= timezone.now()


def invitation_text(meeting: JointMeeting) -> tuple[str, str]:
    """(title, summary) of the invitation: who meets, when, where, about what, how to answer."""
    start = timezone.localtime(meeting.activity.starts_at)
    end = timezone.localtime(meeting.activity.ends_at)
    title = _("Invitation to the co-building joint meeting of %(community)s on %(date)s") % {
        "community": meeting.community.name,
        "date": f"{start:%Y-%m-%d}",
    }
    summary = _(
        "%(title)s. Time: %(start)s to %(end)s. Place: %(place)s. Agenda: %(agenda)s. "
        "Please answer whether your unit will attend, and who will represent it, on your unit's "
        "meetings page (link below)."
    ) % {
        "title": meeting.activity.title,
        "start": f"{start:%Y-%m-%d %H:%M}",
        "end": f"{end:%H:%M}",
        "place": meeting.activity.place or "—",
        "agenda": meeting.agenda or "—",
    }
    return title, summary


@transaction.atomic
def invite_units(meeting: JointMeeting, *, actor, agenda: str | None = None) -> UnitInvitations:
    """Invite the units taking part (their contacts and post-holders), once per person; `agenda`,
    when given, is saved on the meeting first."""
    meeting = (
        JointMeeting.objects.select_for_update(of=("self",))
        .select_related("activity", "community")
        .get(pk=meeting.pk)
    )
    _require_manager(actor, meeting)
    if _started(meeting):
        raise _invalid(_("The meeting has started: invitations go out before it."), "meeting_started")
    units = list(meeting.units.select_related("agreement"))
    if not units:
        raise _invalid(_("No unit takes part in this meeting: choose the units first."), "no_units")
    if agenda is not None:
        meeting.agenda = clean_text(agenda, "agenda", max_length=2000)
        meeting.save(update_fields=["agenda", "updated_at"])
    speakers = meetings_access.unit_speaker_ids(units)
    users = set().union(*speakers.values())
    cause = invitation_cause(meeting)
    told = set(
        Notification.objects.filter(cause_key=cause, recipient_id__in=users).values_list(
            "recipient_id", flat=True
        )
    )
    title, summary = invitation_text(meeting)
    url = reverse("cobuilding_unit_meetings:page")
    messages = [
        inbox.Message(cause=cause, recipient_id=user_id, title=title, summary=summary, url=url)
        for user_id in sorted(users - told)
    ]
    invited = 0
    if messages:
        batch = timezone.now().strftime("%Y%m%d%H%M%S%f")
        fanout = inbox.notify_each(
            inbox.cause_key(INVITATION_CAUSE + "-invitations", meeting.pk, batch), messages, actor=actor
        )
        invited = fanout.total if fanout is not None else 0
    return UnitInvitations(
        invited=invited,
        already=len(told),
        units_without_anyone=sum(1 for ids in speakers.values() if not ids),
    )


@transaction.atomic
def answer_invitation(unit: MeetingUnit, *, actor, attend: bool, name: str = "") -> MeetingUnit:
    """The unit's answer: attending (with the representative's name) or not; changeable until the
    meeting starts. Attending pre-fills the representative (and present); not attending clears
    present, which the managers confirm after the meeting."""
    unit = (
        MeetingUnit.objects.select_for_update(of=("self",))
        .select_related("meeting__activity", "agreement")
        .get(pk=unit.pk)
    )
    if actor is not None:
        orgs, outside = meetings_access.spoken_units(actor)
        if unit.agreement.unit_org_id not in orgs and unit.agreement.outside_unit_id not in outside:
            raise PermissionDenied(_("Only the unit's contacts and post-holders answer its invitation."))
    if _started(unit.meeting):
        raise _invalid(_("The meeting has started: the answer can no longer be changed."), "meeting_started")
    name = clean_text(name, "name", max_length=50)
    if attend and not name:
        raise _invalid(_("Give the name of the representative who will attend."), "name_missing", "name")
    unit.reply = ReplyChoice.ATTEND if attend else ReplyChoice.ABSENT
    unit.reply_name = name if attend else ""
    unit.replied_by = actor if actor is not None and actor.is_authenticated else None
    unit.replied_at = timezone.now()
    unit.present = bool(attend)
    if attend:
        unit.representative = name
    unit.save(update_fields=["reply", "reply_name", "replied_by", "replied_at", "present", "representative"])
    return unit
