"""Import jobs: start, claim, run to the end all-or-nothing, fail, and the stalled-job sweep.

An import is all-or-nothing. Every row is read and validated first (no writes except progress
on the ImportJob); only when no row has an error are all members inserted, in one transaction
that also marks the job succeeded. A job killed half-way has written no member and stays
re-runnable; the sweep (`sweep_stalled_imports`) re-queues it.

The job records the organisations its rows target (those the uploader manages): whoever manages
one of them sees the job (orgchart.access.visible_import_jobs).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..cache import organisation_data_changed
from ..models import ImportJob, ImportStatus, Member
from ..tasks import run_import as run_import_task
from .reader import RosterFileError, SheetRow, open_roster, read_roster
from .validation import RowError, validate_rows

log = logging.getLogger(__name__)

INSERT_BATCH = 500
# Sweep thresholds: a pending job not picked up, a running job with no heartbeat.
PENDING_STALL = timedelta(minutes=2)
RUNNING_STALL = timedelta(minutes=5)
MAX_ATTEMPTS = 5


class JobLost(Exception):
    """This run no longer owns the job (the sweep handed it to another run)."""


def start_import(upload: File, *, actor) -> ImportJob:
    """Check an uploaded roster and import it: in the request when small, else on a worker.

    A bad file raises RosterFileError before anything is written. Small files run at once
    (the returned job is finished); bigger ones are stored and queued after commit. Only the
    first IMPORT_INLINE_MAX_ROWS + 1 rows of a big file are read here; the worker reads the
    rest (and refuses a file over MAX_ROWS rows, importing nothing).
    """
    if not access.is_manager(actor):
        raise PermissionDenied(_("Only secretaries and organisation staff may import members."))
    sheet = open_roster(upload, stop_after=settings.IMPORT_INLINE_MAX_ROWS)
    name = getattr(upload, "name", "") or "roster.xlsx"
    if sheet.complete:
        # Small rosters: no stored file (personal data kept no longer than needed).
        job = ImportJob.objects.create(original_name=name, total_rows=len(sheet.rows), created_by=actor)
        run_import_job(job.pk, rows=sheet.rows)
    else:
        upload.seek(0)
        with transaction.atomic():
            job = ImportJob(original_name=name, total_rows=sheet.declared_rows, created_by=actor)
            job.file.save(name, upload, save=False)
            job.save()
            run_import_task.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> int | None:
    """Take a pending job for this run; return its attempt number, or None if not pending.

    A conditional UPDATE, so two workers, a retry and a re-queued duplicate never both run it.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        processed_rows=0,
        errors=[],
    )
    if not claimed:
        return None
    return ImportJob.objects.values_list("attempts", flat=True).get(pk=job_id)


def _owned(job_id: int, attempt: int):
    return ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING, attempts=attempt)


def _heartbeat(job_id: int, attempt: int, **fields: Any) -> None:
    if not _owned(job_id, attempt).update(heartbeat_at=timezone.now(), **fields):
        raise JobLost(job_id)


def _finish_failed(job_id: int, attempt: int, errors: Iterable[RowError]) -> None:
    now = timezone.now()
    updated = _owned(job_id, attempt).update(
        status=ImportStatus.FAILED,
        errors=[error.as_dict() for error in errors],
        imported_count=0,
        finished_at=now,
        heartbeat_at=now,
    )
    if not updated:
        raise JobLost(job_id)
    _discard_file_on_commit(job_id)


def _discard_file_on_commit(job_id: int) -> None:
    """A finished job needs its upload no more; it holds identity numbers, so delete it."""

    def discard() -> None:
        job = ImportJob.objects.filter(pk=job_id).only("file").first()
        if job is not None and job.file:
            job.file.delete(save=False)
            ImportJob.objects.filter(pk=job_id).update(file="")

    transaction.on_commit(discard)


def run_import_job(job_id: int, rows: Sequence[SheetRow] | None = None) -> str:
    """Run one import job to the end; a job not pending (running elsewhere, finished) is a no-op.

    Returns what happened: "succeeded", "failed", "skipped" or "lost".
    """
    attempt = _claim(job_id)
    if attempt is None:
        return "skipped"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        return _run_claimed(job, attempt, rows)
    except JobLost:
        log.warning("import job %s was taken over by another run", job_id)
        return "lost"


