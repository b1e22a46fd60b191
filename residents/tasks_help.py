"""Celery tasks of help requests: thin wrappers over residents.services_help."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def escalate_overdue_help_requests(now: str | None = None) -> list[int]:
    """Pass open help requests past their due time to the street (every 15 minutes; once each)."""
    from . import services_help

    return services_help.escalate_overdue(dt.datetime.fromisoformat(now) if now else None)
