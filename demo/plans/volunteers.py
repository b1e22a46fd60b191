"""The demo's volunteer service (issue 7): teams, registered volunteers with logins, and
activities around today — two done (check-ins, hours, a no-show, an adjusted hour), one full with
a waiting list, a home study visit, a party lecture (三会一课) and a draft — two recurring series of
the first community, generated ahead (社区环境整治 every Saturday morning and 上门送学 on the first
Saturday of each month, with a few sign-ups on their first occurrences), and a year of service
behind them (twelve months of done activities in three communities, each run by its team, and the
street's task team's visits), so the dashboard has months, kinds, teams and organisations to
compare. Members taking part in that year get a login with no usable password.

Activities are made through activities.services, series through volunteers.series.create_series
and future sign-ups through volunteers.services.sign_up (so the demo obeys the same rules);
finished activities' sign-ups are written straight, as services refuse to sign up for the past.
Times are relative to now, so the demo always has something coming up.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, ActivityKind, ActivityState, Eligibility, MeetingType
from orgchart.cache import organisation_data_changed
from orgchart.models import Member
from volunteers import series as series_services
from volunteers import services
from volunteers.models import HoursAdjustment, SignUp, SignUpStatus, Team, TeamKind, Volunteer

from ..seed import SeedContext
from ..tables import DEMO_PASSWORD, RANDOM_SEED

VOLUNTEERS = (
    ("zhiyuanzhe", "陈秀英", "13700000101", "理发、量血压"),
    ("zhiyuan02", "刘建华", "13700000102", "水电维修"),
    ("zhiyuan03", "周晓梅", "13700000103", "文艺演出、摄影"),
)
EXTRA_LOGINS = 8  # members of the first community who get a login to fill the demo's activities

# The year of service: communities with a team, the activities each holds every month (kind, day,
# hour, hours, title), the street task team's visits (every third month) and attendance.
SERVICE_COMMUNITIES = ("SQ01", "SQ02", "SQ03")
SERVICE_MONTHS = 12
SERVICE_PEOPLE = 14  # members of each community who take part
SERVICE_PLAN = (
    (ActivityKind.VOLUNTEER_SERVICE, 7, 9, 2, "楼道环境清洁"),
    (ActivityKind.PIONEER, 21, 8, 3, "党员先锋岗：文明交通引导"),
)
STREET_VISIT = (ActivityKind.RESEARCH_VISIT, 12, 14, 2, "攻坚走访：老旧小区加装电梯意愿调查")
SERVICE_ATTENDANCE = 0.85


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _activity(organiser, *, days: int, hour: int = 9, hours: int = 2, **fields):
    values = {
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "place": f"{organiser.name}活动室",
        "starts_at": _at(days, hour),
        "ends_at": _at(days, hour) + dt.timedelta(hours=hours),
        "capacity": 10,
        "eligibility": Eligibility.ANYONE,
    }
    values.update(fields)
    open_now = values.pop("open_now", True)
    return activity_services.create_activity(actor=None, organiser=organiser, open_now=open_now, **values)


def _member_logins(community) -> list:
    User = get_user_model()
    members = list(
        Member.objects.active().in_subtree(community).filter(user__isnull=True).order_by("pk")[:EXTRA_LOGINS]
    )
    users = []
    for n, member in enumerate(members, start=1):
        user = User.objects.create_user(username=f"dy{n:02d}", password=DEMO_PASSWORD)
        Member.objects.filter(pk=member.pk).update(user=user)
        users.append(user)
    return users


def _done(activity, people, *, no_show=(), adjust=None) -> None:
    """A finished activity: everyone confirmed, those present checked in and credited."""
    start = activity.starts_at
    rows = [
        SignUp(
            activity=activity,
            person=user,
            status=SignUpStatus.CONFIRMED,
            queued_at=start - dt.timedelta(days=3, minutes=-i),
            confirmed_at=start - dt.timedelta(days=3, minutes=-i),
            checked_in_at=None if user in no_show else start - dt.timedelta(minutes=10 - i % 10),
            hours=Decimal("0") if user in no_show else activity.length_hours,
            no_show=user in no_show,
        )
        for i, user in enumerate(people)
    ]
    SignUp.objects.bulk_create(rows)
    Activity.objects.filter(pk=activity.pk).update(state=ActivityState.DONE)
    if adjust is not None:
        user, hours, reason, by = adjust
        signup = SignUp.objects.get(activity=activity, person=user)
        HoursAdjustment.objects.create(
            signup=signup, old_hours=signup.hours, new_hours=hours, reason=reason, adjusted_by=by
        )
        SignUp.objects.filter(pk=signup.pk).update(hours=hours)


def _participants(community) -> list[int]:
    """User ids of SERVICE_PEOPLE active members of `community`; those without a login get one
    with no usable password (sign-ups are per login)."""
    User = get_user_model()
    members = list(Member.objects.active().in_subtree(community).order_by("pk")[:SERVICE_PEOPLE])
    missing = [m for m in members if m.user_id is None]
    users = []
    for member in missing:
        user = User(username=f"zy-{member.pk}")
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    for member, user in zip(missing, users, strict=True):
        member.user = user
    Member.objects.bulk_update(missing, ["user"])
    return [m.user_id for m in members]


def _past_months(today: dt.date) -> list[tuple[int, int]]:
    """(year, month) of the last SERVICE_MONTHS months, this one included, oldest first."""
    months, year, month = [], today.year, today.month
    for _i in range(SERVICE_MONTHS):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _year_of_service(ctx: SeedContext, teams: dict[str, Team], task_team: Team) -> None:
    """Done activities of the past year (those already over), with attendance drawn at random
    (fixed seed): present people credited the activity's length, the others no-shows."""
    rng = random.Random(RANDOM_SEED + 11)
    now = timezone.now()
    people = {code: _participants(ctx.orgs[code]) for code in teams}
    for code, team in teams.items():
        if code != SERVICE_COMMUNITIES[0]:  # the first community's team has its leader already
            team.leaders.add(people[code][0])
            team.members.add(*people[code])
    plan: list[tuple[Activity, Team, list[int]]] = []
    for n, (year, month) in enumerate(_past_months(timezone.localdate())):
        rows = [(code, spec) for code in teams for spec in SERVICE_PLAN]
        if n % 3 == 0:
            rows.append((None, STREET_VISIT))
        for code, (kind, day, hour, hours, title) in rows:
            organiser = ctx.orgs[code] if code else ctx.street
            starts_at = timezone.make_aware(dt.datetime(year, month, day, hour))
            if starts_at + dt.timedelta(hours=hours) >= now:
                continue
            pool = people[code] if code else [pk for ids in people.values() for pk in ids]
            activity = Activity(
                kind=kind,
                organiser=organiser,
                title=f"{month}月{title}",
                place=f"{organiser.name}辖区",
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=hours),
                capacity=len(pool),
                eligibility=Eligibility.SUBTREE,
                state=ActivityState.DONE,
            )
            plan.append((activity, teams[code] if code else task_team, rng.sample(pool, rng.randint(6, 10))))
    Activity.objects.bulk_create([activity for activity, _team, _people in plan])
    signups = []
    for activity, team, signed_up in plan:
        team.activities.add(activity)
        for i, user_id in enumerate(signed_up):
            present = rng.random() < SERVICE_ATTENDANCE
            signups.append(
                SignUp(
                    activity=activity,
                    person_id=user_id,
                    status=SignUpStatus.CONFIRMED,
                    queued_at=activity.starts_at - dt.timedelta(days=2, minutes=-i),
                    confirmed_at=activity.starts_at - dt.timedelta(days=2, minutes=-i),
                    checked_in_at=activity.starts_at - dt.timedelta(minutes=5) if present else None,
                    hours=activity.length_hours if present else Decimal("0"),
                    no_show=not present,
                )
            )
    SignUp.objects.bulk_create(signups, batch_size=2000)
    organisation_data_changed()  # member rows got logins through a bulk update


