"""Celery tasks of the organisation chart: thin wrappers over orgchart.roster's import jobs.

The state of an import lives in ImportJob, not in the broker: a task that is lost (a worker
killed while the filesystem transport holds no copy) is found again by the periodic sweep.

Tasks import what they call inside the function; the roster jobs module imports this one at
module level (`run_import as run_import_task`), so the two never import each other in a circle.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils.translation import gettext as _


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def run_import(job_id: int) -> str:
    """Check and import one roster job; a job not pending (finished, running elsewhere) is a no-op."""
    from .roster.jobs import fail_job, run_import_job

    try:
        return run_import_job(job_id)
    except SoftTimeLimitExceeded:
        # Re-running would take as long again: stop with a reason the uploader can act on.
        fail_job(job_id, _("The import took too long and was stopped; split the file and try again."))
        return "failed"


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep_stalled_imports() -> dict[str, list[int]]:
    """Re-queue import jobs whose worker died or whose message was lost (run every minute)."""
    from .roster.jobs import sweep_stalled_imports as sweep

    return sweep().as_dict()
