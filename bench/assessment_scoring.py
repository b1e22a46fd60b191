"""Benchmark: scoring a cycle of the 三型社区书记 assessment (issue 8, "Speed").

Run: `.venv/bin/python bench/assessment_scoring.py` (SQLite files under var/bench-scoring/), or with
DATABASE_URL=postgres://.../portal_bench (databases `<name>_scoring_s<N>`, created if missing).
Sizes: BENCH_SECRETARIES (default "100,1000"), each in its own process and database, seeded once
and reused (delete var/bench-scoring/ or drop the database to reseed). Not part of `make test`.

Seeds the street of bench/assessment_evidence.py (one secretary per community, a year of study,
activities, sign-ups, visits, meetings, reports and notices), plus a cycle in review with 20
indicators (7 automatic, 2 rating, 11 committee; 100 points), 100 ratings per community (4 answers
each, as RatingAnswer rows: 100,000 ratings and 400,000 answers at 1,000 secretaries) and three
committee scorers per committee indicator and secretary. Then times, median of BENCH_RUNS:

- `scoring.rating_scores_of(cycle)`, `scoring.compute_scores(cycle, rating_scores=...)` (the
  preview of every sheet view), and `scoring.freeze_scores(cycle)` (reads the ratings itself,
  scores again and writes the results; the results are deleted between runs);
- `evidence.compute_all` alone with the same arguments (the automatic indicators' share);
- the reference: one hand-written SQL statement computing every secretary's points of the rating
  and committee indicators (satisfaction per rater kind, valid from `min_raters` raters, committee
  means capped at the weight, rounded per indicator as scoring does) and their weighted sum.

The automatic indicators have no SQL reference (三会一课 compliance alone is six queries and a
calendar of periods in Python): bench/assessment_evidence.py measures them. So two ratios:
`compute_scores + rating_scores_of` against `compute_all + the SQL` (end to end), and scoring's own
work (the same minus compute_all) against the SQL. The script exits 1 if the SQL's points differ
from scoring's for any secretary.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
YEAR = 2025
RATINGS_PER_COMMUNITY = 100
SCORERS = 3

# (type, source, automatic key, weight): 20 indicators, 100 points.
INDICATORS = (
    ("learning", "automatic", "study_monthly", 10),
    ("learning", "automatic", "research_report", 8),
    ("practical", "automatic", "activities_organised", 8),
    ("practical", "automatic", "research_visits", 6),
    ("practical", "automatic", "volunteer_hours", 5),
    ("practical", "automatic", "sanhui_compliance", 5),
    ("practical", "automatic", "notices_read", 4),
    ("harmonious", "rating", "", 10),  # members' rating
    ("harmonious", "rating", "", 14),  # residents' rating
    *(("learning", "committee", "", 3),) * 3,
    *(("practical", "committee", "", w) for w in (3, 3, 3, 2, 1)),
    *(("harmonious", "committee", "", 3),) * 3,
)
ANSWERS = ("good", "good", "fairly_good", "good", "average", "fairly_good", "poor", "good", "average")


def sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_SECRETARIES", "100,1000").split(",") if s.strip()]


# Parent: one process per size --------------------------------------------------------------------


def run_size(n: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    url = os.environ.get("DATABASE_URL", "")
    env["BENCH_COMMUNITIES"] = str(n)
    env["PORTAL_VAR_DIR"] = str(ROOT / "var" / "bench-scoring" / f"{'pg-' if url else ''}s{n}")
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    if url:
        env["DATABASE_URL"] = f"{url.rstrip('/')}_scoring_s{n}"
        from bench.web import ensure_postgres_database

        ensure_postgres_database(env["DATABASE_URL"])
    Path(env["PORTAL_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--child"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    sys.stdout.write(done.stdout)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
    if line is None:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(done.returncode or 1)
    return json.loads(line[len("BENCH-JSON ") :])


def main() -> int:
    results = [run_size(n) for n in sizes()]
    print()
    print(
        "| secretaries | queries | rating_scores_of | compute_scores | freeze_scores | compute_all | SQL | "
        "end to end ratio | scoring's own ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['secretaries']:,} | {r['queries']} + {r['rating_queries']} | {r['rating_ms']:.0f} ms "
            f"| {r['compute_ms']:.0f} ms | {r['freeze_ms']:.0f} ms ({r['freeze_queries']} q) "
            f"| {r['evidence_ms']:.0f} ms | {r['sql_ms']:.0f} ms "
            f"| {r['ratio_e2e']:.2f} | {r['own_ms']:.0f} ms = {r['ratio_own']:.2f} |"
        )
    print()
    for r in results:
        print(
            f"sheet view at {r['secretaries']:,}: {r['sheet_cold_ms']:.0f} ms computing, "
            f"{r['sheet_warm_ms']:.0f} ms cached, {r['sheet_queries']} queries"
        )
    return 1 if any(r["differ"] for r in results) else 0


# Child: seed and measure one size ----------------------------------------------------------------


def seed_cycle(street):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from assessments import ratings
    from assessments.models import (
        AssessmentCycle,
        CommitteeScore,
        Indicator,
        Phase,
        Rating,
        RatingAnswer,
    )
    from orgchart.models import Organisation, PostTitle, Tenure

    User = get_user_model()
    with transaction.atomic():
        cycle = AssessmentCycle.objects.create(
            street=street,
            year=YEAR,
            phase=Phase.REVIEW,
            open_on=dt.date(YEAR, 3, 1),
            rating_on=dt.date(YEAR, 7, 1),
            review_on=dt.date(YEAR, 9, 1),
            publicity_on=dt.date(YEAR, 9, 28),
        )
        from assessments.indicators import DEFAULT_INDICATORS

        maxima = {d.automatic_key: d.max for d in DEFAULT_INDICATORS if d.automatic_key}
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(
                    cycle=cycle,
                    type=type_,
                    name=f"指标{order + 1}",
                    weight=Decimal(weight),
                    max=maxima.get(key)
                    if source == "automatic"
                    else Decimal(100 if source == "rating" else weight),
                    source=source,
                    automatic_key=key,
                    order=order,
                )
                for order, (type_, source, key, weight) in enumerate(INDICATORS)
            ]
        )
        questions = ratings.questions(cycle)
        communities = list(
            Organisation.objects.filter(path__startswith=street.path, depth=2).order_by("path")
        )
        tenures = {
            t.post.organisation_id: t.member
            for t in Tenure.objects.filter(
                post__organisation__in=communities, post__title=PostTitle.SECRETARY
            ).select_related("member", "post")
        }
        rating_rows, answer_rows = [], []
        for i, community in enumerate(communities):
            # Every tenth community: 90 members' ratings and 10 residents' (too few: not valid).
            members = 90 if i % 10 == 0 else 40
            for k in range(RATINGS_PER_COMMUNITY):
                rating = Rating(
                    cycle=cycle,
                    community=community,
                    secretary=tenures.get(community.pk),
                    rater_kind="member" if k < members else "resident",
                    created_on=dt.date(YEAR, 7, 10),
                )
                rating_rows.append(rating)
                for q, question in enumerate(questions):
                    answer_rows.append(
                        RatingAnswer(
                            rating=rating,
                            question=question,
                            answer=ANSWERS[(i * 7 + k * 3 + q) % len(ANSWERS)],
                        )
                    )
        Rating.objects.bulk_create(rating_rows, batch_size=5000)
        RatingAnswer.objects.bulk_create(answer_rows, batch_size=5000)
        scorers = User.objects.bulk_create([User(username=f"bench-c{k}") for k in range(SCORERS)])
        committee = [i for i in indicators if i.source == "committee"]
        scores = []
        for i, member in enumerate(tenures.values()):
            for j, indicator in enumerate(committee):
                for s, scorer in enumerate(scorers):
                    scores.append(
                        CommitteeScore(
                            cycle=cycle,
                            indicator=indicator,
                            secretary_id=member.user_id,
                            scorer=scorer,
                            score=(indicator.weight * ((i * 7 + j * 3 + s) % 11) / 10).quantize(
                                Decimal("0.01")
                            ),
                            comment="评语",
                        )
                    )
        CommitteeScore.objects.bulk_create(scores, batch_size=5000)
    print(f"seeded: {len(rating_rows)} ratings, {len(answer_rows)} answers, {len(scores)} committee scores")
    return cycle


# The reference: points of the rating and committee indicators per secretary, in one statement.
# The ratings' satisfaction is rounded to one decimal (ratings._percent), each indicator's points to
# cents (scoring._cents); a kind of rating counts from min_raters ratings. Secretaries are the
# holders of the street's community secretary posts in the year (one term each here).
REFERENCE_SQL = """
WITH counts AS (
    SELECT community_id, rater_kind, COUNT(*) AS n
    FROM assessments_rating WHERE cycle_id = %(cycle)s
    GROUP BY community_id, rater_kind
), tallies AS (
    SELECT r.community_id, r.rater_kind,
           SUM(CASE WHEN a.answer IN ('good', 'fairly_good') THEN 1 ELSE 0 END) AS satisfied,
           COUNT(*) AS answers
    FROM assessments_ratinganswer a JOIN assessments_rating r ON r.id = a.rating_id
    WHERE r.cycle_id = %(cycle)s
    GROUP BY r.community_id, r.rater_kind
), rated AS (
    SELECT c.community_id,
           SUM(CASE WHEN c.n >= %(min_raters)s THEN ROUND(
                   ROUND(100.0 * t.satisfied / t.answers + 1e-9, 1)
                   * (CASE WHEN c.rater_kind = 'member' THEN %(w_members)s ELSE %(w_residents)s END) / 100.0
                   + 1e-9, 2) ELSE 0 END) AS points
    FROM counts c JOIN tallies t ON t.community_id = c.community_id AND t.rater_kind = c.rater_kind
    GROUP BY c.community_id
), committee AS (
    SELECT m.secretary_id,
           SUM(ROUND(CASE WHEN m.mean > i.weight THEN i.weight ELSE m.mean END + 1e-9, 2)) AS points
    FROM (SELECT indicator_id, secretary_id, AVG(score) AS mean
          FROM assessments_committeescore WHERE cycle_id = %(cycle)s
          GROUP BY indicator_id, secretary_id) m
    JOIN assessments_indicator i ON i.id = m.indicator_id
    GROUP BY m.secretary_id
)
SELECT mb.id, COALESCE(rated.points, 0) + COALESCE(committee.points, 0)
FROM orgchart_tenure t
JOIN orgchart_post p ON p.id = t.post_id
JOIN orgchart_organisation o ON o.id = p.organisation_id
JOIN orgchart_member mb ON mb.id = t.member_id
LEFT JOIN rated ON rated.community_id = o.id
LEFT JOIN committee ON committee.secretary_id = mb.user_id
WHERE p.title = 'secretary' AND o.depth = 2 AND o.path >= %(lo)s AND o.path < %(hi)s
  AND t.started_on <= %(end)s AND (t.ended_on IS NULL OR t.ended_on >= %(start)s)
