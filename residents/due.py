"""When a help request is due: its service item's answer time, counted from when it was filed.

- Hours (urgent items): filed + N hours.
- Working days: the end (23:59:59, Asia/Shanghai) of the Nth working day after the day it was
  filed (the filing day itself does not count). A working day is Monday–Friday unless it is a
  Chinese public holiday, or a weekend day worked instead (调休上班), as the chinese-calendar
  package knows them. For a year the package does not know yet (it ships the State Council's
  schedule up to its release year) plain weekends are used, silently: upgrade the package when
  the new schedule is published.

Computed once, when the request is filed, and stored in HelpRequest.due_at, so the escalation
task's query (open requests with due_at < now) stays one indexed filter.
(assessments.workdays keeps a hand-editable calendar table for 公示 windows; residents may not
import assessments — independent layers — so this reads the package directly.)
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils import timezone

from .models_help import DueUnit, ServiceItem

SHANGHAI = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    """A Chinese working day (holidays and 调休 by the package; weekends only where it lacks the year)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    """The `n`th working day after `day` (n >= 1)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    while n:
        day += dt.timedelta(days=1)
        n -= is_working_day(day)
    return day


def due_at(item: ServiceItem, filed_at: dt.datetime | None = None) -> dt.datetime:
    """When a request for `item` filed at `filed_at` (now by default) is overdue (aware)."""
    filed_at = filed_at or timezone.now()
    if item.due_unit == DueUnit.WORKING_DAYS:
        last = nth_working_day_after(filed_at.astimezone(SHANGHAI).date(), item.due_working_days)
        return dt.datetime.combine(last, dt.time.max, tzinfo=SHANGHAI)
    return filed_at + dt.timedelta(hours=item.due_hours)
