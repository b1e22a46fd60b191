"""Celery tasks of residents: thin wrappers over residents.services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def purge_departed_residents(today: str | None = None) -> int:
    """Clear personal fields of registrations deregistered past the retention period (daily; idempotent)."""
    from . import services

    return services.purge_departed(dt.date.fromisoformat(today) if today else None)


from .tasks_help import escalate_overdue_help_requests  # noqa: E402, F401  (autodiscovery)
