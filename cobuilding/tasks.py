"""Celery tasks of co-building: thin wrappers over cobuilding's modules."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def flag_expiring_agreements(today: str | None = None) -> list[int]:
    """Tell both sides of agreements ending within 30 days (daily; idempotent per person and end date)."""
    from . import expiry

    return expiry.flag_expiring(dt.date.fromisoformat(today) if today else None)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def flag_overdue_decisions(today: str | None = None) -> list[int]:
    """Tell owners and communities of joint-meeting decisions past due (daily; once per person)."""
    from . import overdue

    return overdue.flag_overdue(dt.date.fromisoformat(today) if today else None)
