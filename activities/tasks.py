"""Celery tasks of activities: thin wrappers over activities.services and activities.series.

Both poll the database and are idempotent: closing is a conditional update, and generation is
unique by (series, occurrence_start), so a retried or doubled run does nothing twice.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def close_due_signups() -> list[int]:
    """Close sign-up of activities whose deadline passed (run every 5 minutes by django-celery-beat)."""
    from . import services

    return services.close_due_signups()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def generate_series_occurrences() -> dict[int, int]:
    """Create every active series' occurrences within the horizon (run hourly by django-celery-beat)."""
    from . import series

    return series.generate_all()
