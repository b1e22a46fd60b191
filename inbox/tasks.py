"""Celery tasks of the inbox: thin wrappers over inbox.services.

A fan-out's state lives in the database (FanOut), not in the broker: a lost message or a killed
worker is found again by the sweep, and the claim makes a duplicate message a no-op.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=540, time_limit=600)
def deliver_fanout(fanout_id: int) -> str:
    """Deliver one notification fan-out from its cursor; one not pending is a no-op."""
    from . import services

    try:
        return services.run_fanout(fanout_id)
    except SoftTimeLimitExceeded:
        # The run budget (INBOX_RUN_SECONDS) normally hands over long before this; if a batch
        # hung, give the fan-out back so the sweep continues it from its cursor.
        services.release_fanout(fanout_id)
        return "released"


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep_stalled_fanouts() -> dict[str, list[int]]:
    """Queue again the fan-outs that stalled (run every minute by django-celery-beat)."""
    from . import services

    return services.sweep_stalled_fanouts().as_dict()
