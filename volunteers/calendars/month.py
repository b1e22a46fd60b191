"""The month view's grid: weeks of days (Monday first), each with the activities starting on it."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from activities.models import Activity


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    activities: list[Activity] = field(default_factory=list)


def month_grid(year: int, month: int, activities: Iterable[Activity]) -> list[list[Day]]:
    """Weeks covering the month; each activity on the local date it starts."""
    by_date: dict[dt.date, list[Activity]] = defaultdict(list)
    for activity in activities:
        by_date[timezone.localtime(activity.starts_at).date()].append(activity)
    today = timezone.localdate()
    return [
        [Day(day, day.month == month, day == today, by_date.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