def _coming(series, after: dt.timedelta) -> list[Activity]:
    """The series' occurrences starting later than `after` from now (so still open for sign-up)."""
    return list(
        Activity.objects.filter(series=series, starts_at__gt=timezone.now() + after).order_by("starts_at")
    )


def _series(community, members_team, people: dict) -> list:
    """Two series of the community, run by its members' team. Sign-ups go on occurrences a day or
    more ahead, by people with nothing else at those hours (the one-off activities above are on
    days 3, 4 and 6; sign-up refuses a clash)."""
    today = timezone.localdate()
    weekly = series_services.create_series(
        actor=None,
        organiser=community,
        teams=[members_team],
        kind=ActivityKind.VOLUNTEER_SERVICE,
        title="社区环境整治志愿服务",
        description="清理楼道堆物、绿化带垃圾，劝导文明停车。请穿志愿者马甲，工具由社区提供。",
        place=f"{community.name}党群服务中心门口集合",
        start_time=dt.time(9, 0),
        duration_minutes=120,
        capacity=12,
        signup_deadline_hours=12,
        eligibility=Eligibility.ANYONE,
        rule="FREQ=WEEKLY;BYDAY=SA",
        starts_on=today,
    )
    first, second, *_rest = _coming(weekly, dt.timedelta(days=1))
    for user in (people["shequ"], people["jiedao"]):
        services.sign_up(first, actor=user)
    for user in (people["members"][0], people["members"][1], people["volunteers"][0]):
        services.sign_up(second, actor=user)
    monthly = series_services.create_series(
        actor=None,
        organiser=community,
        teams=[members_team],
        kind=ActivityKind.HOME_STUDY,
        title="每月上门送学",
        description="为年老体弱、行动不便的党员送去学习材料，一起学习本月主题。",
        place="行动不便党员家中（出发前在社区党委集合）",
        start_time=dt.time(15, 0),
        duration_minutes=120,
        capacity=4,
        signup_deadline_hours=24,
        eligibility=Eligibility.SUBTREE,
        rule="FREQ=MONTHLY;BYDAY=1SA",
        starts_on=today,
    )
    for user in (people["dangyuan"], people["members"][5]):
        services.sign_up(_coming(monthly, dt.timedelta(days=2))[0], actor=user)
    return [weekly, monthly]


