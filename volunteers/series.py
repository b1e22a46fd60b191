"""Recurring series as the admin and the API write them: create with teams, edit, deactivate,
delete a mistake.

The rule, its checks and generation are in activities.series; editing lives here because it
changes occurrences people have signed up for (places, notices, cancellations), which only this
app knows, through the same services as a one-off activity (update_activity, cancel_activity).
Teams (this app's) are linked to the series and to its occurrences as they are generated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities import series as series_rules
from activities.models import LIVE_STATES, Activity, ActivitySeries
from inbox.services import cause_key, notify

from . import access, services
from .models import LIVE_STATUSES, SignUp, Team

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


def _check_teams(actor, teams: Iterable[Team], before: Iterable[Team] = ()) -> list[Team]:
    """The teams, if the actor manages every one linked or unlinked (one linked by someone else
    may stay as it is)."""
    teams = list(dict.fromkeys(teams))
    changed = set(teams).symmetric_difference(before)
    if actor is not None and any(not access.can_manage_team(actor, team) for team in changed):
        raise PermissionDenied(_("You may only link teams of organisations you manage."))
    return teams


@transaction.atomic
def create_series(
    *, actor, organiser, teams: Iterable[Team] = (), generate: bool = True, **fields: Any
) -> ActivitySeries:
    """A new series (activities.series.create_series: the actor must manage `organiser`, the rule
    is checked) run by `teams`, its occurrences generated ahead and linked to the teams. Any
    refusal writes nothing."""
    teams = _check_teams(actor, teams)
    series = series_rules.create_series(actor=actor, organiser=organiser, generate=False, **fields)
    if teams:
        series.teams.set(teams)
    if generate:
        series_rules.generate_occurrences(series)
    return series


def _relink_teams(series: ActivitySeries, teams: list[Team], future: list[Activity]) -> None:
    """The series' teams become `teams`, on the series and its future occurrences."""
    before = set(series.teams.all())
    series.teams.set(teams)
    added, dropped = set(teams) - before, before - set(teams)
    for team in added:
        team.activities.add(*future)
    for team in dropped:
        team.activities.remove(*future)


@transaction.atomic
def update_series(
    actor, series: ActivitySeries, *, teams: Iterable[Team] | None = None, **changes: Any
) -> SeriesUpdate:
    """Change a series and its FUTURE occurrences (not started, not done or cancelled).

    Occurrences whose time or place changed are changed through volunteers.services
    (update_activity: never fewer places than are taken) and everyone on them is told; dates the
    new rule or its left-out dates no longer give are cancelled through cancel_activity (everyone
    told); dates it newly gives are generated. Past and finished occurrences stay as they were.
    `teams`, when given, become the series' teams, on its future occurrences too (the actor must
    manage each team linked or unlinked).
    Any refusal (a bad rule, too few places for those signed up) writes nothing.
    """
    unknown = set(changes) - series_rules.EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not series fields: {sorted(unknown)}")
    series = ActivitySeries.objects.select_for_update().select_related("organiser").get(pk=series.pk)
    series_rules.require_manage(actor, series.organiser)
    if teams is not None:
        teams = _check_teams(actor, teams, series.teams.all())
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
    if teams is not None:
        kept = Activity.objects.filter(series=series, starts_at__gt=now, state__in=LIVE_STATES)
        _relink_teams(series, teams, list(kept))
    report.created = [a.pk for a in series_rules.generate_occurrences(series, now)]
    return report


@transaction.atomic
def deactivate_series(actor, series: ActivitySeries, *, cancel_future: bool = False) -> SeriesUpdate:
    """Stop generating the series' occurrences (it stays, with its history; editing it with
    `active` on starts again). With `cancel_future`, its occurrences not yet started are
    cancelled through cancel_activity, everyone on them told; otherwise they take place."""
    series = ActivitySeries.objects.select_for_update().select_related("organiser").get(pk=series.pk)
    series_rules.require_manage(actor, series.organiser)
    report = SeriesUpdate(series=series)
    if series.active:
        series.active = False
        series.save(update_fields=["active", "updated_at"])
    if cancel_future:
        future = Activity.objects.filter(series=series, starts_at__gt=timezone.now(), state__in=LIVE_STATES)
        for activity in future.order_by("starts_at", "pk"):
            services.cancel_activity(activity, actor=None, reason=_("The series was stopped."))
            report.cancelled.append(activity.pk)
    return report


def deletion_refusal(series: ActivitySeries) -> str | None:
    """Why the series may not be deleted: someone ever signed up for one of its occurrences (it is
    history: deactivate it instead). None when it may."""
    if SignUp.objects.filter(activity__series=series).exists():
        return _(
            "People have signed up for occurrences of this series, so it cannot be deleted; stop it instead."
        )
    return None


@transaction.atomic
def delete_series(actor, series: ActivitySeries) -> None:
    """Delete a mistaken series and its occurrences; refused once anyone signed up for one."""
    series = ActivitySeries.objects.select_for_update().select_related("organiser").get(pk=series.pk)
    series_rules.require_manage(actor, series.organiser)
    if reason := deletion_refusal(series):
        raise ValidationError(reason, code="has_signups")
    Activity.objects.filter(series=series).delete()
    series.delete()
