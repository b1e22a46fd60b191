"""Benchmark: 1,000 concurrent sign-ups over HTTP for 50 places, against a no-op API endpoint.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/signups.py

Never part of `make test`; PostgreSQL only (SQLite serialises every writer: not what this measures).
Its own database `<name>_signups` (created if missing), migrated; BENCH_SIGNUPS (1,000) registered
volunteers, each with an API token, and an activity open to anyone with BENCH_PLACES (50) places,
made afresh each run. Gunicorn serves bench.settings (production settings, DEBUG off, plus
/bench/api-noop/: a DRF view with the API's own authentication, permissions and throttles that
answers 201 and does nothing) with BENCH_WORKERS sync workers (default 2 × CPUs + 1) on loopback.

The client opens one connection per volunteer, all at once (asyncio), then sends every request
together and times each from its send to the end of its answer:

1. no-op: every volunteer POSTs /bench/api-noop/;
2. sign-up: every volunteer POSTs /api/activities/<id>/sign-up/;
3. no-op again (the machine's load drifts); the ratio uses the mean of both.

It checks the outcome and exits 1 if it is wrong: every answer 201, exactly BENCH_PLACES confirmed,
the rest waiting, each waiting volunteer told a distinct position 1…N that matches the database's
FIFO order (queued_at, id). Prints p50/p95/max of each burst and p95(sign-up) ÷ p95(no-op)
(the issue's target: at most 3).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
COUNT = int(os.environ.get("BENCH_SIGNUPS", "1000"))
PLACES = int(os.environ.get("BENCH_PLACES", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
TITLE = "基准报名活动"
TIMEOUT = 300.0  # seconds a request may take before it counts as an error
SECRETS = {
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key",
}

print = functools.partial(print, flush=True)  # noqa: A001 - progress shows as it happens

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit("bench/signups.py measures concurrent writers: set DATABASE_URL to a PostgreSQL server")


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env["PORTAL_VAR_DIR"] = str(ROOT / "var" / "bench" / "signups")
    env["DATABASE_URL"] = f"{os.environ['DATABASE_URL'].rstrip('/')}_signups"
    return {**env, **SECRETS, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "false"}


ENV = bench_env()
os.environ.update(ENV)
Path(ENV["PORTAL_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
from bench.web import ensure_postgres_database, free_port  # noqa: E402

ensure_postgres_database(ENV["DATABASE_URL"])
subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=ENV, check=True)
subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=ENV, check=True)

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from activities.models import Activity, ActivityKind, ActivityState, Eligibility  # noqa: E402
from orgchart.models import Organisation, OrgKind  # noqa: E402
from volunteers.models import SignUp, SignUpStatus, Volunteer  # noqa: E402


def seed() -> tuple[int, list[str]]:
    """The volunteers (made once) and their tokens; a fresh activity. Returns (activity id, tokens)."""
    street = Organisation.objects.filter(code="BENCH-S").first() or Organisation.add_root(
        name="基准街道", code="BENCH-S", kind=OrgKind.STREET
    )
    community = Organisation.objects.filter(code="BENCH-S-C").first() or street.add_child(
        name="基准社区", code="BENCH-S-C", kind=OrgKind.COMMUNITY
    )
    users = get_user_model()
    have = users.objects.filter(username__startswith="bench-s-").count()
    made = users.objects.bulk_create(
        [users(username=f"bench-s-{i:05d}", password="!") for i in range(have, COUNT)], batch_size=1000
    )
    Volunteer.objects.bulk_create(
        [
            Volunteer(
                user=user, name=f"志愿者{user.username[-5:]}", mobile=f"139{i:08d}", community=community
            )
            for i, user in enumerate(made, start=have)
        ],
        batch_size=1000,
    )
    people = list(users.objects.filter(username__startswith="bench-s-").order_by("pk")[:COUNT])
    tokens = {t.user_id: t.key for t in Token.objects.filter(user__in=people)}
    Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in people if u.pk not in tokens])
    Token.objects.filter(user__in=people).update(created=timezone.now())  # not expired
    tokens = {t.user_id: t.key for t in Token.objects.filter(user__in=people)}
    SignUp.objects.filter(activity__title=TITLE).delete()
    Activity.objects.filter(title=TITLE).delete()
    starts = timezone.now() + dt.timedelta(days=3)
    activity = Activity.objects.create(
        kind=ActivityKind.VOLUNTEER_SERVICE,
        organiser=community,
        title=TITLE,
        place="社区党群服务中心",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=PLACES,
        eligibility=Eligibility.ANYONE,
        state=ActivityState.OPEN,
    )
    cache.clear()  # the throttles' counts of an earlier run
    return activity.pk, [tokens[u.pk] for u in people]


class Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [GUNICORN, "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(WORKERS), "--backlog", "2048", "--timeout", "120"],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=(Path(ENV["PORTAL_VAR_DIR"]) / "gunicorn.log").open("w"),  # never a pipe left unread
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = asyncio.run(self._get("/bench/bare/"))
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit("gunicorn did not start")

    async def _get(self, path: str):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = await reader.read()
        writer.close()
        return int(data.split(b" ", 2)[1]), data

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _one(port: int, path: str, token: str, go: asyncio.Event) -> tuple[float, int, dict]:
    try:
        return await asyncio.wait_for(_exchange(port, path, token, go), timeout=TIMEOUT)
    except (TimeoutError, OSError) as exc:
        print(f"  a request failed: {exc!r}", flush=True)
        return TIMEOUT, 0, {}


async def _exchange(port: int, path: str, token: str, go: asyncio.Event) -> tuple[float, int, dict]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    await go.wait()
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    data = await reader.read()
    elapsed = time.perf_counter() - started
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = {}
    return elapsed, status, payload


async def _burst(port: int, path: str, tokens: list[str]) -> list[tuple[float, int, dict]]:
    go = asyncio.Event()
    tasks = [asyncio.create_task(_one(port, path, token, go)) for token in tokens]
    await asyncio.sleep(2)  # every connection opened (the kernel's backlog holds them) before the go
    go.set()
    return await asyncio.gather(*tasks)


def burst(server: Server, path: str, tokens: list[str]) -> tuple[list[float], list[tuple[int, dict]]]:
    results = asyncio.run(_burst(server.port, path, tokens))
    return [r[0] for r in results], [(r[1], r[2]) for r in results]


def quantiles(times: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(times, n=100)
    return cuts[49] * 1000, cuts[94] * 1000, max(times) * 1000


def check(activity_id: int, answers: list[tuple[int, dict]]) -> list[str]:
    """What is wrong with the outcome (empty: right)."""
    problems = []
    statuses = [status for status, _ in answers]
    errors = len([s for s in statuses if s != 201])
    if errors:
        problems.append(f"{errors} answers were not 201: {sorted(set(statuses))}")
    rows = SignUp.objects.filter(activity_id=activity_id)
    confirmed = rows.filter(status=SignUpStatus.CONFIRMED).count()
    waiting = list(
        rows.filter(status=SignUpStatus.WAITING).order_by("queued_at", "pk").values_list("pk", flat=True)
    )
    if confirmed != PLACES:
        problems.append(f"{confirmed} confirmed, not {PLACES}")
    if len(waiting) != len(answers) - PLACES:
        problems.append(f"{len(waiting)} waiting, not {len(answers) - PLACES}")
    told = {a["id"]: a.get("position") for s, a in answers if s == 201 and a.get("status") == "waiting"}
    expected = {pk: i for i, pk in enumerate(waiting, start=1)}
    if told != expected:
        wrong = sum(1 for pk in expected if told.get(pk) != expected[pk])
        problems.append(f"{wrong} waiting volunteers were told a position other than their place in line")
    return problems


def main() -> int:
    print(
        f"{COUNT:,} concurrent sign-ups for {PLACES} places through gunicorn ({WORKERS} sync workers) | "
        f"{ENV['DATABASE_URL']} | "
        + ("Redis " + os.environ["REDIS_URL"] if os.environ.get("REDIS_URL") else "file cache")
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    activity_id, tokens = seed()
    connection.close()
    server = Server()
    try:
        noop_before, _ = burst(server, "/bench/api-noop/", tokens)
        print("  no-op burst done")
        cache.clear()  # the no-op burst counted against each volunteer's throttle
        started = time.perf_counter()
        signup_times, answers = burst(server, f"/api/activities/{activity_id}/sign-up/", tokens)
        wall = time.perf_counter() - started
        print("  sign-up burst done")
        cache.clear()
        noop_after, _ = burst(server, "/bench/api-noop/", tokens)
    finally:
        server.stop()
    rows = [
        ("no-op API (before)", quantiles(noop_before)),
        ("sign-up", quantiles(signup_times)),
        ("no-op API (after)", quantiles(noop_after)),
    ]
    print(f"  {'burst of ' + str(COUNT):<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, (p50, p95, top) in rows:
        print(f"  {name:<22}{p50:>9.0f}{p95:>9.0f}{top:>9.0f}")
    print(f"  sign-ups: {COUNT / wall:,.0f}/s over the burst ({wall:.1f} s)")
    noop_p95 = (rows[0][1][1] + rows[2][1][1]) / 2
    print(f"  p95 sign-up ÷ p95 no-op: {rows[1][1][1] / noop_p95:.2f} (target ≤ 3)")
    problems = check(activity_id, answers)
    confirmed = SignUp.objects.filter(activity_id=activity_id, status=SignUpStatus.CONFIRMED).count()
    waiting = SignUp.objects.filter(activity_id=activity_id, status=SignUpStatus.WAITING).count()
    errors = sum(1 for status, _ in answers if status != 201)
    print(f"  outcome: {confirmed} confirmed, {waiting} waiting, {errors} errors")
    for problem in problems:
        print(f"  WRONG: {problem}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