def seed(ctx: SeedContext) -> None:
    community = ctx.orgs["SQ01"]
    branch = ctx.orgs["SQ01-ZB01"]
    street = ctx.street
    shequ, dangyuan = ctx.users["shequ"], ctx.users["dangyuan"]
    members = _member_logins(community)
    volunteers = []
    for username, name, mobile, skills in VOLUNTEERS:
        volunteers.append(
            services.register_volunteer(
                username=username,
                password=DEMO_PASSWORD,
                name=name,
                mobile=mobile,
                community=community,
                skills=skills,
            ).user
        )

    members_team = Team.objects.create(
        organisation=community, name=f"{community.name}党员志愿服务队", kind=TeamKind.MEMBERS
    )
    members_team.leaders.add(dangyuan)
    members_team.members.add(dangyuan, *members)
    task_team = Team.objects.create(organisation=street, name="春申街道攻坚先锋队", kind=TeamKind.TASK)
    task_team.leaders.add(ctx.users["jiedao"])
    service_team = Team.objects.create(
        organisation=community, name=f"{community.name}便民服务队", kind=TeamKind.SERVICE
    )
    service_team.leaders.add(shequ)
    service_team.members.add(*volunteers)

    # Done: hours credited, one no-show, one hour adjusted by the secretary with a reason.
    cleanup = _activity(community, days=-20, title="小区环境大扫除", hours=3)
    _done(cleanup, [dangyuan, *members[:4], volunteers[0]], no_show=(members[3],))
    haircut = _activity(community, days=-9, hour=14, title="为老人义务理发", capacity=6)
    _done(
        haircut,
        [volunteers[0], volunteers[1], members[0]],
        adjust=(volunteers[0], Decimal("3.00"), "提前一小时到场准备工具", shequ),
    )
    members_team.activities.add(cleanup)
    service_team.activities.add(haircut)

    # Coming up: one full with a waiting list (5 places, 8 signed up).
    full = _activity(community, days=3, title="垃圾分类宣传指导", capacity=5, place="梅园社区广场")
    for user in [dangyuan, *members[:4], *members[4:7]]:
        services.sign_up(full, actor=user)
    members_team.activities.add(full)
    fair = _activity(
        community, days=6, hour=8, hours=4, title="便民服务集市", capacity=20, kind=ActivityKind.LARGE_EVENT
    )
    for user in [*volunteers, members[7]]:
        services.sign_up(fair, actor=user)
    service_team.activities.add(fair)
    study = _activity(
        community,
        days=4,
        hour=15,
        title="为行动不便党员上门送学",
        kind=ActivityKind.HOME_STUDY,
        capacity=3,
        eligibility=Eligibility.SUBTREE,
    )
    services.sign_up(study, actor=members[0])
    _activity(
        branch,
        days=10,
        hour=14,
        title="季度党课：学习党章",
        kind=ActivityKind.ORGANISATION_LIFE,
        meeting_type=MeetingType.PARTY_LECTURE,
        capacity=60,
        eligibility=Eligibility.SUBTREE,
    )
    _activity(
        street,
        days=14,
        title="街道攻坚行动：老旧小区加装电梯走访",
        kind=ActivityKind.RESEARCH_VISIT,
        open_now=False,
    )
    service_teams = {"SQ01": members_team}
    for code in SERVICE_COMMUNITIES[1:]:
        if code in ctx.orgs:
            org = ctx.orgs[code]
            service_teams[code] = Team.objects.create(
                organisation=org, name=f"{org.name}党员志愿服务队", kind=TeamKind.MEMBERS
            )
    _year_of_service(ctx, service_teams, task_team)

    people = {"shequ": shequ, "jiedao": ctx.users["jiedao"], "dangyuan": dangyuan}
    series = _series(community, members_team, {**people, "members": members, "volunteers": volunteers})
    ctx.lap("volunteer service")
    ctx.figures += [
        ("recurring series", len(series)),
        ("activities", Activity.objects.in_subtree(street).count()),
        ("registered volunteers", Volunteer.objects.count()),
        ("sign-ups", SignUp.objects.count()),
    ]
