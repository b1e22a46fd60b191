"""Celery tasks of activities: thin wrappers over activities.series.

Generation polls the database (every active series) and is idempotent by the unique
(series, occurrence_start): a retried or doubled run creates nothing twice.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def generate_series_occurrences() -> dict[int, int]:
    """Create every active series' occurrences within the horizon (run hourly by django-celery-beat)."""
    from . import series

    return series.generate_all()
