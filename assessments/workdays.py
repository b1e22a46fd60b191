"""Chinese working days: the weekday rule, corrected by the Holiday table.

A day is a working day when it is Monday–Friday and not listed as a day off, or when it is a
weekend day listed as an extra working day (调休上班). The table is seeded from the
chinese-calendar package (which knows the State Council's schedule up to its release year) and
edited by hand: seeding never overwrites a row, so a hand-entered row overrides the package, and
a year the package does not know yet works from hand-entered rows alone.

A year is seeded automatically the first time a date in it is asked about, if the package knows
it and the table holds no package rows for it. Every function reads the table for the whole span
it needs in one query (two more the first time a year is seeded).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.db import transaction

from .models import Holiday, HolidayKind, HolidaySource

# Holiday names in the package are English values of its Holiday enum; store the Chinese name.
_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def package_knows(year: int) -> bool:
    """Whether the installed chinese-calendar has the official schedule for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def package_rows(year: int) -> list[Holiday]:
    """The package's days of `year` that break the weekday rule, as unsaved Holiday rows: weekdays
    off and weekend days worked (its weekend days inside a holiday need no row)."""
    rows = [
        Holiday(date=day, kind=HolidayKind.DAY_OFF, name=_chinese(name), source=HolidaySource.PACKAGE)
        for day, name in chinese_calendar.holidays.items()
        if day.year == year and day.weekday() < 5
    ]
    rows += [
        Holiday(date=day, kind=HolidayKind.WORKING_DAY, name=_chinese(name), source=HolidaySource.PACKAGE)
        for day, name in chinese_calendar.workdays.items()
        if day.year == year and day.weekday() >= 5
    ]
    return sorted(rows, key=lambda row: row.date)


def _chinese(name: str | None) -> str:
    return _CHINESE_NAMES.get(name, name or "")


def seed_year(year: int) -> int:
    """Store the package's rows of `year` that the table lacks; return how many were added.

    Rows already present (hand-entered or seeded before) are kept as they are. A year the package
    does not know adds nothing.
    """
    if not package_knows(year):
        return 0
    rows = package_rows(year)
    with transaction.atomic():
        existing = set(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
        new = [row for row in rows if row.date not in existing]
        Holiday.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _calendar(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Holiday kinds by date for the whole years from `first` to `last`, in one query; years the
    package knows but the table has no package rows for are seeded first (then read again)."""
    rows = _rows(first.year, last.year)
    seeded = {day.year for day, _kind, source in rows if source == HolidaySource.PACKAGE}
    missing = [
        year for year in range(first.year, last.year + 1) if year not in seeded and package_knows(year)
    ]
    if missing:
        for year in missing:
            seed_year(year)
        rows = _rows(first.year, last.year)
    return {day: kind for day, kind, _source in rows}


def _rows(first_year: int, last_year: int) -> list[tuple[dt.date, str, str]]:
    return list(
        Holiday.objects.filter(
            date__gte=dt.date(first_year, 1, 1), date__lte=dt.date(last_year, 12, 31)
        ).values_list("date", "kind", "source")
    )


def _working(day: dt.date, calendar: dict[dt.date, str]) -> bool:
    kind = calendar.get(day)
    if kind == HolidayKind.DAY_OFF:
        return False
    if kind == HolidayKind.WORKING_DAY:
        return True
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a Chinese working day."""
    return _working(day, _calendar(day, day))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day on which the `n`th working day after `start` falls, counting from the day after.

    The 公示 window opened on `start` for `n` working days ends at the end of this day. `n` = 0
    gives `start`.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    # Long enough for n working days around the longest holidays (Spring Festival, National Day);
    # extended, one more query each time, only if a hand-made calendar is stranger than that.
    span = n * 7 // 5 + 21
    first = start + dt.timedelta(days=1)
    while True:
        last = first + dt.timedelta(days=span)
        calendar = _calendar(first, last)
        day = first
        while day <= last:
            if _working(day, calendar):
                n -= 1
                if n == 0:
                    return day
            day += dt.timedelta(days=1)
        first = last + dt.timedelta(days=1)


def working_days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The working days from `first` to `last`, both included."""
    calendar = _calendar(first, last)
    days = []
    day = first
    while day <= last:
        if _working(day, calendar):
            days.append(day)
        day += dt.timedelta(days=1)
    return days
