"""Recurrence rules for people: a rule in words, the presets offered, the next dates a rule gives.

`describe_rule` words the rules a community actually uses — WEEKLY with BYDAY and INTERVAL,
MONTHLY with an ordinal BYDAY ("the first Saturday", "the last Friday") or BYMONTHDAY (15, -1:
the last day), DAILY (with BYDAY on days of the week) — through gettext, so the zh-hans
catalogue reads them as 每周六, 每两周的周二、周四, 每月第一个周六, 每月最后一天. Any other rule is
shown as it is written: a wrong description is worse than the raw rule.

The checks of a rule are activities.series' (build_schedule, check_series); this module only
reads rules those checks accept, and `next_dates` runs the same checks before it answers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import series as series_rules

if TYPE_CHECKING:
    from .models import ActivitySeries

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The parts a rule in words can say; a rule with any other part is shown as written.
WORDED_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST"})
# How many dates the admin's preview shows.
PREVIEW_DATES = 8

# The rules offered as presets in the admin (their labels are their words); anything else is
# typed as an RRULE.
PRESETS = (
    "FREQ=WEEKLY;BYDAY=SA",
    "FREQ=WEEKLY;BYDAY=SU",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
    "FREQ=MONTHLY;BYDAY=1SA",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYMONTHDAY=1",
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=DAILY",
)


def _day_name(code: str) -> str:
    return {
        "MO": pgettext("recurrence", "Monday"),
        "TU": pgettext("recurrence", "Tuesday"),
        "WE": pgettext("recurrence", "Wednesday"),
        "TH": pgettext("recurrence", "Thursday"),
        "FR": pgettext("recurrence", "Friday"),
        "SA": pgettext("recurrence", "Saturday"),
        "SU": pgettext("recurrence", "Sunday"),
    }[code]


def _ordinal(n: int) -> str | None:
    return {
        1: pgettext("recurrence", "first"),
        2: pgettext("recurrence", "second"),
        3: pgettext("recurrence", "third"),
        4: pgettext("recurrence", "fourth"),
        5: pgettext("recurrence", "fifth"),
        -1: pgettext("recurrence", "last"),
        -2: pgettext("recurrence", "second to last"),
    }.get(n)


def _join(items: list[str]) -> str:
    return pgettext("recurrence list separator", ", ").join(items)


class _NotWorded(Exception):
    """The rule says something describe_rule does not word; it is shown as written."""


def _parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not value or name in parts or name not in WORDED_PARTS:
            raise _NotWorded
        parts[name] = value
    return parts


def _interval(parts: dict[str, str]) -> int:
    value = parts.get("INTERVAL", "1")
    if not value.isdigit() or int(value) < 1:
        raise _NotWorded
    return int(value)


def _weekdays(value: str) -> list[str]:
    """Plain days of the week (no ordinals), in week order."""
    days = value.split(",")
    if any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days):
        raise _NotWorded
    return [_day_name(day) for day in sorted(days, key=WEEKDAYS.index)]


def _nth_weekdays(value: str) -> list[str]:
    """Days with an ordinal ("1SA", "-1FR"): "the first Saturday", "the last Friday"."""
    found = []
    for item in value.split(","):
        code, number = item[-2:], item[:-2]
        try:
            ordinal = _ordinal(int(number.lstrip("+")))
        except ValueError:
            raise _NotWorded from None
        if code not in WEEKDAYS or ordinal is None:
            raise _NotWorded
        found.append(_("the %(ordinal)s %(day)s") % {"ordinal": ordinal, "day": _day_name(code)})
    return found


def _month_days(value: str) -> list[str]:
    found = []
    for item in value.split(","):
        try:
            day = int(item)
        except ValueError:
            raise _NotWorded from None
        if day == -1:
            found.append(_("the last day"))
        elif 1 <= day <= 31:
            found.append(_("day %(n)s") % {"n": day})
        elif -31 <= day <= -2:
            found.append(_("day %(n)s from the end") % {"n": -day})
        else:
            raise _NotWorded
    return found


def _weekly(interval: int, days: list[str] | None) -> str:
    if days is None:
        if interval == 1:
            return _("every week")
        if interval == 2:
            return _("every other week")
        return _("every %(n)s weeks") % {"n": interval}
    if interval == 1:
        return _("every %(days)s") % {"days": _join(days)}
    if interval == 2:
        return _("every other week on %(days)s") % {"days": _join(days)}
    return _("every %(n)s weeks on %(days)s") % {"n": interval, "days": _join(days)}


def _monthly(interval: int, days: list[str] | None) -> str:
    if days is None:
        if interval == 1:
            return _("every month")
        if interval == 2:
            return _("every other month")
        return _("every %(n)s months") % {"n": interval}
    if interval == 1:
        return _("every month on %(days)s") % {"days": _join(days)}
    if interval == 2:
        return _("every other month on %(days)s") % {"days": _join(days)}
    return _("every %(n)s months on %(days)s") % {"n": interval, "days": _join(days)}


def _daily(interval: int) -> str:
    if interval == 1:
        return _("every day")
    if interval == 2:
        return _("every other day")
    return _("every %(n)s days") % {"n": interval}


def _words(rule: str, starts_on: dt.date | None) -> str:
    parts = _parts(rule)
    freq = parts.get("FREQ")
    interval = _interval(parts)
    byday, bymonthday = parts.get("BYDAY"), parts.get("BYMONTHDAY")
    if freq == "WEEKLY" and bymonthday is None:
        if byday is not None:
            return _weekly(interval, _weekdays(byday))
        # Without BYDAY a weekly rule repeats the first date's day of the week.
        return _weekly(interval, [_day_name(WEEKDAYS[starts_on.weekday()])] if starts_on else None)
    if freq == "MONTHLY":
        if byday is not None and bymonthday is None:
            return _monthly(interval, _nth_weekdays(byday))
        if bymonthday is not None and byday is None:
            return _monthly(interval, _month_days(bymonthday))
        if byday is None and bymonthday is None:
            return _monthly(interval, _month_days(str(starts_on.day)) if starts_on else None)
    if freq == "DAILY" and bymonthday is None:
        if byday is None:
            return _daily(interval)
        if interval == 1:  # every day that is one of these days: those days every week
            return _weekly(1, _weekdays(byday))
    raise _NotWorded


def describe_rule(rule: str | None, starts_on: dt.date | None = None) -> str:
    """The rule in words ("every Saturday" → 每周六); the rule as written if it says more than
    this function words. `starts_on` gives the day a rule without BYDAY/BYMONTHDAY repeats."""
    text = series_rules.normalise_rule(rule)
    if not text:
        return ""
    try:
        return _words(text, starts_on)
    except _NotWorded:
        return text


def describe_series(series: ActivitySeries) -> str:
    """When a series happens, in words: "every Saturday at 09:00" (每周六 09:00)."""
    return _("%(rule)s at %(time)s") % {
        "rule": describe_rule(series.rule, series.starts_on),
        "time": series.start_time.strftime("%H:%M") if series.start_time else "",
    }


def preset_choices() -> list[tuple[str, str]]:
    """(rule, words) for the admin's presets, in the active language."""
    return [(rule, describe_rule(rule)) for rule in PRESETS]


def next_dates(
    series: ActivitySeries, count: int = PREVIEW_DATES, now: dt.datetime | None = None
) -> list[dt.datetime]:
    """The next `count` starts the series' rule gives from now on (aware), dates left out skipped,
    whether or not they are generated yet. Checks the series first (ValidationError by field);
    writes nothing, so it previews an unsaved series as well."""
    now = now or timezone.now()
    schedule = series_rules.check_series(series, now)
    begin = max(schedule.local(now), schedule.rule._dtstart)
    starts = schedule.local_starts(begin, begin + series_rules.NO_DATES_SEARCH)
    return [schedule.aware(local) for local in itertools.islice(starts, count)]
