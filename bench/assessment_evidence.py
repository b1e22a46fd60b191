"""Benchmark: the assessment's automatic evidence for a street of many community secretaries.

Run: `.venv/bin/python bench/assessment_evidence.py` (a fresh SQLite file under
var/bench-evidence/) or with DATABASE_URL=postgres://.../portal_evidence_bench (the database must
exist; the bench's rows are added to it, so use a throwaway one). Not part of `make test`.

Seeds, in bulk (paths written directly, not through the tree service), one street with
BENCH_COMMUNITIES communities (default 1,000), each with a secretary, two branches with a party
group, ten members, a year of study records, volunteer activities with credited sign-ups, visits
and monthly committee meetings; and result and notice pages for every tenth community (pages
are slow to create). Then times `assessments.evidence.compute_all` over the year: the query
count (must not grow with secretaries) and the median of BENCH_RUNS runs, per indicator too.

Reference: the same statements compute_all sends (captured once), executed raw through a cursor
with every row fetched — the database's share of the work, so the ratio is what the Python on
top costs. Not an independent hand-written SQL: 三会一课 compliance (periods, requirements per
meeting type, study hours) has none short of re-implementing activities.compliance in SQL.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("PORTAL_VAR_DIR", str(ROOT / "var" / "bench-evidence"))

COMMUNITIES = int(os.environ.get("BENCH_COMMUNITIES", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
YEAR = 2025
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(n: int) -> str:
    """Treebeard's 4-character path step for the n-th child (1-based)."""
    out = ""
    for _ in range(4):
        n, rest = divmod(n, 36)
        out = ALPHABET[rest] + out
    return out


def seed() -> object:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from activities.models import Activity, ActivityKind, ActivityState, MeetingType
    from orgchart.models import Member, Organisation, OrgKind, Post, PostTitle, Tenure
    from portal.models import NoticePage, NoticeRead, ResultPage, StudyPage, StudyRecord
    from volunteers.models import SignUp, SignUpStatus

    User = get_user_model()

    def at(day: dt.date, hour: int = 9) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    with transaction.atomic():
        street = Organisation.objects.create(
            path="Z" + step(1)[1:],
            depth=1,
            numchild=COMMUNITIES,
            name="基准街道",
            code="BENCH",
            kind=OrgKind.STREET,
        )
        orgs = []
        for i in range(1, COMMUNITIES + 1):
            c = street.path + step(i)
            orgs.append(
                Organisation(
                    path=c, depth=2, numchild=2, name=f"社区{i}", code=f"B{i}", kind=OrgKind.COMMUNITY
                )
            )
            for b in (1, 2):
                orgs.append(
                    Organisation(
                        path=c + step(b),
                        depth=3,
                        numchild=1,
                        name=f"社区{i}支部{b}",
                        code=f"B{i}-{b}",
                        kind=OrgKind.BRANCH,
                    )
                )
                orgs.append(
                    Organisation(
                        path=c + step(b) + step(1),
                        depth=4,
                        numchild=0,
                        name=f"社区{i}支部{b}小组",
                        code=f"B{i}-{b}-1",
                        kind=OrgKind.GROUP,
                    )
                )
        Organisation.objects.bulk_create(orgs, batch_size=2000)
        by_path = {o.path: o for o in Organisation.objects.in_subtree(street)}
        users = User.objects.bulk_create(
            [User(username=f"bench-s{i}") for i in range(COMMUNITIES)]
            + [User(username=f"bench-v{i}") for i in range(200)],
            batch_size=2000,
        )
        volunteers = users[COMMUNITIES:]
        members, secretaries = [], []
        for i in range(1, COMMUNITIES + 1):
            c = street.path + step(i)
            branch, group = by_path[c + step(1)], by_path[c + step(1) + step(1)]
            secretaries.append(
                Member(
                    name=f"书记{i}",
                    gender="male",
                    birth_date=dt.date(1970, 1, 1),
                    education="bachelor",
                    joined_party_on=dt.date(1995, 7, 1),
                    mobile="13900000000",
                    category="resident",
                    organisation=branch,
                    user=users[i - 1],
                )
            )
            for k in range(10):
                members.append(
                    Member(
                        name=f"党员{i}-{k}",
                        gender="female",
                        birth_date=dt.date(1950, 1, 1),
                        education="primary",
                        joined_party_on=dt.date(1980, 7, 1),
                        mobile="13900000001",
                        category="retired",
                        organisation=group if k % 2 else by_path[c + step(2)],
                    )
                )
        secretaries = Member.objects.bulk_create(secretaries, batch_size=2000)
        members = Member.objects.bulk_create(members, batch_size=2000)
        posts = Post.objects.bulk_create(
            [
                Post(organisation=by_path[street.path + step(i)], title=PostTitle.SECRETARY)
                for i in range(1, COMMUNITIES + 1)
            ]
        )
        Tenure.objects.bulk_create(
            [
                # Every seventh community changed secretary at the end of June.
                Tenure(
                    post=p,
                    member=s,
                    started_on=dt.date(2020, 1, 1),
                    ended_on=dt.date(YEAR, 6, 30) if n % 7 == 0 else None,
                )
                for n, (p, s) in enumerate(zip(posts, secretaries, strict=True))
            ]
        )

        root = Page.get_first_root_node()
        material = root.add_child(
            instance=StudyPage(title="党章", slug="bench-study", category="constitution")
        )
        StudyRecord.objects.bulk_create(
            [
                StudyRecord(
                    member=s,
                    material=material,
                    studied_on=dt.date(YEAR, m, 5),
                    minutes=30,
                    reflection="体会" if m % 3 == 0 else "",
                )
                for n, s in enumerate(secretaries)
                for m in range(1, 13)
                if (m + n) % 5
            ],
            batch_size=5000,
        )
        activities = []
        for i in range(1, COMMUNITIES + 1):
            c = street.path + step(i)
            branch = by_path[c + step(1)]
            for m in range(1, 13):
                day = dt.date(YEAR, m, 12)
                common = {"place": "活动室", "capacity": 50, "state": ActivityState.DONE}
                activities.append(
                    Activity(
                        kind=ActivityKind.VOLUNTEER_SERVICE,
                        organiser=branch,
                        title=f"服务{i}-{m}",
                        starts_at=at(day),
                        ends_at=at(day, 11),
                        **common,
                    )
                )
                activities.append(
                    Activity(
                        kind=ActivityKind.ORGANISATION_LIFE,
                        meeting_type=MeetingType.COMMITTEE_MEETING,
                        organiser=branch,
                        title=f"支委会{i}-{m}",
                        starts_at=at(day, 14),
                        ends_at=at(day, 15),
                        **common,
                    )
                )
                if m % 2:
                    activities.append(
                        Activity(
                            kind=ActivityKind.RESEARCH_VISIT,
                            organiser=by_path[c],
                            title=f"走访{i}-{m}",
                            starts_at=at(day, 16),
                            ends_at=at(day, 17),
                            **common,
                        )
                    )
        activities = Activity.objects.bulk_create(activities, batch_size=5000)
        signups = []
        for n, activity in enumerate(activities):
            if activity.kind != ActivityKind.VOLUNTEER_SERVICE:
                continue
            for k in range(8):
                signups.append(
                    SignUp(
                        activity=activity,
                        person=volunteers[(n + k * 17) % len(volunteers)],
                        status=SignUpStatus.CONFIRMED,
                        confirmed_at=activity.starts_at,
                        checked_in_at=activity.starts_at,
                        hours=Decimal("2"),
                    )
                )
        SignUp.objects.bulk_create(signups, batch_size=5000)

        for i in range(1, COMMUNITIES + 1, 10):
            c = by_path[street.path + step(i)]
            report = ResultPage(
                title=f"调研报告{i}", slug=f"bench-r{i}", kind="report", author=secretaries[i - 1]
            )
            report.first_published_at = at(dt.date(YEAR, 9, 1))
            root.add_child(instance=report)
            notice = NoticePage(title=f"通知{i}", slug=f"bench-n{i}")
            notice.first_published_at = at(dt.date(YEAR, 3, 1))
            root.add_child(instance=notice)
            NoticePage.objects.filter(pk=notice.pk).update(organisation=c)  # no section: set it directly
            NoticeRead.objects.bulk_create(
                [NoticeRead(notice=notice, member=m) for m in members[(i - 1) * 10 : (i - 1) * 10 + 6]]
            )
    print(
        f"seeded: {COMMUNITIES} communities, {len(members) + len(secretaries)} members, "
        f"{len(activities)} activities, {len(signups)} sign-ups"
    )
    return street


