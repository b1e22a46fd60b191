"""Celery tasks of the assessment: thin wrappers over assessments.services.

The cycle's phase lives in the database; the periodic task polls it (hourly, django-celery-beat),
so a lost message or a stopped worker only delays a move.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def advance_cycles(today: str | None = None) -> list[list]:
    """Move every cycle whose next phase date has come; make final those whose 公示 window closed
    with no open objection. `today` (ISO date) stands in for the local date (tests, catching up)."""
    from . import services

    day = dt.date.fromisoformat(today) if today else None
    return [[pk, phase] for pk, phase in services.advance_due(day)]


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def remind_raters() -> int:
    """Remind members who have not rated, once per member and cycle, while rating is open."""
    from . import rating_reminders

    return rating_reminders.remind_raters()
