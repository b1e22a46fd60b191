"""Reads of dual reporting (双报到) shared by pages, the API and figures: reported-in members with
the service hours they gave where they live, seen from the residence community and credited back
to the home branch.

Hours count when credited (volunteers' rule: a confirmed sign-up with hours) on an activity
organised in the residence community's subtree, starting on a day the report-in was open
(reported_on to ended_on, or on) and inside the range asked. Two queries whatever the number of
members, report-ins or sign-ups: the report-ins, then the credited sign-ups of their members on
their communities' activities (summed here, where the open days of each report-in are known).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from core.tree import path_within, paths_q
from orgchart.models import Organisation
from volunteers.models import SignUp
from volunteers.queries import CREDITED, ZERO, range_q

from .models import (
    Agreement,
    AgreementStatus,
    Decision,
    DecisionStatus,
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    ReportIn,
    Resource,
)


@dataclass(frozen=True)
class ReportInHours:
    report_in: ReportIn
    hours: Decimal

    @property
    def served(self) -> bool:
        return self.hours > 0


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _open_in(start: dt.date, end: dt.date) -> Q:
    return Q(reported_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


def with_hours(report_ins: list[ReportIn], start: dt.date, end: dt.date) -> list[ReportInHours]:
    """Each report-in with the hours its member gave in its community while it was open (one query)."""
    users = {r.member.user_id for r in report_ins if r.member.user_id}
    totals = {r.pk: ZERO for r in report_ins}
    if users:
        rows = SignUp.objects.filter(
            CREDITED,
            range_q(start, end),
            paths_q({r.community.path for r in report_ins}, "activity__organiser__path"),
            person_id__in=users,
        ).values_list("person_id", "activity__organiser__path", "activity__starts_at", "hours")
        by_user: dict[int, list[ReportIn]] = {}
        for report in report_ins:
            by_user.setdefault(report.member.user_id, []).append(report)
        for person_id, organiser_path, starts_at, hours in rows:
            day = timezone.localdate(starts_at)
            for report in by_user.get(person_id, ()):
                if (
                    path_within(organiser_path, (report.community.path,))
                    and report.reported_on <= day
                    and (report.ended_on is None or day <= report.ended_on)
                ):
                    totals[report.pk] += hours
    return [ReportInHours(r, totals[r.pk].quantize(ZERO)) for r in report_ins]


def community_report_ins(community: Organisation, year: int) -> list[ReportInHours]:
    """Members reported in to `community` (its subtree) during `year`, with their hours there:
    who has served and who has not (hours 0)."""
    start, end = _year(year)
    rows = list(
        ReportIn.objects.in_subtree(community)
        .filter(_open_in(start, end))
        .select_related("member__organisation", "community")
        .order_by("member__name", "pk")
    )
    return with_hours(rows, start, end)


def home_branch_report_ins(branch: Organisation, year: int) -> list[ReportInHours]:
    """The members of `branch` (its subtree) reported in somewhere during `year`, with the hours
    they gave where they live: what the home branch sees its members did."""
    start, end = _year(year)
    rows = list(
        ReportIn.objects.filter(paths_q([branch.path], "member__organisation__path"))
        .filter(_open_in(start, end))
        .select_related("member__organisation", "community")
        .order_by("member__name", "pk")
    )
    return with_hours(rows, start, end)


# Street figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreetFigures:
    agreements_active: int
    resources_by_kind: dict[str, int]
    needs_open: int
    needs_met: int
    projects_done: int
    report_ins_current: int
    # Joint-meeting decisions due in the period (up to today), and those of them done by their due date.
    decisions_due: int = 0
    decisions_done_on_time: int = 0

    @property
    def decisions_on_time_rate(self) -> float | None:
        """Decisions done on time over decisions due; None when none was due."""
        return self.decisions_done_on_time / self.decisions_due if self.decisions_due else None


def decisions_on_time(root: Organisation, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(due, done on time) over the joint-meeting decisions of `root`'s subtree due from `start`
    to `end`: done on time when done_on ≤ due_on. One query."""
    row = (
        Decision.objects.in_subtree(root)
        .filter(due_on__gte=start, due_on__lte=end)
        .aggregate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status=DecisionStatus.DONE, done_on__lte=F("due_on"))),
        )
    )
    return row["due"], row["on_time"]


def street_figures(
    root: Organisation, today: dt.date | None = None, period: tuple[dt.date, dt.date] | None = None
) -> StreetFigures:
    """Co-building figures of `root`'s subtree (a street, or a community): agreements in force
    today, resources on the lists by kind, needs open / met, projects done, members reported in,
    and joint-meeting decisions done on time among those due in `period` (default: this year up
    to today; a decision not yet due does not count). Six queries whatever the number of rows."""
    today = today or timezone.localdate()
    start, end = period or (dt.date(today.year, 1, 1), today)
    decisions_due, decisions_in_time = decisions_on_time(root, start, min(end, today))
    agreements = (
        Agreement.objects.in_subtree(root)
        .filter(status=AgreementStatus.ACTIVE, starts_on__lte=today, ends_on__gte=today)
        .count()
    )
    by_kind = dict(
        Resource.objects.in_subtree(root).values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    needs = Need.objects.in_subtree(root).aggregate(
        open=Count("pk", filter=Q(status=NeedStatus.OPEN)), met=Count("pk", filter=Q(status=NeedStatus.MET))
    )
    done = Project.objects.in_subtree(root).filter(status=ProjectStatus.DONE).count()
    current = ReportIn.objects.in_subtree(root).current().count()
    return StreetFigures(
        agreements, by_kind, needs["open"], needs["met"], done, current, decisions_due, decisions_in_time
    )
