"""Benchmark: reminder fan-out through one Celery worker, against a no-op task on the same broker.

    .venv/bin/python bench/reminders.py                      # SQLite file + filesystem broker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/reminders.py                  # PostgreSQL + Redis

Never part of `make test`. Its own database (a SQLite file under var/bench/reminders/, or the
server's database `<name>_reminders`, created if missing), migrated; then:

1. one Celery worker (`--pool=solo`, the production settings) with the bench's own tasks;
2. **no-op**: BENCH_NOOPS (20,000 on Redis, 2,000 on the filesystem broker) messages of a task
   that does nothing, between two that stamp the time: tasks per second through the broker and
   the worker;
3. **reminders**: BENCH_REMINDERS (100,000) confirmed sign-ups whose 24-hour reminder is due
   (activities starting in 20 hours, places confirmed days ago), then one `send_due_reminders`
   message; timed until every reminder is recorded sent and is in its person's inbox (the inbox
   deliveries run on the same worker): reminders per second;
4. the no-op burst again, since the machine's load drifts; the ratio uses the mean of both.

Prints both rates and reminders/s ÷ no-op tasks/s (the issue's target: at least 0.5).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")
# Kombu's filesystem transport lists its folder for every message: a deep backlog slows each one,
# so the no-op burst there is smaller (the reminders never queue more than a few hundred).
NOOPS = int(os.environ.get("BENCH_NOOPS", "20000" if os.environ.get("REDIS_URL") else "2000"))
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "100000"))
PER_ACTIVITY = 500  # sign-ups per activity: 200 activities for 100,000 reminders
TITLE = "基准提醒活动"
SECRETS = {
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key",
}


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    url = os.environ.get("DATABASE_URL", "")
    env["PORTAL_VAR_DIR"] = str(ROOT / "var" / "bench" / f"reminders{'-pg' if url else ''}")
    if url:
        env["DATABASE_URL"] = f"{url.rstrip('/')}_reminders"
    return {**env, **SECRETS, "DJANGO_SETTINGS_MODULE": "bench.worker_settings", "DEBUG": "false"}


ENV = bench_env()
os.environ.update(ENV)
Path(ENV["PORTAL_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
if ENV.get("DATABASE_URL"):
    from bench.web import ensure_postgres_database

    ensure_postgres_database(ENV["DATABASE_URL"])
subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=ENV, check=True)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.models import Activity, ActivityKind, ActivityState, Eligibility  # noqa: E402
from bench import tasks as bench_tasks  # noqa: E402
from inbox.models import FanOut, FanOutStatus, Notification  # noqa: E402
from orgchart.models import Organisation, OrgKind  # noqa: E402
from portal.celery import app  # noqa: E402
from volunteers import tasks as volunteer_tasks  # noqa: E402
from volunteers.models import ReminderSent, ReminderState, SignUp, SignUpStatus  # noqa: E402


def clear_previous_run() -> None:
    with transaction.atomic():
        Notification.objects.filter(cause_key__startswith="reminder:").delete()
        FanOut.objects.filter(cause_key__startswith="reminder-batch:").delete()
        ReminderSent.objects.all().delete()
        SignUp.objects.filter(activity__title=TITLE).delete()
        Activity.objects.filter(title=TITLE).delete()


def seed(total: int) -> None:
    """`total` confirmed sign-ups, PER_ACTIVITY to an activity, each person on many activities."""
    started = time.perf_counter()
    street = Organisation.objects.filter(code="BENCH-R").first() or Organisation.add_root(
        name="基准街道", code="BENCH-R", kind=OrgKind.STREET
    )
    users = get_user_model()
    have = users.objects.filter(username__startswith="bench-r-").count()
    users.objects.bulk_create(
        [users(username=f"bench-r-{i:05d}", password="!") for i in range(have, PER_ACTIVITY)],
        batch_size=1000,
    )
    people = list(
        users.objects.filter(username__startswith="bench-r-").order_by("pk").values_list("pk", flat=True)
    )
    now = timezone.now()
    starts = now + dt.timedelta(hours=20)
    activities = Activity.objects.bulk_create(
        [
            Activity(
                kind=ActivityKind.VOLUNTEER_SERVICE,
                organiser=street,
                title=TITLE,
                place="社区党群服务中心",
                starts_at=starts + dt.timedelta(minutes=i),
                ends_at=starts + dt.timedelta(minutes=i, hours=2),
                capacity=PER_ACTIVITY,
                eligibility=Eligibility.ANYONE,
                state=ActivityState.OPEN,
            )
            for i in range(-(-total // PER_ACTIVITY))
        ]
    )
    confirmed = now - dt.timedelta(days=3)
    rows = [
        SignUp(
            activity=activity,
            person_id=person,
            status=SignUpStatus.CONFIRMED,
            queued_at=confirmed,
            confirmed_at=confirmed,
        )
        for activity in activities
        for person in people
    ][:total]
    SignUp.objects.bulk_create(rows, batch_size=2000)
    print(f"  seeded {len(rows):,} due reminders in {time.perf_counter() - started:.0f} s")


class Worker:
    def __init__(self) -> None:
        self.log = Path(ENV["PORTAL_VAR_DIR"]) / "worker.log"
        self.proc = subprocess.Popen(
            [CELERY, "-A", "portal", "worker", "--pool=solo", "-I", "bench.tasks", "-l", "warning"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=ENV,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(0.2)


def noop_rate(count: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-noop-"))
    first, last = folder / "first", folder / "last"
    bench_tasks.stamp.delay(str(first))
    for _ in range(count):
        bench_tasks.noop.delay()
    bench_tasks.stamp.delay(str(last))
    wait(lambda: last.exists() and last.read_text(), 600, "the no-op burst")
    return count / (float(last.read_text()) - float(first.read_text()))


def reminder_rate(total: int) -> tuple[float, int]:
    sent = ReminderSent.objects.filter(state=ReminderState.SENT)
    inbox = Notification.objects.filter(cause_key__startswith="reminder:")
    open_fanouts = FanOut.objects.filter(
        cause_key__startswith="reminder-batch:", status__in=(FanOutStatus.PENDING, FanOutStatus.RUNNING)
    )
    started = time.perf_counter()
    volunteer_tasks.send_due_reminders.delay()
    wait(lambda: sent.count() >= total, 3600, "the reminders to be recorded sent")
    wait(lambda: inbox.count() >= total and not open_fanouts.exists(), 3600, "the inbox deliveries")
    elapsed = time.perf_counter() - started
    connection.close()
    return total / elapsed, inbox.count()


def main() -> int:
    db = ENV.get("DATABASE_URL") or "SQLite (var/bench/reminders/)"
    broker = "Redis " + os.environ["REDIS_URL"] if os.environ.get("REDIS_URL") else "filesystem broker"
    print(f"Reminders through one Celery worker (solo pool) | {db} | {broker}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    app.control.purge()
    clear_previous_run()
    seed(REMINDERS)
    worker = Worker()
    try:
        before = noop_rate(NOOPS)
        print(f"  no-op task (before):  {before:>9,.0f} tasks/s")
        rate, delivered = reminder_rate(REMINDERS)
        print(f"  reminders:            {rate:>9,.0f} reminders/s ({delivered:,} in the inbox)")
        after = noop_rate(NOOPS)
        print(f"  no-op task (after):   {after:>9,.0f} tasks/s")
    finally:
        worker.stop()
    noop = (before + after) / 2
    print(f"  reminders/s ÷ no-op tasks/s: {rate / noop:.2f} (target ≥ 0.5)")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
