"""Dual reporting (双报到) for the community and the home branch: activity invitations to the
reported-in members who have not served this year, and the two reports as workbooks.

- `invitable_activities(community)`: the community's activities a reported-in member may be
  invited to — organised in its subtree, open for sign-up (state open, deadline not passed), not
  organisation life (三会一课 stays with the member's own branch). "Subtree" activities admit
  reported-in members through cobuilding.eligibility; the others are open to them anyway.
- `invite_not_served`: the community's post-holders (cobuilding.access) tell the chosen
  not-served members — or all of them — through the inbox and by e-mail where they have an
  address (inbox.notify_each's fan-out, as every notification): the activity, its time and place,
  how and by when to sign up, with the activity's link (`invitation_summary`). Once per
  member and activity (the inbox's one row per person and cause `cobuilding-invitation:<id>`):
  sending again tells only those not told yet. Refused, writing nothing: an activity not of the
  community or not open (`not_invitable`), a member not on the community's not-served list
  (`unknown_member`, no hint which), nobody chosen (`no_members`).
  A fixed number of queries whatever the number of members.
- `community_workbook` / `home_workbook`: the reports of queries.py as Excel.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from activities.models import Activity, ActivityKind, ActivityState
from core.spreadsheets import safe_row
from core.tree import path_prefix_q
from inbox import services as inbox
from inbox.models import Notification
from orgchart.models import Organisation

from . import access
from .queries import ReportInHours, community_report_ins

INVITATION_CAUSE = "cobuilding-invitation"


def invitable_activities(community: Organisation, now: dt.datetime | None = None) -> QuerySet[Activity]:
    """Open activities of `community`'s subtree a reported-in member may still sign up for."""
    now = now or timezone.now()
    return (
        Activity.objects.filter(path_prefix_q(community.path, "organiser__path"), state=ActivityState.OPEN)
        .exclude(kind=ActivityKind.ORGANISATION_LIFE)
        .filter(Q(signup_deadline__gt=now) | Q(signup_deadline__isnull=True, starts_at__gt=now))
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )


def not_served(rows: list[ReportInHours]) -> list[ReportInHours]:
    """Of a community's report, the members still reported in who have no hours this year."""
    return [row for row in rows if not row.served and row.report_in.is_current]


@dataclass(frozen=True)
class Invitations:
    invited: int  # told now
    already: int  # told of this activity before
    no_login: int  # chosen, but without a login to tell


def invitation_cause(activity: Activity) -> str:
    return inbox.cause_key(INVITATION_CAUSE, activity.pk)


def invitation_summary(community: Organisation, activity: Activity) -> str:
    """The invitation's text: the activity, its time and place, and how to sign up (by when, where:
    the link of the inbox notification and of the e-mail opens the activity's page)."""
    start = timezone.localtime(activity.starts_at)
    end = timezone.localtime(activity.ends_at)
    deadline = timezone.localtime(activity.signup_deadline or activity.starts_at)
    same_day = start.date() == end.date()
    return _(
        "You reported in to %(community)s where you live, and it invites you to take part in "
        "%(title)s. Time: %(start)s to %(end)s. Place: %(place)s. To sign up, open the link below "
        "(the activity page), sign in with your portal account and press the Sign up button by "
        "%(deadline)s. Your hours there are credited to your home branch too."
    ) % {
        "community": community.name,
        "title": activity.title,
        "start": f"{start:%Y-%m-%d %H:%M}",
        "end": f"{end:%H:%M}" if same_day else f"{end:%Y-%m-%d %H:%M}",
        "place": activity.place or "—",
        "deadline": f"{deadline:%Y-%m-%d %H:%M}",
    }


def invite_not_served(
    *,
    actor,
    community: Organisation,
    activity_id,
    member_ids: list[int] | None = None,
    year: int | None = None,
) -> Invitations:
    """Invite the reported-in members of `community` who have not served in `year` (this year by
    default) to an activity of the community: those in `member_ids`, or all of them (None)."""
    if actor is not None and not access.can_manage_org(actor, community):
        raise PermissionDenied(
            _("Only the post-holders of this community or of the street manage its co-building.")
        )
    try:
        activity = invitable_activities(community).filter(pk=int(activity_id)).first()
    except (TypeError, ValueError):
        activity = None
    if activity is None:
        raise ValidationError(
            _("Choose an activity of this community that is open for sign-up."), code="not_invitable"
        )
    rows = not_served(community_report_ins(community, year or timezone.localdate().year))
    if member_ids is not None:
        by_member = {row.report_in.member_id: row for row in rows}
        if not member_ids:
            raise ValidationError(_("Choose at least one member to invite."), code="no_members")
        if any(pk not in by_member for pk in member_ids):
            message = _("Choose members from the list of those who have not served this year.")
            raise ValidationError(message, code="unknown_member")
        rows = [by_member[pk] for pk in dict.fromkeys(member_ids)]
    users = {
        row.report_in.member.user_id
        for row in rows
        if row.report_in.member.user_id is not None and row.report_in.member.left_on is None
    }
    no_login = len(rows) - len(users)
    cause = invitation_cause(activity)
    earlier = Notification.objects.filter(cause_key=cause, recipient_id__in=users)
    told = set(earlier.values_list("recipient_id", flat=True))
    start = timezone.localtime(activity.starts_at)
    title = _("Invitation from %(community)s: %(title)s on %(date)s") % {
        "community": community.name,
        "title": activity.title,
        "date": f"{start:%Y-%m-%d %H:%M}",
    }
    summary = invitation_summary(community, activity)
    url = reverse("volunteers:activity", args=[activity.pk])
    messages = [
        inbox.Message(cause=cause, recipient_id=user_id, title=title, summary=summary, url=url)
        for user_id in sorted(users - told)
    ]
    invited = 0
    if messages:
        batch = timezone.now().strftime("%Y%m%d%H%M%S%f")
        label = inbox.cause_key(INVITATION_CAUSE + "s", activity.pk, batch)
        fanout = inbox.notify_each(label, messages, actor=actor)
        invited = fanout.total if fanout is not None else 0
    return Invitations(invited=invited, already=len(told), no_login=no_login)


# Workbooks ------------------------------------------------------------------------------------


def _workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(safe_row(sheet, headers))
    for row in rows:
        sheet.append(safe_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(row: ReportInHours, place: str) -> list:
    report = row.report_in
    return [
        report.member.name,
        place,
        report.skills,
        report.reported_on,
        report.ended_on,
        float(row.hours),
    ]


def community_workbook(community: Organisation, year: int, rows: list[ReportInHours]) -> bytes:
    headers = [_("Member"), _("Home branch"), _("Skills"), _("Reported in on"), _("Ended on"), _("Hours")]
    return _workbook(
        _("Reported in %(year)s") % {"year": year},
        headers,
        [_row(row, row.report_in.member.organisation.name) for row in rows],
    )


def home_workbook(branch: Organisation, year: int, rows: list[ReportInHours]) -> bytes:
    headers = [
        _("Member"),
        _("Residence community"),
        _("Skills"),
        _("Reported in on"),
        _("Ended on"),
        _("Hours"),
    ]
    return _workbook(
        _("Reported in %(year)s") % {"year": year},
        headers,
        [_row(row, row.report_in.community.name) for row in rows],
    )
