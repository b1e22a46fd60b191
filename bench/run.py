"""Benchmark: statistics of a subtree through the ORM against one hand-written SQL aggregate.

Run by `make bench` (never by `make test`). It sets itself up: its own database — a SQLite file
under var/bench/ by default, or DATABASE_URL if given (PostgreSQL too; the database is created if
missing) — migrated, and seeded once with `seed_demo --scale 50` (BENCH_SCALE to change). Then, for
the street root and one community, it times `orgchart.queries.subtree_statistics` (median of
several runs after a warm-up) and counts its queries, times one SQL statement computing the same
member figures over the same rows, checks that both give the same numbers and prints the ratio.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("PORTAL_VAR_DIR", str(ROOT / "var" / "bench"))

SCALE = int(os.environ.get("BENCH_SCALE", "50"))
RUNS = int(os.environ.get("BENCH_RUNS", "9"))


def ensure_postgres_database() -> None:
    """With a PostgreSQL DATABASE_URL, create the database when it does not exist yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    conninfo = {
        "dbname": "postgres",
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
            print(f"created database {cfg['NAME']}")


ensure_postgres_database()

import django  # noqa: E402

django.setup()
# The seed goes through Wagtail's page machinery, which logs every task at INFO.
logging.getLogger().setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from demo.seed import already_seeded  # noqa: E402
from demo.tables import STREET_CODE  # noqa: E402
from orgchart.models import Member, Organisation  # noqa: E402
from orgchart.queries import SubtreeStatistics, sixty_cutoff, subtree_statistics  # noqa: E402

# One statement, written by hand: active members joined to their organisation by path prefix.
SQL = f"""
SELECT
    COUNT(*),
    COUNT(*) FILTER (WHERE m.birth_date <= %s),
    COUNT(*) FILTER (WHERE m.education IN ('primary', 'junior_high')),
    COUNT(*) FILTER (WHERE m.category = 'employed'),
    COUNT(*) FILTER (WHERE m.category = 'retired'),
    COUNT(*) FILTER (WHERE m.category = 'floating'),
    COUNT(*) FILTER (WHERE m.category = 'laid_off'),
    COUNT(*) FILTER (WHERE m.category = 'resident'),
    COUNT(*) FILTER (WHERE m.gender = 'male'),
    COUNT(*) FILTER (WHERE m.gender = 'female'),
    COUNT(*) FILTER (WHERE m.education = 'primary'),
    COUNT(*) FILTER (WHERE m.education = 'junior_high'),
    COUNT(*) FILTER (WHERE m.education = 'senior_high'),
    COUNT(*) FILTER (WHERE m.education = 'college'),
    COUNT(*) FILTER (WHERE m.education = 'bachelor'),
    COUNT(*) FILTER (WHERE m.education = 'postgraduate')
FROM {Member._meta.db_table} m
JOIN {Organisation._meta.db_table} o ON o.id = m.organisation_id
WHERE m.left_on IS NULL AND o.path LIKE %s
"""
CATEGORIES = ("employed", "retired", "floating", "laid_off", "resident")
GENDERS = ("male", "female")
EDUCATIONS = ("primary", "junior_high", "senior_high", "college", "bachelor", "postgraduate")


def sql_statistics(org: Organisation, day: dt.date) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(SQL, [sixty_cutoff(day), org.path + "%"])
        row = cursor.fetchone()
    members, aged, low, *rest = row
    return {
        "members": members,
        "aged_60_plus": aged,
        "low_education": low,
        "by_category": dict(zip(CATEGORIES, rest[0:5], strict=True)),
        "by_gender": dict(zip(GENDERS, rest[5:7], strict=True)),
        "by_education": dict(zip(EDUCATIONS, rest[7:13], strict=True)),
    }


def orm_figures(stats: SubtreeStatistics) -> dict:
    return {
        "members": stats.members,
        "aged_60_plus": stats.aged_60_plus,
        "low_education": stats.low_education,
        "by_category": stats.by_category,
        "by_gender": stats.by_gender,
        "by_education": stats.by_education,
    }


def median_ms(fn: Callable[[], object]) -> float:
    fn()  # warm-up: caches, statement preparation, connection
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def seed_record_path() -> Path:
    db = settings.DATABASES["default"]
    return Path(settings.VAR_DIR) / f"seed-{connection.vendor}-{Path(str(db['NAME'])).stem}.json"


def setup() -> str:
    """Migrate and seed the bench database; return a line about seeding time."""
    call_command("migrate", interactive=False, verbosity=0)
    record = seed_record_path()
    if already_seeded():
        if record.exists():
            earlier = json.loads(record.read_text())
            return f"seeded earlier at scale {earlier['scale']} in {earlier['seconds']:.1f} s"
        return "seeded earlier (time not recorded)"
    started = time.perf_counter()
    call_command("seed_demo", scale=SCALE)
    seconds = time.perf_counter() - started
    record.write_text(json.dumps({"scale": SCALE, "seconds": round(seconds, 1)}))
    return f"seeded now at scale {SCALE} in {seconds:.1f} s"


def analyse() -> None:
    """Refresh the planner's statistics: right after a bulk seed they still say the tables are empty."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> int:
    seeding = setup()
    analyse()
    day = timezone.localdate()
    street = Organisation.objects.get(code=STREET_CODE)
    targets = [(street, "JD street root"), (Organisation.objects.get(code="SQ01"), "SQ01 community")]
    db = settings.DATABASES["default"]
    members = Member.objects.active().in_subtree(street).count()
    orgs = Organisation.objects.in_subtree(street).count()
    print()
    print("Subtree statistics: orgchart.queries.subtree_statistics (ORM) vs one hand-written SQL aggregate")
    print(
        f"database: {connection.vendor} {db['NAME']}  |  {members:,} active members, {orgs:,} organisations"
    )
    print(f"seeding: {seeding}")
    print(f"timings: median of {RUNS} runs after one warm-up")
    print()
    columns = ("members", 9), ("ORM queries", 13), ("ORM ms", 10), ("SQL ms", 10), ("ORM/SQL", 9)
    header = f"{'subtree':<18}" + "".join(f"{name:>{width}}" for name, width in columns) + "  same figures"
    print(header)
    print("-" * len(header))
    all_agree = True
    breakdown = []
    for org, label in targets:
        reset_queries()  # the seed filled DEBUG's query log to its limit; the count needs room
        with CaptureQueriesContext(connection) as ctx:
            stats = subtree_statistics(org, day)
        queries = len(ctx.captured_queries)
        breakdown.append((label, [float(q["time"]) * 1000 for q in ctx.captured_queries]))
        orm_ms = median_ms(lambda org=org: subtree_statistics(org, day))
        sql_ms = median_ms(lambda org=org: sql_statistics(org, day))
        agree = orm_figures(stats) == sql_statistics(org, day)
        all_agree &= agree
        ratio = orm_ms / sql_ms
        print(
            f"{label:<18}{stats.members:>9,}{queries:>13}{orm_ms:>10.1f}{sql_ms:>10.1f}{ratio:>9.2f}"
            f"  {'yes' if agree else 'NO'}"
        )
    print()
    for label, times in breakdown:
        print(f"ORM queries of {label} (one run, ms): " + ", ".join(f"{t:.1f}" for t in times))
    print(
        "ORM = the whole subtree_statistics call (members aggregate, posts filled/vacant, organisations by "
        "kind);\nSQL = one statement with the member figures only (total, 60+, low education, by category, "
        "gender, education)."
    )
    if not all_agree:
        print("ERROR: the ORM and the SQL aggregate disagree.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
