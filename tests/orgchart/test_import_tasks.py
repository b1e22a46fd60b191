"""Large roster imports on a REAL Celery worker: progress, idempotence, the stalled-job sweep.

Tests that use the worker commit their data (transaction=True) so the worker thread, with its
own database connection, sees it.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from orgchart import roster, tasks
from orgchart.models import ImportJob, ImportStatus, Member
from tests.beat import beat_row, interval
from tests.celery_worker import wait_for
from tests.factories.roster import roster_row, roster_xlsx, upload

LARGE = 500


def stored_job(actor, rows, **fields) -> ImportJob:
    """A job whose file is stored, as the upload of a large file leaves it."""
    job = ImportJob(original_name="党员名册.xlsx", total_rows=len(rows), created_by=actor, **fields)
    job.file.save("党员名册.xlsx", ContentFile(roster_xlsx(rows)), save=False)
    job.save()
    return job


def finished(job_id: int) -> bool:
    return ImportJob.objects.get(pk=job_id).is_finished


@pytest.mark.django_db(transaction=True)
def test_large_import_runs_on_the_worker_and_the_status_reports_succeeded(
    client, street, roles, settings, celery_worker
):
    settings.IMPORT_INLINE_MAX_ROWS = 50
    client.force_login(roles["street_secretary"])
    rows = [roster_row("SQ1-ZB1" if i % 2 else "SQ2-ZB1-XZ1") for i in range(LARGE)]
    before = Member.objects.count()

    response = client.post(reverse("orgchart:roster_import"), {"file": upload(roster_xlsx(rows))})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("orgchart:roster_job", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and 'id="job-progress"' in page.content.decode()
    status_url = reverse("orgchart:roster_job_status", args=[job.pk])
    seen: list[dict] = []

    def done() -> bool:
        seen.append(client.get(status_url).json())
        return seen[-1]["is_finished"]

    assert wait_for(done, timeout=120), seen[-1]
    assert seen[-1]["status"] == "succeeded"
    assert seen[-1]["imported_count"] == LARGE and seen[-1]["progress_percent"] == 100
    assert Member.objects.count() == before + LARGE
    job.refresh_from_db()
    assert job.attempts == 1 and job.processed_rows == LARGE
    # The upload (identity numbers) is deleted once done: after the finishing commit, so a status
    # poll may see "finished" a moment before the file is gone.
    assert wait_for(lambda: not ImportJob.objects.get(pk=job.pk).file, timeout=30)
    final_page = client.get(response.url).content.decode()
    assert 'id="job-errors"' not in final_page and 'id="job-refresh"' not in final_page


@pytest.mark.django_db(transaction=True)
def test_large_import_with_a_bad_row_imports_nothing_on_the_worker(
    client, street, roles, settings, celery_worker
):
    settings.IMPORT_INLINE_MAX_ROWS = 50
    client.force_login(roles["street_secretary"])
    rows = [roster_row("SQ1-ZB1") for _ in range(120)]
    rows[99]["手机号码"] = "110"  # line 101
    before = Member.objects.count()

    client.post(reverse("orgchart:roster_import"), {"file": upload(roster_xlsx(rows))})

    job = ImportJob.objects.get()
    assert wait_for(lambda: finished(job.pk), timeout=60)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert [(e["line"], e["column"]) for e in job.errors] == [(101, "手机号码")]
    assert Member.objects.count() == before
    page = client.get(reverse("orgchart:roster_job", args=[job.pk])).content.decode()
    assert "手机号码" in page and "101" in page


@pytest.mark.django_db(transaction=True)
def test_run_import_called_twice_imports_once(street, roles):
    rows = [roster_row("SQ1-ZB1") for _ in range(30)]
    job = stored_job(roles["street_secretary"], rows)
    before = Member.objects.count()

    assert tasks.run_import(job.pk) == "succeeded"
    assert tasks.run_import(job.pk) == "skipped"

    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and job.attempts == 1
    assert Member.objects.count() == before + 30


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_job_import_it_once(street, roles):
    rows = [roster_row("SQ1-ZB1") for _ in range(30)]
    job = stored_job(roles["street_secretary"], rows)
    before = Member.objects.count()
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(tasks.run_import(job.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes) == ["skipped", "succeeded"]
    assert Member.objects.count() == before + 30


@pytest.mark.django_db(transaction=True)
def test_stalled_running_job_is_requeued_by_the_sweep_and_completes(street, roles, celery_worker):
    # A worker died mid-run: the job says running, its heartbeat is ten minutes old, and no
    # member was written (the insert and the "succeeded" mark commit together).
    rows = [roster_row("SQ1-ZB1") for _ in range(40)]
    stale = timezone.now() - dt.timedelta(minutes=10)
    job = stored_job(
        roles["street_secretary"],
        rows,
        status=ImportStatus.RUNNING,
        attempts=1,
        processed_rows=20,
        started_at=stale,
        heartbeat_at=stale,
    )
    before = Member.objects.count()

    report = tasks.sweep_stalled_imports()

    assert report == {"requeued": [job.pk], "failed": []}
    assert wait_for(lambda: finished(job.pk), timeout=60)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and job.attempts == 2
    assert Member.objects.count() == before + 40


@pytest.mark.django_db(transaction=True)
def test_pending_job_whose_message_was_lost_is_requeued_and_completes(street, roles, celery_worker):
    rows = [roster_row("SQ1-ZB1") for _ in range(10)]
    job = stored_job(roles["street_secretary"], rows)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=3))

    # the sweep runs on the worker too, as beat would send it
    tasks.sweep_stalled_imports.delay()

    assert wait_for(lambda: finished(job.pk), timeout=60)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.SUCCEEDED


def test_sweep_leaves_fresh_and_finished_jobs_alone(street, roles):
    actor = roles["street_secretary"]
    now = timezone.now()
    ImportJob.objects.create(created_by=actor, status=ImportStatus.RUNNING, attempts=1, heartbeat_at=now)
    ImportJob.objects.create(created_by=actor)  # just uploaded
    old = now - dt.timedelta(hours=1)
    ImportJob.objects.create(
        created_by=actor, status=ImportStatus.SUCCEEDED, heartbeat_at=old, finished_at=old
    )

    assert roster.sweep_stalled_imports().as_dict() == {"requeued": [], "failed": []}


def test_job_that_stalled_five_times_fails_with_a_reason(street, roles):
    stale = timezone.now() - dt.timedelta(minutes=6)
    job = ImportJob.objects.create(
        created_by=roles["street_secretary"],
        status=ImportStatus.RUNNING,
        attempts=roster.MAX_ATTEMPTS,
        started_at=stale,
        heartbeat_at=stale,
    )

    report = roster.sweep_stalled_imports()

    job.refresh_from_db()
    assert report.failed == [job.pk] and report.requeued == []
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["line"] is None and str(roster.MAX_ATTEMPTS) in job.errors[0]["message"]


def test_a_job_whose_file_is_gone_fails_instead_of_crashing(street, roles):
    job = ImportJob.objects.create(created_by=roles["street_secretary"], file="imports/missing.xlsx")

    assert tasks.run_import(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and len(job.errors) == 1


def test_sweep_schedule_is_stored_for_the_database_scheduler(db):
    task = beat_row("orgchart.0002_import_sweep_schedule")
    assert task.task == "orgchart.tasks.sweep_stalled_imports"
    assert task.enabled and interval(task) == (1, "minutes")


def test_tasks_acknowledge_late_and_have_time_limits():
    for task in (tasks.run_import, tasks.sweep_stalled_imports):
        assert task.acks_late
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit
