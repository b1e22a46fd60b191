"""The demo's 三会一课 (issue 7): twelve months of organisation life in the branches of the first
community, done, with attendance and 学时, so the compliance page has something to show.

- Every branch of the community holds a branch committee meeting (day 5) and a theme party day
  (day 10, 3 h) each month, a members' meeting and a party lecture in the middle month of each
  quarter, the organisation-life meeting in January; each party group meets monthly (day 15).
- Most members attend (a fixed random draw); attendance is check-in with the meeting's length
  credited, as completing the activity would credit it.
- Two branches are behind: the last one skipped its committee meeting two months ago; the one
  before it has poor attendance, so its members' average 学时 is under the pro-rata requirement
  (when the community has a single branch, that branch is the one that skipped).

Hundreds of meetings and thousands of check-ins go in with bulk_create (the services take one
activity and one person at a time and refuse sign-ups for the past). Members of these branches
without a login get one with no usable password (attendance is recorded per login); the member
rows change with a queryset update, so the orgchart figures are retired at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities.models import Activity, ActivityKind, ActivityState, Eligibility, MeetingType
from orgchart.cache import organisation_data_changed
from orgchart.models import Member, Organisation, OrgKind
from volunteers.models import SignUp, SignUpStatus

from ..seed import SeedContext
from ..tables import RANDOM_SEED

COMMUNITY = "SQ01"
MONTHS = 12
ATTENDANCE = 0.85
POOR_ATTENDANCE = 0.2
# (meeting type, day of the month, hours, months of the year it is held in, title)
EVERY_MONTH = tuple(range(1, 13))
QUARTER_MIDDLE = (2, 5, 8, 11)
MEETINGS = (
    (MeetingType.COMMITTEE_MEETING, 5, 2, EVERY_MONTH, "支委会"),
    (MeetingType.THEME_DAY, 10, 3, EVERY_MONTH, "主题党日"),
    (MeetingType.MEMBERS_MEETING, 20, 2, QUARTER_MIDDLE, "党员大会"),
    (MeetingType.PARTY_LECTURE, 25, 2, QUARTER_MIDDLE, "党课"),
    (MeetingType.LIFE_MEETING, 18, 3, (1,), "组织生活会"),
)
GROUP_MEETING = (MeetingType.GROUP_MEETING, 15, 1.5, EVERY_MONTH, "党小组会")


def _months(today: dt.date) -> list[tuple[int, int]]:
    """(year, month) of the past twelve months, this one included, oldest first."""
    found = []
    year, month = today.year, today.month
    for _i in range(MONTHS):
        found.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def _login_for_all(members: list[Member]) -> None:
    """A login (no usable password) for each member without one: attendance is kept per login."""
    User = get_user_model()
    missing = [m for m in members if m.user_id is None]
    users = []
    for member in missing:
        user = User(username=f"dy-{member.pk}")
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    for member, user in zip(missing, users, strict=True):
        member.user = user
    Member.objects.bulk_update(missing, ["user"])


def seed(ctx: SeedContext) -> None:
    rng = random.Random(RANDOM_SEED + 7)
    community = ctx.orgs[COMMUNITY]
    orgs = list(
        Organisation.objects.in_subtree(community)
        .filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP))
        .open()
        .order_by("path")
    )
    branches = [o for o in orgs if o.kind == OrgKind.BRANCH]
    members = list(
        Member.objects.active().in_subtree(community).select_related("organisation").order_by("pk")
    )
    _login_for_all(members)
    skipping = branches[-1] if branches else None
    poor = branches[-2] if len(branches) > 1 else None
    now = timezone.now()
    skipped_month = _months(timezone.localdate())[-3]

    plan: list[tuple[Activity, list[int]]] = []
    for year, month in _months(timezone.localdate()):
        for org in orgs:
            branch = (
                org
                if org.kind == OrgKind.BRANCH
                else next(b for b in branches if org.path.startswith(b.path))
            )
            present_rate = POOR_ATTENDANCE if branch == poor else ATTENDANCE
            meetings = MEETINGS if org.kind == OrgKind.BRANCH else (GROUP_MEETING,)
            people = [m.user_id for m in members if m.organisation.path.startswith(org.path)]
            for meeting_type, day, hours, held_in, title in meetings:
                if month not in held_in:
                    continue
                if (
                    org == skipping
                    and meeting_type == MeetingType.COMMITTEE_MEETING
                    and (year, month) == skipped_month
                ):
                    continue
                starts = timezone.make_aware(dt.datetime(year, month, day, 14, 0))
                ends = starts + dt.timedelta(hours=hours)
                if ends >= now:
                    continue
                activity = Activity(
                    kind=ActivityKind.ORGANISATION_LIFE,
                    meeting_type=meeting_type,
                    organiser=org,
                    title=f"{year}年{month}月{title}",
                    place=f"{branch.name}党员活动室",
                    starts_at=starts,
                    ends_at=ends,
                    capacity=max(1, len(people)),
                    eligibility=Eligibility.SUBTREE,
                    state=ActivityState.DONE,
                )
                present = [pk for pk in people if rng.random() < present_rate]
                plan.append((activity, present))
    Activity.objects.bulk_create([a for a, _present in plan], batch_size=500)
    signups = []
    for activity, present in plan:
        credited = activity.length_hours
        for i, user_id in enumerate(present):
            at = activity.starts_at - dt.timedelta(minutes=10 - i % 10)
            signups.append(
                SignUp(
                    activity=activity,
                    person_id=user_id,
                    status=SignUpStatus.CONFIRMED,
                    queued_at=activity.starts_at - dt.timedelta(days=2),
                    confirmed_at=activity.starts_at - dt.timedelta(days=2),
                    checked_in_at=at,
                    hours=Decimal(credited),
                )
            )
    SignUp.objects.bulk_create(signups, batch_size=2000)
    organisation_data_changed()  # member rows got logins through a queryset update
    ctx.lap("organisation life (三会一课)")
    ctx.figures += [
        ("organisation-life meetings", len(plan)),
        ("organisation-life check-ins", len(signups)),
    ]
