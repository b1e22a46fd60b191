"""三会一课 compliance: meetings held against what the street requires, and members' 学时.

The rule (DOMAIN.md, "Figures from practice"; a street edits its figures in the admin):

- Each party branch (OrgKind.BRANCH) must hold, per period, the organisation-life meetings of
  `DEFAULT_MEETINGS` (or the street's MeetingRequirement rows): a meeting counts when it is an
  activity of kind organisation life, of that meeting type, organised by the branch itself (for
  party-group meetings: by each party group of the branch), in state done, starting within the
  period (local time). Months, quarters and the year are calendar periods.
- A period is finished once its last day is over (`period.end <= as_of`). A finished period with
  fewer meetings than required is short; the period in progress is "pending" until it is met.
- 学时: a member is credited the hours of the sign-ups credited on completed activities of kind
  organisation life and 上门送学 (study delivered to the door, which stands in for the meetings
  a member cannot come to), starting in the year up to `as_of`; hours are those of
  volunteers.SignUp (the activity's length, or as the organiser adjusted them). Members without a
  login have no sign-ups and so 0 学时.
- The yearly 学时 requirement is taken pro rata to date: `yearly × days of the year up to and
  including as_of / days in the year` (the whole figure for a past year).
- A branch is behind when a finished period of any required meeting is short, or when the average
  学时 of its active members (the branch's and its groups') is under the pro-rata requirement. A
  branch with no members is judged on its meetings only.

Attendance (the hours) lives in volunteers/, which builds on this app: `subtree_compliance` takes
the hours as a function, and volunteers.compliance passes the query that reads them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart.models import Member, Organisation, OrgKind

from .models import (
    Activity,
    ActivityKind,
    ActivityState,
    MeetingRequirement,
    MeetingType,
    Period,
    StudyRequirement,
)

BRANCH, GROUP = "branch", "group"
# (meeting type, held by, how many, per): DOMAIN.md "Figures from practice". The party lecture is
# the national minimum (once a year by the secretary; many places ask for it quarterly).
DEFAULT_MEETINGS: tuple[tuple[str, str, int, str], ...] = (
    (MeetingType.MEMBERS_MEETING, BRANCH, 1, Period.QUARTER),
    (MeetingType.COMMITTEE_MEETING, BRANCH, 1, Period.MONTH),
    (MeetingType.GROUP_MEETING, GROUP, 1, Period.MONTH),
    (MeetingType.THEME_DAY, BRANCH, 1, Period.MONTH),
    (MeetingType.PARTY_LECTURE, BRANCH, 1, Period.YEAR),
    (MeetingType.LIFE_MEETING, BRANCH, 1, Period.YEAR),
)
# DOMAIN.md: "members at least 32 学时 a year" (secretaries and committee members 56: not
# distinguished here, the requirement is per member).
DEFAULT_STUDY_HOURS = Decimal("32")
# Activity kinds whose credited hours count as 学时.
STUDY_KINDS = (ActivityKind.ORGANISATION_LIFE, ActivityKind.HOME_STUDY)
ZERO = Decimal("0.0")
TENTH = Decimal("0.1")


# Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodSpan:
    kind: str
    year: int
    index: int  # month 1–12, quarter 1–4, 1 for the year
    start: dt.date
    end: dt.date  # exclusive

    @property
    def key(self) -> str:
        if self.kind == Period.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind == Period.QUARTER:
            return f"{self.year}-Q{self.index}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == Period.MONTH:
            return _("M%(n)s") % {"n": self.index}
        if self.kind == Period.QUARTER:
            return _("Q%(n)s") % {"n": self.index}
        return str(self.year)

    @property
    def months(self) -> range:
        if self.kind == Period.MONTH:
            return range(self.index, self.index + 1)
        if self.kind == Period.QUARTER:
            return range(3 * self.index - 2, 3 * self.index + 1)
        return range(1, 13)

    def finished(self, as_of: dt.date) -> bool:
        return self.end <= as_of


def _first_of(year: int, month: int) -> dt.date:
    return dt.date(year + (month > 12), (month - 1) % 12 + 1, 1)


def periods(kind: str, year: int, as_of: dt.date) -> list[PeriodSpan]:
    """The periods of `kind` in `year` that have started by `as_of`."""
    return list(_periods(kind, year, as_of))


@functools.lru_cache(maxsize=256)
def _periods(kind: str, year: int, as_of: dt.date) -> tuple[PeriodSpan, ...]:
    # The same few calendars for every branch and requirement (spans are frozen: shared safely).
    if kind == Period.MONTH:
        spans = [PeriodSpan(kind, year, m, _first_of(year, m), _first_of(year, m + 1)) for m in range(1, 13)]
    elif kind == Period.QUARTER:
        spans = [
            PeriodSpan(kind, year, q, _first_of(year, 3 * q - 2), _first_of(year, 3 * q + 1))
            for q in range(1, 5)
        ]
    else:
        spans = [PeriodSpan(kind, year, 1, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))]
    return tuple(span for span in spans if span.start <= as_of)


def year_bounds(year: int, as_of: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, the day after `as_of` or 1 January next year) as aware local datetimes."""
    end_day = min(as_of + dt.timedelta(days=1), dt.date(year + 1, 1, 1))
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    return start, timezone.make_aware(dt.datetime.combine(end_day, dt.time.min))