"""


def reference(cycle) -> dict[int, Decimal]:
    from django.db import connection

    from assessments.models import Indicator

    rating_weights = list(
        Indicator.objects.filter(cycle=cycle, source="rating")
        .order_by("order", "pk")
        .values_list("weight", flat=True)
    )
    params = {
        "cycle": cycle.pk,
        "min_raters": cycle.min_raters,
        "w_members": float(rating_weights[0]),
        "w_residents": float(rating_weights[1]),
        "lo": cycle.street.path,
        "hi": cycle.street.path + "~",
        "start": dt.date(cycle.year, 1, 1),
        "end": dt.date(cycle.year, 12, 31),
    }
    sql = REFERENCE_SQL
    if connection.vendor == "sqlite":  # named %(x)s placeholders: SQLite wants :x
        import re

        sql = re.sub(r"%\((\w+)\)s", r":\1", sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            member_id: Decimal(str(points)).quantize(Decimal("0.01"))
            for member_id, points in cursor.fetchall()
        }


def sheet_view(cycle) -> tuple[float, float, int]:
    """One score sheet view through the test client (a superuser), before the scores freeze: the
    preview computed (cache retired first) and read from the cache. Medians of BENCH_RUNS."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments import preview

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(HTTP_HOST="localhost")  # an allowed host of the dev settings
    client.force_login(admin)
    url = f"/assessments/sheet/{cycle.pk}/"

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    cold, _ = timed(get, before=lambda: preview.scores_changed(cycle.pk))
    get()
    warm, _ = timed(get)
    with CaptureQueriesContext(connection) as captured:
        get()
    return cold, warm, len(captured.captured_queries)


