"""Agreements expiring soon, flagged to both sides (the community's and the unit's post-holders).

Run daily by the beat task `cobuilding.tasks.flag_expiring_agreements`. Each person hears of an
agreement's coming end once per end date (the inbox's one row per person and cause), so a rerun,
or a run on the next day, tells no one twice; an agreement extended to a new end date is flagged
again before that date. Outside units have no login: their contact is reached by the community.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import services as inbox
from orgchart import access as org_access

from .models import EXPIRY_NOTICE_DAYS, Agreement


def expiring_agreements(today: dt.date | None = None, days: int = EXPIRY_NOTICE_DAYS):
    """Active agreements whose term ends from today to `days` days ahead."""
    today = today or timezone.localdate()
    return (
        Agreement.objects.active()
        .filter(ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=days))
        .select_related("community", "unit_org", "outside_unit")
        .order_by("ends_on", "pk")
    )


def flag_expiring(today: dt.date | None = None, days: int = EXPIRY_NOTICE_DAYS) -> list[int]:
    """Tell both sides of each agreement expiring soon; returns the agreements' ids."""
    messages: list[inbox.Message] = []
    flagged = []
    index_url = reverse("cobuilding_agreement:index")
    for agreement in expiring_agreements(today, days):
        flagged.append(agreement.pk)
        cause = inbox.cause_key("cobuilding-agreement", agreement.pk, f"ends-{agreement.ends_on:%Y%m%d}")
        title = _("Co-building agreement %(community)s — %(unit)s ends on %(date)s") % {
            "community": agreement.community.name,
            "unit": agreement.unit,
            "date": agreement.ends_on.isoformat(),
        }
        sides = [(org_access.manager_users(agreement.community), index_url)]
        if agreement.unit_org is not None:
            sides.append((org_access.manager_users(agreement.unit_org), ""))
        seen: set[int] = set()
        for users, url in sides:
            for user_id in users.values_list("pk", flat=True):
                if user_id not in seen:
                    seen.add(user_id)
                    messages.append(inbox.Message(cause=cause, recipient_id=user_id, title=title, url=url))
    if messages:
        inbox.notify_each(
            inbox.cause_key("cobuilding-expiry", (today or timezone.localdate()).isoformat()), messages
        )
    return flagged
