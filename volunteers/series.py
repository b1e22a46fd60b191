"""Editing a recurring series: the part that touches the people signed up.

The rule, its checks and generation are in activities.series; editing lives here because it
changes occurrences people have signed up for (places, notices, cancellations), which only this
app knows, through the same services as a one-off activity (update_activity, cancel_activity).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities import series as series_rules
from activities.models import LIVE_STATES, Activity, ActivitySeries
from inbox.services import cause_key, notify

from . import services
from .models import LIVE_STATUSES, SignUp

# What those signed up are told about: a change of when or where.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place")


@dataclass
class SeriesUpdate:
    series: ActivitySeries
    changed: list[int] = field(default_factory=list)
    notified: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _tell_changed(activity: Activity, revision: int, actor) -> bool:
    """Tell everyone signed up, offered a place or waiting that the time or place changed; once
    per occurrence and series revision (a retried delivery adds nothing, a later edit tells again)."""
    people = SignUp.objects.filter(activity=activity, status__in=LIVE_STATUSES).values_list(
        "person_id", flat=True
    )
    fanout = notify(
        cause_key("activity", activity.pk, f"changed-r{revision}"),
        people,
        title=_("Changed: %(title)s") % {"title": activity.title},
        summary=_("It is now at %(time)s, at %(place)s.")
        % {"time": _local(activity.starts_at), "place": activity.place},
        url=reverse("volunteers:activity", args=[activity.pk]),
        actor=actor,
    )
    return fanout is not None


@transaction.atomic
def update_series(actor, series: ActivitySeries, **changes: Any) -> SeriesUpdate:
    """Change a series and its FUTURE occurrences (not started, not done or cancelled).

    Occurrences whose time or place changed are changed through volunteers.services
    (update_activity: never fewer places than are taken) and everyone on them is told; dates the
    new rule or its left-out dates no longer give are cancelled through cancel_activity (everyone
    told); dates it newly gives are generated. Past and finished occurrences stay as they were.
    Any refusal (a bad rule, too few places for those signed up) writes nothing.
    """
    unknown = set(changes) - series_rules.EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not series fields: {sorted(unknown)}")
    series = ActivitySeries.objects.select_for_update().select_related("organiser").get(pk=series.pk)
    series_rules.require_manage(actor, series.organiser)
    now = timezone.now()
    for name, value in changes.items():
        setattr(series, name, value)
    schedule = series_rules.check_series(series, now)
    series.revision += 1
    series.save()
    report = SeriesUpdate(series=series)

    future = list(
        Activity.objects.filter(series=series, starts_at__gt=now, state__in=LIVE_STATES).order_by(
            "starts_at", "pk"
        )
    )
    last = max((a.starts_at for a in future), default=now)
    # An occurrence is known by its date (a series has at most one a day): the new rule's starts
    # from now to the horizon, or to the last existing occurrence if that is further.
    wanted = {
        local.date(): local
        for local in series_rules._window(series, schedule, now, until=last + dt.timedelta(days=1))
    }
    for activity in future:
        day = schedule.local(activity.occurrence_start or activity.starts_at).date()
        local_start = wanted.get(day)
        if local_start is None:
            services.cancel_activity(activity, actor=None, reason=_("This date was taken out of the series."))
            report.cancelled.append(activity.pk)
            continue
        new = series_rules.occurrence_fields(series, schedule, local_start)
        diff = {name: value for name, value in new.items() if getattr(activity, name) != value}
        occurrence_start = schedule.aware(local_start)
        if activity.occurrence_start != occurrence_start:
            Activity.objects.filter(pk=activity.pk).update(occurrence_start=occurrence_start)
        if not diff:
            continue
        activity = services.update_activity(activity, actor=None, **diff)
        report.changed.append(activity.pk)
        if any(name in diff for name in NOTIFIED_FIELDS) and _tell_changed(activity, series.revision, actor):
            report.notified.append(activity.pk)
    report.created = [a.pk for a in series_rules.generate_occurrences(series, now)]
    return report
