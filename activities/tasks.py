"""Celery tasks of the activities app: thin wrappers over activities.services."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def close_due_signups() -> list[int]:
    """Close sign-up of activities whose deadline passed (run every 5 minutes by django-celery-beat)."""
    from . import services

    return services.close_due_signups()