def pro_rata(yearly: Decimal, year: int, as_of: dt.date) -> Decimal:
    """The part of `yearly` due by the end of `as_of` (to one decimal)."""
    days = 366 if calendar.isleap(year) else 365
    elapsed = (min(as_of, dt.date(year, 12, 31)) - dt.date(year, 1, 1)).days + 1
    elapsed = max(0, min(days, elapsed))
    return (yearly * elapsed / days).quantize(TENTH, rounding=ROUND_HALF_UP)


# Requirements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    meeting_type: str
    org_kind: str
    count: int
    period: str

    @property
    def meeting_label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label)


@dataclass(frozen=True)
class Requirements:
    meetings: tuple[Requirement, ...]
    study_hours: Decimal


def street_path(org: Organisation) -> str:
    return org.path[: Organisation.steplen]


def requirements_for(org: Organisation) -> Requirements:
    """The figures of `org`'s street: its rows where it has them, the defaults elsewhere (2 queries)."""
    root = street_path(org)
    rows = {(r.meeting_type, r.org_kind): r for r in MeetingRequirement.objects.filter(street__path=root)}
    meetings = []
    for meeting_type, kind, count, period in DEFAULT_MEETINGS:
        row = rows.get((meeting_type, kind))
        if row is not None:
            count, period = row.count, row.period
        meetings.append(Requirement(str(meeting_type), kind, count, str(period)))
    study = (
        StudyRequirement.objects.filter(street__path=root).values_list("hours_per_year", flat=True).first()
    )
    return Requirements(tuple(meetings), DEFAULT_STUDY_HOURS if study is None else study)


# Evaluation ---------------------------------------------------------------------------------


@dataclass
class Cell:
    period: PeriodSpan
    held: int
    required: int
    finished: bool
    short_groups: int = 0  # for party-group meetings: groups below the count

    @property
    def met(self) -> bool:
        return self.held >= self.required and not self.short_groups

    @property
    def status(self) -> str:
        """ "ok" (met), "short" (finished and not met) or "pending" (in progress, not met yet)."""
        if self.met:
            return "ok"
        return "short" if self.finished else "pending"


@dataclass
class Line:
    requirement: Requirement
    cells: list[Cell]

    @property
    def short_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.status == "short"]


@dataclass
class MemberHours:
    member_id: int
    name: str
    organisation_id: int
    hours: Decimal


@dataclass
class BranchCompliance:
    branch: Organisation
    groups: list[Organisation]
    lines: list[Line]
    members: list[MemberHours]
    yearly_hours: Decimal
    hours_to_date: Decimal  # the pro-rata requirement

    @property
    def average_hours(self) -> Decimal | None:
        if not self.members:
            return None
        total = sum((m.hours for m in self.members), Decimal("0"))
        return (total / len(self.members)).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def study_behind(self) -> bool:
        average = self.average_hours
        return average is not None and average < self.hours_to_date

    @property
    def meetings_behind(self) -> bool:
        return any(line.short_cells for line in self.lines)

    @property
    def behind(self) -> bool:
        return self.meetings_behind or self.study_behind

    def reasons(self) -> list[str]:
        """Why the branch is behind, one sentence per short period and for the 学时."""
        found = [
            _("%(meeting)s %(period)s: %(held)s held, %(required)s required")
            % {
                "meeting": line.requirement.meeting_label,
                "period": cell.period.key,
                "held": cell.held,
                "required": cell.required,
            }
            for line in self.lines
            for cell in line.short_cells
        ]
        if self.study_behind:
            found.append(
                _("Average study hours %(average)s, %(required)s required to date")
                % {"average": self.average_hours, "required": self.hours_to_date}
            )
        return found


def _line(req: Requirement, holders: list[Organisation], held: dict, year: int, as_of: dt.date) -> Line:
    cells = []
    for span in periods(req.period, year, as_of):
        counts = [
            sum(held.get((org.pk, req.meeting_type, month), 0) for month in span.months) for org in holders
        ]
        cells.append(
            Cell(
                period=span,
                held=sum(counts),
                required=req.count * len(holders),
                finished=span.finished(as_of),
                short_groups=sum(1 for n in counts if n < req.count) if req.org_kind == GROUP else 0,
            )
        )
    return Line(req, cells)


