"""Joint-meeting decisions past their due date, flagged to their owner and the community.

Run daily by the beat task `cobuilding.tasks.flag_overdue_decisions` (row by migration 0004).
Each person hears of an overdue decision once (cause `cobuilding-decision:<id>:overdue-<due>`,
the inbox keeps one row per person and cause): reruns and the following days tell no one again,
and people already told are left out before anything is written, so a rerun makes no fan-out.
Told: the owner (the owning login; for a unit, its post-holders and its contacts with a login)
and the community's post-holders (and the street's, by orgchart's rule). Managers' notice links
to the admin decisions list, the owners' to the unit side's page (/cobuilding/unit/meetings/).
The cause carries the due date: a decision whose due date is moved after it was flagged is
flagged again once the new date has passed.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import services as inbox
from inbox.models import Notification
from orgchart import access as org_access

from .meetings_access import owner_user_ids
from .models import Decision


def overdue_decisions(today: dt.date | None = None):
    return (
        Decision.objects.overdue(today or timezone.localdate())
        .select_related(
            "meeting__community", "meeting__activity", "owner_user", "owner_unit_org", "owner_outside_unit"
        )
        .order_by("due_on", "pk")
    )


def _cause(decision: Decision) -> str:
    return inbox.cause_key("cobuilding-decision", decision.pk, f"overdue-{decision.due_on:%Y%m%d}")


def flag_overdue(today: dt.date | None = None) -> list[int]:
    """Tell the owner and the community of each overdue decision, once; returns the decisions' ids."""
    today = today or timezone.localdate()
    decisions = list(overdue_decisions(today))
    if not decisions:
        return []
    causes = {d.pk: _cause(d) for d in decisions}
    told = set(
        Notification.objects.filter(cause_key__in=causes.values()).values_list("recipient_id", "cause_key")
    )
    url = reverse("cobuilding_decision:index")
    unit_side_url = reverse("cobuilding_unit_meetings:page")
    messages: list[inbox.Message] = []
    for decision in decisions:
        cause = causes[decision.pk]
        title = _("Joint meeting decision overdue (due %(date)s): %(text)s") % {
            "date": decision.due_on.isoformat(),
            "text": decision.text[:60],
        }
        summary = _("Meeting: %(meeting)s. Owner: %(owner)s.") % {
            "meeting": decision.meeting.activity.title,
            "owner": decision.owner_label,
        }
        managers = set(org_access.manager_users(decision.meeting.community).values_list("pk", flat=True))
        recipients = set(owner_user_ids(decision)) | managers
        for user_id in sorted(recipients):
            if (user_id, cause) not in told:
                # Managers open the admin list; the owners (no admin access) their own page.
                link = url if user_id in managers else unit_side_url
                messages.append(
                    inbox.Message(cause=cause, recipient_id=user_id, title=title, summary=summary, url=link)
                )
    if messages:
        inbox.notify_each(inbox.cause_key("cobuilding-overdue", today.isoformat()), messages)
    return [d.pk for d in decisions]
