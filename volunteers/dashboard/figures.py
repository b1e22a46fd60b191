"""The figures of one subtree's volunteer service over a date range: totals, a series by month (or
week), and breakdowns by activity kind, by team and by the organisations just below the root.

What is counted (docs/volunteers.md, "Dashboard"):
- the activities organised in the subtree starting in the range (volunteers.queries'
  subtree_signups / subtree_activities: hours count by the organiser's subtree, as everywhere);
- hours: sign-ups credited with hours (queries.CREDITED);
- activities held: activities done;
- sign-ups: places taken (confirmed or offered) on activities not cancelled;
- attendances and no-shows: confirmed sign-ups of done activities, present or recorded absent;
- participants: distinct people present at least once (in the range, the period, the kind, the team);
- attendance rate: attendances / (attendances + no-shows).
Periods and months are local (Asia/Shanghai) time: the truncation runs in the current time zone,
the one the range's bounds are made in. Seven queries whatever the data (six on a leaf).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import Trunc

from activities.models import ActivityKind, ActivityState
from core.tree import path_prefix_q
from orgchart.models import Organisation

from .. import queries
from ..models import PLACE_STATUSES, SignUpStatus

ZERO = queries.ZERO
MONTH, WEEK = "month", "week"
GRANULARITIES = (MONTH, WEEK)

SIGNED_UP = Q(status__in=PLACE_STATUSES) & ~Q(activity__state=ActivityState.CANCELLED)
ATTENDED = Q(status=SignUpStatus.CONFIRMED, activity__state=ActivityState.DONE, no_show=False)
NO_SHOW = Q(status=SignUpStatus.CONFIRMED, activity__state=ActivityState.DONE, no_show=True)


def _measures() -> dict:
    """The sign-up figures, as aggregates over any grouping of sign-ups."""
    return {
        "hours": Sum("hours", filter=queries.CREDITED),
        "signups": Count("pk", filter=SIGNED_UP),
        "attendances": Count("pk", filter=ATTENDED),
        "no_shows": Count("pk", filter=NO_SHOW),
        "participants": Count("person", distinct=True, filter=ATTENDED),
    }


@dataclass
class Figures:
    """Sign-up and activity figures of one slice (everything, a period, a kind, a team)."""

    hours: Decimal = ZERO
    activities: int = 0
    signups: int = 0
    attendances: int = 0
    no_shows: int = 0
    participants: int = 0

    @property
    def attendance_rate(self) -> float | None:
        """Attendances over attendances and no-shows; None when no one was expected."""
        expected = self.attendances + self.no_shows
        return self.attendances / expected if expected else None

    @property
    def is_empty(self) -> bool:
        return not (self.hours or self.activities or self.signups)

    def take(self, row: dict) -> None:
        """Copy the sign-up measures of an aggregate row."""
        self.hours = Decimal(row["hours"] or 0).quantize(ZERO)
        for name in ("signups", "attendances", "no_shows", "participants"):
            setattr(self, name, row[name])


@dataclass
class Period(Figures):
    start: dt.date = dt.date.min
    granularity: str = MONTH

    @property
    def label(self) -> str:
        """2026-03 for a month, the Monday's date (2026-03-02) for a week."""
        return f"{self.start:%Y-%m}" if self.granularity == MONTH else self.start.isoformat()


@dataclass
class KindRow(Figures):
    kind: str = ""

    @property
    def label(self) -> str:
        return str(ActivityKind(self.kind).label)


@dataclass
class TeamRow(Figures):
    team_id: int | None = None  # None: activities of no team
    name: str = ""


@dataclass
class OrganisationRow:
    organisation: Organisation
    hours: Decimal
    own: bool = False  # the root's own activities, not those of an organisation below


@dataclass
class Dashboard:
    root: Organisation
    start: dt.date
    end: dt.date
    granularity: str
    total: Figures
    periods: list[Period] = field(default_factory=list)
    kinds: list[KindRow] = field(default_factory=list)
    teams: list[TeamRow] = field(default_factory=list)
    organisations: list[OrganisationRow] = field(default_factory=list)