def evaluate(
    branch: Organisation,
    groups: list[Organisation],
    requirements: Requirements,
    held: dict[tuple[int, str, int], int],
    members: list[MemberHours],
    year: int,
    as_of: dt.date,
) -> BranchCompliance:
    """One branch's compliance from figures already read (no query)."""
    lines = []
    for req in requirements.meetings:
        holders = [branch] if req.org_kind == BRANCH else groups
        if req.count and holders:
            lines.append(_line(req, holders, held, year, as_of))
    return BranchCompliance(
        branch=branch,
        groups=groups,
        lines=lines,
        members=members,
        yearly_hours=requirements.study_hours,
        hours_to_date=pro_rata(requirements.study_hours, year, as_of),
    )


def meetings_held(root: Organisation, year: int, as_of: dt.date) -> dict[tuple[int, str, int], int]:
    """{(organiser id, meeting type, month): meetings done} in `root`'s subtree (one query)."""
    start, end = year_bounds(year, as_of)
    rows = (
        Activity.objects.in_subtree(root)
        .filter(
            kind=ActivityKind.ORGANISATION_LIFE,
            state=ActivityState.DONE,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .exclude(meeting_type="")
        .annotate(month=ExtractMonth("starts_at"))
        .values("organiser_id", "meeting_type", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["organiser_id"], r["meeting_type"], r["month"]): r["n"] for r in rows}


HoursReader = Callable[[Organisation, dt.datetime, dt.datetime], dict[int, Decimal]]


@dataclass
class SubtreeCompliance:
    root: Organisation
    year: int
    as_of: dt.date
    requirements: Requirements
    branches: list[BranchCompliance] = field(default_factory=list)

    @property
    def behind(self) -> list[BranchCompliance]:
        return [b for b in self.branches if b.behind]


def as_of_for(year: int, today: dt.date | None = None) -> dt.date:
    """The day a year is judged at: today for the current year, 31 December for a past one."""
    today = today or timezone.localdate()
    return min(today, dt.date(year, 12, 31))


def subtree_compliance(
    root: Organisation,
    year: int,
    hours_by_user: HoursReader,
    *,
    as_of: dt.date | None = None,
    branch_ids: Iterable[int] | None = None,
) -> SubtreeCompliance:
    """Every branch in `root`'s subtree (or those of `branch_ids`) judged for `year` as of `as_of`
    (today, or the year's last day). Six queries whatever the number of branches, groups,
    meetings and members; `hours_by_user(root, start, end)` gives {user id: 学时} in one."""
    as_of = as_of or as_of_for(year)
    requirements = requirements_for(root)
    orgs = list(
        Organisation.objects.in_subtree(root)
        .open()
        .filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP))
        .order_by("path")
    )
    wanted = set(branch_ids) if branch_ids is not None else None
    branches = [o for o in orgs if o.kind == OrgKind.BRANCH and (wanted is None or o.pk in wanted)]
    groups_of: dict[int, list[Organisation]] = defaultdict(list)
    branch_of_org: dict[int, int] = {}
    branch_at = {branch.path: branch for branch in branches}
    for branch in branches:
        branch_of_org[branch.pk] = branch.pk
    step = Organisation.steplen
    for org in orgs:  # each group under each branch above it (its ancestors' paths are prefixes)
        if org.kind != OrgKind.GROUP:
            continue
        for end in range(step, len(org.path), step):
            branch = branch_at.get(org.path[:end])
            if branch is not None:
                groups_of[branch.pk].append(org)
                branch_of_org[org.pk] = branch.pk  # the nearest branch, as the deepest comes last
    held = meetings_held(root, year, as_of)
    start, end = year_bounds(year, as_of)
    hours = hours_by_user(root, start, end)
    members_of: dict[int, list[MemberHours]] = defaultdict(list)
    rows = (
        Member.objects.active()
        .in_subtree(root)
        .values_list("pk", "name", "organisation_id", "user_id")
        .order_by("organisation__path", "name", "pk")
    )
    for pk, name, org_id, user_id in rows:
        if org_id not in branch_of_org:  # a branch not asked for, or a closed one
            continue
        members_of[branch_of_org[org_id]].append(
            MemberHours(pk, name, org_id, hours.get(user_id, ZERO) if user_id else ZERO)
        )
    result = SubtreeCompliance(root=root, year=year, as_of=as_of, requirements=requirements)
    for branch in branches:
        result.branches.append(
            evaluate(branch, groups_of[branch.pk], requirements, held, members_of[branch.pk], year, as_of)
        )
    return result
