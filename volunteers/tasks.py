"""Celery tasks of the volunteer service: thin wrappers over volunteers.services.

The waiting list's state lives in the database (SignUp.offer_expires_at), not in the broker: the
periodic task polls for expired offers, so a lost message or a killed worker only delays them.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=150)
def expire_offers() -> list[int]:
    """Pass offers not confirmed in time to the next in line (run every minute by django-celery-beat)."""
    from . import services

    return services.expire_offers()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def send_due_reminders() -> dict[str, int]:
    """Send the due reminders once each, finishing those a dead run claimed (every minute, beat)."""
    from . import reminders

    return reminders.send_due_reminders().as_dict()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def flag_behind_branches() -> list[int]:
    """Tell secretaries of branches behind on 三会一课 (daily by django-celery-beat; once per
    branch and month)."""
    from . import compliance

    return compliance.flag_behind_branches()