def main() -> None:
    import django

    django.setup()
    import logging

    for name in ("wagtail", "django_tasks", "modelsearch"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.evidence import KEYS, compute_all, year_period
    from orgchart.models import Organisation

    if connection.vendor == "sqlite":
        db = Path(settings.DATABASES["default"]["NAME"])
        if db.exists():
            db.unlink()
    call_command("migrate", verbosity=0)
    street = Organisation.objects.filter(code="BENCH").first()
    started = time.perf_counter()
    if street is None:
        street = seed()
    print(f"database: {connection.vendor}; seeding {time.perf_counter() - started:.1f} s")

    today = dt.date(YEAR + 1, 6, 1)
    connection.queries_log.clear()  # capped at 9,000 with DEBUG on: full after seeding
    with CaptureQueriesContext(connection) as captured:
        found = compute_all(street, *year_period(YEAR), today=today)
    people = found.all()
    print(f"secretaries: {len(people)}; queries: {len(captured.captured_queries)}")
    assert len(people) >= COMMUNITIES
    for key in KEYS:
        ratios = [p.figures[key].score_ratio for p in people]
        print(f"  {key:22} mean ratio {statistics.mean(ratios):.3f}")
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        compute_all(street, *year_period(YEAR), today=today)
        times.append(time.perf_counter() - start)
    total = statistics.median(times)
    print(f"compute_all, all keys: median {total * 1000:.0f} ms over {RUNS} runs")
    statements = [q["sql"] for q in captured.captured_queries]
    raw = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        raw.append(time.perf_counter() - start)
    reference = statistics.median(raw)
    print(
        f"reference, its {len(statements)} statements raw: median {reference * 1000:.0f} ms; "
        f"ratio compute_all / reference {total / reference:.1f}"
    )
    for key in KEYS:
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            compute_all(street, *year_period(YEAR), keys=[key], today=today)
            times.append(time.perf_counter() - start)
        print(f"  {key:22} median {statistics.median(times) * 1000:.0f} ms (with the 2 tenure queries)")


if __name__ == "__main__":
    main()