def period_starts(start: dt.date, end: dt.date, granularity: str) -> list[dt.date]:
    """The first day of every month (or the Monday of every week) from `start` to `end`."""
    if granularity == WEEK:
        day = start - dt.timedelta(days=start.weekday())
        found = []
        while day <= end:
            found.append(day)
            day += dt.timedelta(days=7)
        return found
    found, year, month = [], start.year, start.month
    while dt.date(year, month, 1) <= end:
        found.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _local_period(field_name: str, granularity: str) -> Trunc:
    # tzinfo left to the current time zone (settings.TIME_ZONE, Asia/Shanghai): the one
    # queries.range_q makes the range's bounds in, so a period and the range agree.
    return Trunc(field_name, granularity, output_field=DateField())


def _period(periods: dict[dt.date, Period], value, granularity: str) -> Period:
    """The period a truncated start falls in (always one of the range's, as the range and the
    truncation use one time zone; added rather than lost if ever not)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return periods.setdefault(day, Period(start=day, granularity=granularity))


def dashboard(root: Organisation, start: dt.date, end: dt.date, granularity: str = MONTH) -> Dashboard:
    """Every figure of `root`'s subtree from `start` to `end` (local dates, both included)."""
    signups = queries.subtree_signups(root, start, end).order_by()
    held = queries.subtree_activities(root, start, end).filter(state=ActivityState.DONE).order_by()

    total = Figures()
    total.take(signups.aggregate(**_measures()))

    periods = {
        day: Period(start=day, granularity=granularity) for day in period_starts(start, end, granularity)
    }
    for row in (
        signups.annotate(period=_local_period("activity__starts_at", granularity))
        .values("period")
        .annotate(**_measures())
    ):
        _period(periods, row["period"], granularity).take(row)

    kinds: dict[str, KindRow] = {}
    for row in signups.values(kind=F("activity__kind")).annotate(**_measures()):
        kinds.setdefault(row["kind"], KindRow(kind=row["kind"])).take(row)

    for row in (
        held.annotate(period=_local_period("starts_at", granularity))
        .values("period", "kind")
        .annotate(n=Count("pk"))
    ):
        _period(periods, row["period"], granularity).activities += row["n"]
        kinds.setdefault(row["kind"], KindRow(kind=row["kind"])).activities += row["n"]
        total.activities += row["n"]

    teams = [
        _team_row(row)
        for row in signups.values(team=F("activity__teams"), team_name=F("activity__teams__name")).annotate(
            **_measures()
        )
    ]

    order = {kind: i for i, kind in enumerate(ActivityKind.values)}
    return Dashboard(
        root=root,
        start=start,
        end=end,
        granularity=granularity,
        total=total,
        periods=sorted(periods.values(), key=lambda p: p.start),
        kinds=sorted(
            (k for k in kinds.values() if not k.is_empty), key=lambda k: order.get(k.kind, len(order))
        ),
        teams=sorted(
            (t for t in teams if not t.is_empty),
            key=lambda t: (t.team_id is None, -t.hours, -t.participants, t.name),
        ),
        organisations=_organisations(root, start, end, total.hours),
    )


def _team_row(row: dict) -> TeamRow:
    team = TeamRow(team_id=row["team"], name=row["team_name"] or "")
    team.take(row)
    return team


def _organisations(root: Organisation, start: dt.date, end: dt.date, total: Decimal) -> list[OrganisationRow]:
    """The organisations just below `root` by hours (their subtrees'), most first, then the root's
    own activities (the rest of the total). Closed organisations only if they have hours."""
    children = list(
        Organisation.objects.filter(path_prefix_q(root.path), depth=root.depth + 1).order_by("path")
    )
    hours = queries.hours_by_organisation(children, start, end)
    rows = [
        OrganisationRow(organisation=child, hours=hours[child.pk])
        for child in children
        if hours[child.pk] or child.closed_on is None
    ]
    rows.sort(key=lambda r: -r.hours)
    own = total - sum((r.hours for r in rows), ZERO)
    if own > 0:
        rows.append(OrganisationRow(organisation=root, hours=own, own=True))
    return rows