def _run_claimed(job: ImportJob, attempt: int, rows: Sequence[SheetRow] | None) -> str:
    actor = job.created_by
    if actor is None or not actor.is_active:
        _finish_failed(
            job.pk, attempt, [RowError(None, "", _("The account that uploaded this file is gone."))]
        )
        return "failed"
    if rows is None:
        try:
            with job.file.open("rb") as fileobj:
                rows = read_roster(fileobj)
        except RosterFileError as exc:
            _finish_failed(job.pk, attempt, [RowError(None, "", exc.message)])
            return "failed"
        except (OSError, ValueError):  # no file stored, or it vanished
            _finish_failed(
                job.pk, attempt, [RowError(None, "", _("The uploaded file is missing; upload it again."))]
            )
            return "failed"
        _heartbeat(job.pk, attempt, total_rows=len(rows))

    def progress(done: int) -> None:
        _heartbeat(job.pk, attempt, processed_rows=done)

    outcome = validate_rows(rows, actor, progress=progress)
    job.organisations.set(outcome.organisation_ids)
    if outcome.errors:
        _finish_failed(job.pk, attempt, outcome.errors)
        return "failed"
    try:
        with transaction.atomic():
            # Insert and mark succeeded together: a kill before commit leaves nothing imported.
            if not list(_owned(job.pk, attempt).select_for_update().values_list("pk", flat=True)):
                raise JobLost(job.pk)
            Member.objects.bulk_create(outcome.members, batch_size=INSERT_BATCH)
            organisation_data_changed()  # bulk_create sends no post_save
            now = timezone.now()
            _owned(job.pk, attempt).update(
                status=ImportStatus.SUCCEEDED,
                imported_count=len(outcome.members),
                processed_rows=len(rows),
                errors=[],
                finished_at=now,
                heartbeat_at=now,
            )
            _discard_file_on_commit(job.pk)
    except IntegrityError:
        # Someone registered one of these ID numbers after the check; nothing was inserted.
        log.info("import job %s hit a duplicate at insert time", job.pk, exc_info=True)
        _finish_failed(
            job.pk,
            attempt,
            [RowError(None, "", _("Members were registered while this file was checked; upload it again."))],
        )
        return "failed"
    log.info("import job %s imported %d members", job.pk, len(outcome.members))
    return "succeeded"


def fail_job(job_id: int, message: str) -> bool:
    """Mark a job that is not finished as failed with one reason (e.g. it ran out of time)."""
    now = timezone.now()
    updated = ImportJob.objects.filter(
        pk=job_id, status__in=(ImportStatus.PENDING, ImportStatus.RUNNING)
    ).update(
        status=ImportStatus.FAILED,
        errors=[RowError(None, "", message).as_dict()],
        finished_at=now,
        heartbeat_at=now,
    )
    if updated:
        _discard_file_on_commit(job_id)
    return bool(updated)


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"requeued": self.requeued, "failed": self.failed}


def sweep_stalled_imports(now: dt.datetime | None = None) -> SweepReport:
    """Re-queue jobs whose worker died or whose message was lost; give up after MAX_ATTEMPTS.

    Pending jobs not picked up within PENDING_STALL are queued again (a duplicate message is
    harmless: the claim lets one run through). Running jobs without a heartbeat for
    RUNNING_STALL go back to pending and are queued, unless they have already been started
    MAX_ATTEMPTS times: then they fail with a reason.
    """
    now = now or timezone.now()
    report = SweepReport()
    running_cutoff, pending_cutoff = now - RUNNING_STALL, now - PENDING_STALL
    stalled_running = Q(status=ImportStatus.RUNNING) & (
        Q(heartbeat_at__lt=running_cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=running_cutoff)
    )
    for job_id, attempts in ImportJob.objects.filter(stalled_running).values_list("pk", "attempts"):
        same = ImportJob.objects.filter(stalled_running, pk=job_id, attempts=attempts)
        if attempts >= MAX_ATTEMPTS:
            message = _(
                "The import was interrupted %(count)d times and has been stopped; upload the file again."
            ) % {"count": attempts}
            if same.update(
                status=ImportStatus.FAILED,
                errors=[RowError(None, "", message).as_dict()],
                finished_at=now,
                heartbeat_at=now,
            ):
                _discard_file_on_commit(job_id)
                report.failed.append(job_id)
        elif same.update(status=ImportStatus.PENDING, heartbeat_at=now):
            report.requeued.append(job_id)
    # A pending job's heartbeat_at records when it was last queued.
    stalled_pending = Q(status=ImportStatus.PENDING) & (
        Q(heartbeat_at__lt=pending_cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=pending_cutoff)
    )
    for job_id in ImportJob.objects.filter(stalled_pending).values_list("pk", flat=True):
        if ImportJob.objects.filter(stalled_pending, pk=job_id).update(heartbeat_at=now):
            report.requeued.append(job_id)
    for job_id in report.requeued:
        run_import_task.delay_on_commit(job_id)
    if report.requeued or report.failed:
        log.warning("import sweep: re-queued %s, failed %s", report.requeued, report.failed)
    return report
