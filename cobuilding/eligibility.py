"""Dual reporting (双报到) opens the residence community's activities to its reported-in members.

Registered in volunteers' member scopes (volunteers.scopes) by CobuildingConfig.ready(): an
activity for "members of the organiser's organisation and below", organised by a community or by
an organisation in its subtree, also admits the members with an open report-in (not ended,
reported in on or before today) to that community — the same activities whose hours queries.py
credits back to the home branch. Organisation life (三会一课) stays with the member's own branch:
a reported-in member is never admitted to another branch's meetings. An ended report-in admits
no one any more.

A filter on Member (an EXISTS subquery), so the sign-up's eligibility check stays one query.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from activities.models import ActivityKind
from orgchart.models import Organisation


def _self_and_ancestors(path: str) -> list[str]:
    step = Organisation.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def reported_in_members_q(activity) -> Q | None:
    """Members reported in to a community whose subtree holds the activity's organiser."""
    from .models import ReportIn

    if activity.kind == ActivityKind.ORGANISATION_LIFE:
        return None
    open_report_in = ReportIn.objects.filter(
        member=OuterRef("pk"),
        ended_on__isnull=True,
        reported_on__lte=timezone.localdate(),
        community__path__in=_self_and_ancestors(activity.organiser.path),
    )
    return Q(Exists(open_report_in))
