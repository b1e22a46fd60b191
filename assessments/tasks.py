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
    """Remind members who have not rated, once per member and cycle, while rating is open. The
    beat runs send_reminders (which includes this) since migration 0005; kept for messages
    queued before it and to run the rating part alone."""
    from . import rating_reminders

    return rating_reminders.remind_raters()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=360)
def send_reminders(today: str | None = None) -> dict[str, int]:
    """Every reminder of the assessment that is due, each person once per cause: members to rate
    (rating_reminders), secretaries about a missing reflection or yearly report, the committee
    about secretaries not yet scored (reminders). The beat runs it hourly; a scheduled run outside
    ASSESSMENTS_REMINDER_HOURS sends nothing (nobody is e-mailed at night). `today` (ISO date)
    stands in for the local date and runs whatever the hour (tests, catching up by hand)."""
    from . import rating_reminders, reminders

    if today is None and not reminders.in_sending_hours():
        return {}
    day = dt.date.fromisoformat(today) if today else None
    told = reminders.remind_all(day)
    told["rate"] = rating_reminders.remind_raters(day)
    return told