def timed(fn, runs: int = RUNS, before=None) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, out


def child() -> int:
    import django

    django.setup()
    import logging

    for name in ("wagtail", "django_tasks", "modelsearch"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments import evidence, scoring
    from assessments.models import AssessmentCycle, SecretaryResult
    from orgchart.models import Organisation

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    street = Organisation.objects.filter(code="BENCH").first()
    if street is None:
        from bench import assessment_evidence

        street = assessment_evidence.seed()
    cycle = AssessmentCycle.objects.filter(street=street, year=YEAR).select_related("street").first()
    if cycle is None:
        cycle = seed_cycle(street)
        cycle = AssessmentCycle.objects.select_related("street").get(pk=cycle.pk)
    n = Organisation.objects.filter(path__startswith=street.path, depth=2).count()
    print(
        f"== {n:,} secretaries, database {connection.vendor} {connection.settings_dict['NAME']}; "
        f"seeding/reuse {time.perf_counter() - started:.1f} s"
    )
    today = dt.date(YEAR + 1, 6, 1)
    with connection.cursor() as cursor:  # planner statistics after the bulk inserts
        cursor.execute("ANALYZE")

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as rq:
        rating_scores = scoring.rating_scores_of(cycle)
    with CaptureQueriesContext(connection) as cq:
        scores = scoring.compute_scores(cycle, rating_scores=rating_scores, today=today)
    clear = lambda: SecretaryResult.objects.filter(cycle=cycle).delete()  # noqa: E731
    clear()
    with CaptureQueriesContext(connection) as fq:
        scoring.freeze_scores(cycle, today=today)
    # Counted now: captured_queries slices connection.queries, a log capped at 9,000 entries.
    n_rating, n_compute, n_freeze = (
        len(rq.captured_queries),
        len(cq.captured_queries),
        len(fq.captured_queries),
    )
    own = {
        s.member_id: sum((line.points for line in s.lines if line.source != "automatic"), Decimal(0))
        for s in scores
    }
    ref = reference(cycle)
    wrong = {m: (own.get(m), ref.get(m)) for m in set(own) | set(ref) if own.get(m) != ref.get(m)}
    print(
        f"secretaries scored: {len(scores)}; queries: rating_scores_of {len(rq.captured_queries)}, "
        f"compute_scores {len(cq.captured_queries)}, freeze_scores {len(fq.captured_queries)}"
    )
    print(f"reference points equal scoring's for {len(ref) - len(wrong)} of {len(ref)} secretaries")
    if wrong:
        print("differ (scoring, SQL), first 5:", list(wrong.items())[:5])

    # compute_all's share, timed inside each compute_scores call (same call, same arguments).
    inner: list[float] = []
    real_compute_all = evidence.compute_all

    def timed_compute_all(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return real_compute_all(*args, **kwargs)
        finally:
            inner.append(time.perf_counter() - begun)

    rating_ms, _ = timed(lambda: scoring.rating_scores_of(cycle))
    evidence.compute_all = timed_compute_all
    try:
        totals = []
        for _ in range(RUNS):
            begun = time.perf_counter()
            scoring.compute_scores(cycle, rating_scores=rating_scores, today=today)
            totals.append(time.perf_counter() - begun)
    finally:
        evidence.compute_all = real_compute_all
    compute_ms = statistics.median(totals) * 1000
    evidence_ms = statistics.median(inner) * 1000
    own_ms = statistics.median(t - e for t, e in zip(totals, inner, strict=True)) * 1000 + rating_ms
    freeze_ms, _ = timed(lambda: scoring.freeze_scores(cycle, today=today), before=clear)
    sql_ms, _ = timed(lambda: reference(cycle))
    clear()
    cold_ms, warm_ms, view_queries = sheet_view(cycle)
    out = {
        "secretaries": len(scores),
        "queries": n_compute,
        "rating_queries": n_rating,
        "freeze_queries": n_freeze,
        "rating_ms": rating_ms,
        "compute_ms": compute_ms,
        "freeze_ms": freeze_ms,
        "evidence_ms": evidence_ms,
        "sql_ms": sql_ms,
        "ratio_e2e": (rating_ms + compute_ms) / (evidence_ms + sql_ms),
        "own_ms": own_ms,
        "ratio_own": own_ms / sql_ms,
        "differ": len(wrong),
        "sheet_cold_ms": cold_ms,
        "sheet_warm_ms": warm_ms,
        "sheet_queries": view_queries,
    }
    print(
        f"rating_scores_of {rating_ms:.0f} ms, compute_scores {compute_ms:.0f} ms (compute_all alone "
        f"{evidence_ms:.0f} ms), freeze_scores {freeze_ms:.0f} ms, reference SQL {sql_ms:.0f} ms; "
        f"end to end {out['ratio_e2e']:.2f}×, "
        f"scoring's own work {own_ms:.0f} ms = {out['ratio_own']:.2f}× the SQL"
    )
    print(
        f"score sheet view (provisional, {len(scores)} rows): {cold_ms:.0f} ms computing the preview, "
        f"{warm_ms:.0f} ms from the cache ({view_queries} queries)"
    )
    print("BENCH-JSON " + json.dumps(out))
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(child() if "--child" in sys.argv else main())
