"""Recurring series: the rule, its checks, and generating the occurrences ahead.

A series' rule is an RFC 5545 RRULE read by python-dateutil (`rrulestr`), run in the series'
own time zone (Asia/Shanghai): dates are generated as local wall-clock times and each start is
stored aware, so "every Saturday at 09:00" stays 09:00 local whatever the zone's offsets do. The
start time is a field of the series, so a rule may not set hours, minutes or seconds, nor recur
more often than daily: a series has at most one occurrence a day, and that date is what an
occurrence is known by when the series is edited (volunteers.series).

Generation is idempotent: an occurrence is an Activity with (series, occurrence_start) unique
in the database, so running it twice, or twice at once, creates nothing twice.

Editing a series touches the people signed up to its occurrences (they are told, occurrences
left out are cancelled), so `update_series` lives in volunteers.series, above this app.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import zoneinfo
from dataclasses import dataclass
from typing import Any

from dateutil.rrule import DAILY, rrule, rrulestr
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import normalise
from orgchart import access as org_access
from orgchart.models import Organisation

from .models import Activity, ActivitySeries, ActivityState
from .services import check_activity, new_checkin_code

log = logging.getLogger(__name__)

# The template fields copied onto every occurrence, and what else a series edit may change.
TEMPLATE_FIELDS = (
    "kind",
    "meeting_type",
    "title",
    "description",
    "place",
    "capacity",
    "cancel_cutoff_hours",
    "eligibility",
)
TIMING_FIELDS = ("start_time", "duration_minutes", "signup_deadline_hours")
RULE_FIELDS = ("rule", "starts_on", "until", "count", "exdates")
EDITABLE_FIELDS = frozenset({*TEMPLATE_FIELDS, *TIMING_FIELDS, *RULE_FIELDS, "active"})
# Parts of a rule the series' own fields say instead (or that would make it more than daily).
FORBIDDEN_PARTS = ("DTSTART", "UNTIL", "COUNT", "BYHOUR", "BYMINUTE", "BYSECOND")
# How far ahead a rule must give its first date (and the latest first date).
NO_DATES_SEARCH = dt.timedelta(days=3660)
EARLIEST_START = dt.date(2000, 1, 1)
# The largest number (either sign) each part of a rule may hold, by RFC 5545 3.3.10; the ordinal
# of a BYDAY is the nth in the month for a monthly rule, the nth in the year otherwise.
NUMBER_LIMITS = {
    "BYMONTH": 12,
    "BYMONTHDAY": 31,
    "BYYEARDAY": 366,
    "BYWEEKNO": 53,
    "BYSETPOS": 366,
    "BYDAY": 53,
    "BYDAY_MONTHLY": 5,
}
NUMBERED_PARTS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")


def horizon_weeks() -> int:
    return int(settings.ACTIVITIES_SERIES_HORIZON_WEEKS)


def max_occurrences() -> int:
    return int(settings.ACTIVITIES_SERIES_MAX_OCCURRENCES)


def _rule_error(message: str, code: str = "rule") -> ValidationError:
    return ValidationError({"rule": ValidationError(message, code=code)})


def require_manage(actor, organiser: Organisation) -> None:
    if actor is not None and not org_access.can_manage(actor, organiser):
        raise PermissionDenied(_("You may only organise activities of organisations you manage."))


# The rule --------------------------------------------------------------------------------------


def normalise_rule(value: str | None) -> str:
    """A typed rule: NFKC, no spaces, upper case, without a leading "RRULE:"."""
    rule = normalise(value).replace(" ", "").upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    return rule.strip(";")


def _parse_exdates(values: Any) -> list[dt.date]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").split(",") if v.strip()]
    dates = []
    for value in values:
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(normalise(str(value)))
            except ValueError as exc:
                raise ValidationError(
                    {"exdates": _("Give the dates left out as YYYY-MM-DD, e.g. 2026-10-01.")}
                ) from exc
        dates.append(value)
    return sorted(set(dates))


@dataclass(frozen=True)
class Schedule:
    """A series' rule made runnable: local wall-clock starts, minus the dates left out."""

    rule: rrule
    exdates: frozenset[dt.date]
    zone: zoneinfo.ZoneInfo

    def local_starts(self, after: dt.datetime, before: dt.datetime):
        """Local (naive) starts in [after, before], in order, dates left out skipped."""
        for start in self.rule.xafter(after, inc=True):
            if start > before:
                return
            if start.date() not in self.exdates:
                yield start

    def aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self.zone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return timezone.localtime(moment, self.zone).replace(tzinfo=None)


def _not_understood(text: str) -> ValidationError:
    return _rule_error(
        _(
            "This is not a recurrence rule we understand: %(rule)s. "
            "Write it like FREQ=WEEKLY;BYDAY=SA or FREQ=MONTHLY;BYDAY=1SA."
        )
        % {"rule": text[:60]},
        "rule",
    )


