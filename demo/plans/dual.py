"""The demo's dual reporting service (双报到, issue 9), called by the co-building plan after the
report-ins: hours served by reported-in members in their residence communities, so both the
community's page (/cobuilding/report-ins/<id>/) and the home branch's show hours.

- The first DUAL_LOGINS reported-in members get a login (`zaizhi01`…, the demo password); the
  rest keep none (the community page says so next to their names).
- Each residence community held a service activity this year (run by its team), finished, in
  which two of every three of its reported-in members with a login served (credited hours); the
  others have not served this year — the community page's filter and invitations have someone to show.
- Each community has an open activity "for the members of the organiser's organisation" coming
  up: reported-in members may sign up (cobuilding.eligibility); the first one did, through the
  sign-up service, which checks it.
- The unit party organisation of the first reported-in member gets a login `danwei` for a
  holder of its post, if it has one, to read its home-branch page; `jiedao` reads every one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, ActivityKind, ActivityState, Eligibility
from cobuilding.models import ReportIn
from orgchart.models import Member, Tenure, current_tenure_q
from volunteers import services as volunteer_services
from volunteers.models import SignUp, SignUpStatus, Team

from ..tables import DEMO_PASSWORD

DUAL_LOGINS = 8
DONE_TITLE = "双报到党员志愿服务：社区义诊咨询"
OPEN_TITLE = "双报到党员进社区：垃圾分类宣传"


def _logins(report_ins: list[ReportIn]) -> list[ReportIn]:
    """Give the first DUAL_LOGINS reported-in members without a login one; the ones with a login."""
    User = get_user_model()
    with_login = []
    for n, report in enumerate(report_ins[:DUAL_LOGINS], start=1):
        member = report.member
        if member.user_id is None:
            user = User.objects.create_user(username=f"zaizhi{n:02d}", password=DEMO_PASSWORD)
            Member.objects.filter(pk=member.pk).update(user=user)
            member.user = user
        with_login.append(report)
    return with_login


def _done_day(report_ins: list[ReportIn], today: dt.date) -> dt.date:
    """A day this year, in the past if the year allows, after every report-in began."""
    latest_start = max(r.reported_on for r in report_ins)
    day = max(today - dt.timedelta(days=10), dt.date(today.year, 1, 1), latest_start)
    return min(day, today)


def seed_dual_service(report_ins: list[ReportIn], unit_orgs) -> dict[str, int]:
    today = timezone.localdate()
    with_login = _logins(report_ins)
    day = _done_day(report_ins, today)
    by_community: dict[int, list[ReportIn]] = {}
    for report in report_ins:
        by_community.setdefault(report.community_id, []).append(report)
    served = 0
    upcoming: dict[int, Activity] = {}
    for reports in by_community.values():
        community = reports[0].community
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
        done = activity_services.create_activity(
            actor=None,
            organiser=community,
            open_now=True,
            kind=ActivityKind.VOLUNTEER_SERVICE,
            title=DONE_TITLE,
            place=f"{community.name}党群服务站",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            capacity=20,
            eligibility=Eligibility.SUBTREE,
        )
        people = [r for r in reports if r in with_login]
        rows = [
            SignUp(
                activity=done,
                person_id=r.member.user_id,
                status=SignUpStatus.CONFIRMED,
                queued_at=starts - dt.timedelta(days=2),
                confirmed_at=starts - dt.timedelta(days=2),
                checked_in_at=starts,
                hours=Decimal("3"),
            )
            for i, r in enumerate(people)
            if i % 3 != 2  # two in three served; the third has not this year
        ]
        SignUp.objects.bulk_create(rows)
        served += len(rows)
        Activity.objects.filter(pk=done.pk).update(state=ActivityState.DONE)
        team = Team.objects.filter(organisation=community).order_by("pk").first()
        if team is not None:  # run by the community's team, as the demo's other service is
            team.activities.add(done)
        coming = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=6), dt.time(9)))
        upcoming[community.pk] = activity_services.create_activity(
            actor=None,
            organiser=community,
            open_now=True,
            kind=ActivityKind.VOLUNTEER_SERVICE,
            title=OPEN_TITLE,
            place=f"{community.name}各小区",
            starts_at=coming,
            ends_at=coming + dt.timedelta(hours=2),
            capacity=15,
            eligibility=Eligibility.SUBTREE,
        )
    first = with_login[0] if with_login else None
    if first is not None:  # signs up through the service: dual reporting admits them
        volunteer_services.sign_up(upcoming[first.community_id], actor=first.member.user)
        _unit_login(first.member, unit_orgs)
    return {"dual logins": len(with_login), "dual hours served": served}


def _unit_login(member: Member, unit_orgs) -> None:
    """A login `danwei` for a post-holder of the member's unit party organisation (if any)."""
    unit = next((u for u in unit_orgs if member.organisation.path.startswith(u.path)), None)
    if unit is None:
        return
    tenure = (
        Tenure.objects.filter(current_tenure_q(), post__organisation=unit, member__user__isnull=True)
        .select_related("member")
        .order_by("pk")
        .first()
    )
    if tenure is None:
        return
    User = get_user_model()
    user = User.objects.create_user(username="danwei", password=DEMO_PASSWORD)
    Member.objects.filter(pk=tenure.member_id).update(user=user)
