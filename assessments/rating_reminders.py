"""Reminders to members to rate their community's secretary while a cycle is in phase rating:
exactly once per member and cycle, polled by the beat task `assessments.tasks.send_reminders`
(`remind_raters` runs this part alone).

Exactly once rests on the inbox: a person has at most one notification per cause (unique
recipient + cause), and the cause is `assessment:<cycle>:rate`. Each run picks, in batches,
members of the street's communities with a login who have neither rated (RatingParticipation)
nor a notification of that cause, and writes their notifications through inbox.notify_each in one
transaction per batch. A second run, or two runs at once, find nobody new or have their second
rows refused by the constraint.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tree import paths_q
from inbox.models import Notification
from inbox.services import Message, cause_key, notify_each
from orgchart.models import Member

from .evidence.secretaries import communities
from .models import AssessmentCycle, Phase, RatingParticipation

BATCH = 500


def rate_cause(cycle: AssessmentCycle) -> str:
    return cause_key("assessment", cycle.pk, "rate")


def due_members(cycle: AssessmentCycle, today: dt.date | None = None):
    """Members of the cycle's communities with an active login who have not rated and were not
    yet reminded."""
    today = today or timezone.localdate()
    paths = tuple(org.path for org in communities(cycle.street, today))
    if not paths:
        return Member.objects.none()
    cause = rate_cause(cycle)
    return (
        Member.objects.filter(
            paths_q(paths, "organisation__path"), left_on__isnull=True, user__is_active=True
        )
        .exclude(Exists(RatingParticipation.objects.filter(cycle=cycle, member=OuterRef("pk"))))
        .exclude(Exists(Notification.objects.filter(recipient_id=OuterRef("user_id"), cause_key=cause)))
        .order_by("pk")
    )


def remind_cycle(cycle: AssessmentCycle, today: dt.date | None = None) -> int:
    """Remind the cycle's due members, in batches; returns how many were told."""
    cause = rate_cause(cycle)
    title = _("Please rate your community's secretary (%(cycle)s)") % {"cycle": cycle}
    summary = _("Rating is open. Your rating is anonymous and you can rate once.")
    url = reverse("assessments:rate")
    told = 0
    last_pk = 0
    while True:
        batch = list(due_members(cycle, today).filter(pk__gt=last_pk).values_list("pk", "user_id")[:BATCH])
        if not batch:
            return told
        last_pk = batch[-1][0]
        with transaction.atomic():
            notify_each(
                cause_key("assessment", cycle.pk, f"rate-{last_pk}"),
                [
                    Message(cause=cause, recipient_id=user_id, title=title, summary=summary, url=url)
                    for _pk, user_id in batch
                ],
            )
        told += len(batch)


def remind_raters(today: dt.date | None = None) -> int:
    """Remind the members of every cycle now in phase rating."""
    return sum(
        remind_cycle(cycle, today)
        for cycle in AssessmentCycle.objects.filter(phase=Phase.RATING).select_related("street")
    )