def _numbers_in_range(text: str) -> bool:
    """Whether the rule's numbers are within RFC 5545's ranges (3.3.10). dateutil takes e.g.
    BYDAY=99SA or BYMONTHDAY=99999 and then fails while iterating, or searches to the year 9999."""
    parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    numbers: list[tuple[str, int]] = []
    for name in NUMBERED_PARTS:
        numbers += [(name, _integer(item)) for item in parts.get(name, "").split(",") if item]
    for item in parts.get("BYDAY", "").split(","):
        if len(item) > 2:  # an ordinal before the day: the nth (or nth last) in the month or year
            name = "BYDAY_MONTHLY" if parts.get("FREQ") == "MONTHLY" else "BYDAY"
            numbers.append((name, _integer(item[:-2])))
    for name, number in numbers:
        if number == 0 or abs(number) > NUMBER_LIMITS[name] or (name == "BYMONTH" and number < 0):
            return False
    return True


def _integer(value: str) -> int:
    """An integer as a rule writes it ("1", "+2", "-1"); 0, never valid, for anything else."""
    digits = value[1:] if value[:1] in "+-" else value
    if not digits.isdigit() or len(digits) > 4:
        return 0
    return -int(digits) if value.startswith("-") else int(digits)


def build_schedule(series: ActivitySeries) -> Schedule:
    """The series' rule parsed and checked; ValidationError (by field) when it cannot be used."""
    text = normalise_rule(series.rule)
    if not text:
        raise _rule_error(_("Give a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=SA."))
    names = {part.split("=", 1)[0] for part in text.split(";")}
    forbidden = sorted(names.intersection(FORBIDDEN_PARTS))
    if forbidden:
        raise _rule_error(
            _(
                "The rule may not contain %(parts)s: the first and last dates, the number of "
                "occurrences and the start time are fields of the series."
            )
            % {"parts": ", ".join(forbidden)},
            "rule_part",
        )
    try:
        zone = zoneinfo.ZoneInfo(series.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({"time_zone": _("Unknown time zone.")}) from exc
    if series.starts_on is None or series.start_time is None:
        raise ValidationError(_("Give the first date and the start time."))
    start = dt.datetime.combine(series.starts_on, series.start_time.replace(tzinfo=None, microsecond=0))
    try:
        if not _numbers_in_range(text):
            raise ValueError(text)
        rule = rrulestr(f"RRULE:{text}", dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise _not_understood(text) from exc
    if not isinstance(rule, rrule):  # a set (several rules or dates) is not one series
        raise _rule_error(_("Give one rule only."), "rule")
    if rule._freq > DAILY:  # HOURLY, MINUTELY, SECONDLY
        raise _rule_error(_("A series recurs at most once a day."), "rule")
    if series.until is not None and series.count is not None:
        raise ValidationError(_("Give a last date or a number of occurrences, not both."))
    if series.until is not None:
        if series.until < series.starts_on:
            raise ValidationError({"until": _("The last date cannot be before the first.")})
        rule = rule.replace(until=dt.datetime.combine(series.until, dt.time.max))
    elif series.count is not None:
        if series.count < 1:
            raise ValidationError({"count": _("Give at least one occurrence.")})
        rule = rule.replace(count=series.count)
    exdates = frozenset(_parse_exdates(series.exdates))
    return Schedule(rule=rule, exdates=exdates, zone=zone)


def check_series(series: ActivitySeries, now: dt.datetime | None = None) -> Schedule:
    """Every rule of a series, worded for people; returns the schedule. Writes nothing."""
    now = now or timezone.now()
    for name in ("title", "place", "description"):
        setattr(series, name, normalise(getattr(series, name)))
    series.rule = normalise_rule(series.rule)
    series.exdates = [d.isoformat() for d in _parse_exdates(series.exdates)]
    errors: dict[str, list[str]] = {}
    if series.duration_minutes is None or series.duration_minutes <= 0:
        errors.setdefault("duration_minutes", []).append(_("An activity must last longer than zero minutes."))
    if series.capacity is None or series.capacity < 1:
        errors.setdefault("capacity", []).append(_("An activity needs at least one place."))
    try:
        series.full_clean(
            exclude=["created_by", "organiser", "duration_minutes", "capacity"], validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if series.meeting_type and series.kind != "organisation_life":
        errors.setdefault("meeting_type", []).append(_("Only organisation life has a meeting type."))
    # A rule runs from its first date: one centuries away would be read date by date to now.
    if isinstance(series.starts_on, dt.date) and not (
        EARLIEST_START <= series.starts_on <= timezone.localdate(now) + NO_DATES_SEARCH
    ):
        errors.setdefault("starts_on", []).append(
            _("Give a first date from %(earliest)s to ten years from today.")
            % {"earliest": EARLIEST_START.isoformat()}
        )
    if errors:
        raise ValidationError(errors)
    schedule = build_schedule(series)
    # Bounded: a rule that can never match (30 February) would otherwise be searched to 9999.
    begin = schedule.rule._dtstart
    try:  # dateutil may still fail while it iterates
        first = next(schedule.local_starts(begin, begin + NO_DATES_SEARCH), None)
        if first is None:
            raise _rule_error(_("This rule gives no dates."), "no_dates")
        ahead = list(itertools.islice(_window(series, schedule, now), max_occurrences() + 1))
    except (ValueError, IndexError, OverflowError) as exc:
        raise _not_understood(series.rule) from exc
    if len(ahead) > max_occurrences():
        raise _rule_error(
            _("This rule gives more than %(max)d occurrences in the next %(weeks)d weeks.")
            % {"max": max_occurrences(), "weeks": horizon_weeks()},
            "too_many",
        )
    return schedule


def _window(series: ActivitySeries, schedule: Schedule, now: dt.datetime, until: dt.datetime | None = None):
    """Local starts from now to the horizon (or `until`, an aware moment, if later)."""
    end = now + dt.timedelta(weeks=horizon_weeks())
    if until is not None and until > end:
        end = until
    return schedule.local_starts(schedule.local(now), schedule.local(end))


def occurrence_times(series: ActivitySeries, schedule: Schedule, local_start: dt.datetime) -> dict[str, Any]:
    """The aware start, end and sign-up deadline of the occurrence starting at `local_start`."""
    starts_at = schedule.aware(local_start)
    deadline = None
    if series.signup_deadline_hours:
        deadline = starts_at - dt.timedelta(hours=series.signup_deadline_hours)
    return {
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(minutes=series.duration_minutes),
        "signup_deadline": deadline,
    }


def occurrence_fields(series: ActivitySeries, schedule: Schedule, local_start: dt.datetime) -> dict[str, Any]:
    """Everything an occurrence copies from its series."""
    fields = {name: getattr(series, name) for name in TEMPLATE_FIELDS}
    fields.update(occurrence_times(series, schedule, local_start))
    return fields


# Writing ---------------------------------------------------------------------------------------


@transaction.atomic
def create_series(*, actor, organiser: Organisation, generate: bool = True, **fields: Any) -> ActivitySeries:
    """A new series of `organiser` (the actor must manage it), its occurrences generated ahead."""
    unknown = set(fields) - EDITABLE_FIELDS - {"time_zone"}
    if unknown:
        raise TypeError(f"not series fields: {sorted(unknown)}")
    require_manage(actor, organiser)
    if organiser.is_closed:
        raise ValidationError({"organiser": _("This organisation is closed.")})
    series = ActivitySeries(
        organiser=organiser,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **fields,
    )
    check_series(series)
    series.save()
    if generate:
        generate_occurrences(series)
    return series


def generate_occurrences(series: ActivitySeries, now: dt.datetime | None = None) -> list[Activity]:
    """Create the series' occurrences from now to the horizon that do not exist yet; return them.

    Idempotent: a date that has an occurrence (in any state, e.g. one cancelled on its own) is
    skipped, and the unique (series, occurrence_start) refuses a row a concurrent run created
    meanwhile. Occurrences are open for sign-up as they are created.
    """
    now = now or timezone.now()
    if not series.active:
        return []
    schedule = build_schedule(series)
    starts = list(itertools.islice(_window(series, schedule, now), max_occurrences()))
    if not starts:
        return []
    taken = {
        schedule.local(moment).date()
        for moment in Activity.objects.filter(series=series, occurrence_start__isnull=False).values_list(
            "occurrence_start", flat=True
        )
    }
    teams = list(series.teams.all()) if hasattr(series, "teams") else []
    created: list[Activity] = []
    for local_start in starts:
        if local_start.date() in taken:
            continue
        activity = Activity(
            organiser_id=series.organiser_id,
            series=series,
            occurrence_start=schedule.aware(local_start),
            created_by_id=series.created_by_id,
            state=ActivityState.OPEN,
            checkin_code=new_checkin_code(),
            **occurrence_fields(series, schedule, local_start),
        )
        check_activity(activity)
        try:
            with transaction.atomic():
                activity.save()
                for team in teams:
                    team.activities.add(activity)
        except IntegrityError:  # another run created it a moment ago
            continue
        created.append(activity)
    if created:
        log.info("activities: series %s: %d occurrences created", series.pk, len(created))
    return created


def generate_all(now: dt.datetime | None = None) -> dict[int, int]:
    """Generate ahead for every active series (the beat task); {series id: occurrences created}."""
    now = now or timezone.now()
    report: dict[int, int] = {}
    for series in ActivitySeries.objects.filter(active=True).order_by("pk"):
        try:
            created = generate_occurrences(series, now)
        except ValidationError:
            # A series saved before a rule tightened: skip it rather than stop the others.
            log.warning("activities: series %s has a rule that cannot be used", series.pk, exc_info=True)
            continue
        if created:
            report[series.pk] = len(created)
    return report
