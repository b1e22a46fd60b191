"""Changes of an activity that concern no one signed up: create, open, close (also at the deadline,
periodically), the check-in code.

Each function takes `actor` and checks it with activities.access (None: the system, e.g. the demo
or a task that checked already). Changes that touch the people signed up — editing (the places
may change), cancelling (everyone is told), completing (hours credited) — are in
volunteers.services, which holds the sign-ups and builds on this module.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import normalise
from orgchart.models import Organisation

from . import access
from .compliance import DEFAULT_MEETINGS, DEFAULT_STUDY_HOURS
from .models import Activity, ActivityState, MeetingRequirement, StudyRequirement

CHECKIN_CODE_LENGTH = 6
# Letters and digits that cannot be mistaken for one another when read off a phone screen.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "meeting_type",
        "title",
        "description",
        "place",
        "starts_at",
        "ends_at",
        "capacity",
        "signup_deadline",
        "cancel_cutoff_hours",
        "eligibility",
    }
)


def require_manage(actor, activity: Activity) -> None:
    if actor is not None and not access.can_manage_activity(actor, activity):
        raise PermissionDenied(_("You do not organise this activity."))


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _i in range(CHECKIN_CODE_LENGTH))


def normalise_code(value: str | None) -> str:
    """A typed check-in code: NFKC (full-width letters and digits), no spaces, upper case."""
    return normalise(value).replace(" ", "").upper()


def check_activity(activity: Activity) -> None:
    for name in ("title", "place", "description"):
        setattr(activity, name, normalise(getattr(activity, name)))
    # The CheckConstraints repeat clean()'s rules in the database; clean() words them for people.
    activity.full_clean(exclude=["created_by"], validate_constraints=False)


@transaction.atomic
def create_activity(*, actor, organiser: Organisation, open_now: bool = False, **fields: Any) -> Activity:
    """A new activity of `organiser` (a draft unless `open_now`); the actor must manage it."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not activity fields: {sorted(unknown)}")
    if actor is not None and not access.can_create_for(actor, organiser):
        raise PermissionDenied(_("You may only organise activities of organisations you manage."))
    if organiser.is_closed:
        raise ValidationError({"organiser": _("This organisation is closed.")})
    activity = Activity(
        organiser=organiser,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **fields,
    )
    check_activity(activity)
    if open_now:
        activity.state = ActivityState.OPEN
        activity.checkin_code = new_checkin_code()
    activity.save()
    return activity


@transaction.atomic
def open_activity(activity: Activity, *, actor) -> Activity:
    """Open sign-up (from draft, or again after closing)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require_manage(actor, activity)
    if activity.state not in (ActivityState.DRAFT, ActivityState.CLOSED):
        raise ValidationError(_("Only a draft or closed activity can be opened."))
    activity.state = ActivityState.OPEN
    if not activity.checkin_code:
        activity.checkin_code = new_checkin_code()
    activity.save(update_fields=["state", "checkin_code", "updated_at"])
    return activity


@transaction.atomic
def close_activity(activity: Activity, *, actor) -> Activity:
    """Stop taking sign-ups; those signed up keep their places."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require_manage(actor, activity)
    if activity.state != ActivityState.OPEN:
        raise ValidationError(_("Only an open activity can be closed."))
    activity.state = ActivityState.CLOSED
    activity.save(update_fields=["state", "updated_at"])
    return activity


@transaction.atomic
def rotate_checkin_code(activity: Activity, *, actor) -> Activity:
    """A fresh check-in code (e.g. the old one was passed round); the old one stops working."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require_manage(actor, activity)
    activity.checkin_code = new_checkin_code()
    activity.save(update_fields=["checkin_code", "updated_at"])
    return activity


def close_due_signups(now: dt.datetime | None = None) -> list[int]:
    """Close sign-up of open activities whose deadline (or start) has passed; return their ids.

    Run every few minutes by django-celery-beat (activities.tasks.close_due_signups). Idempotent:
    a conditional UPDATE on `state = open`, so a second run, or two at once, change nothing more.
    Sign-up is refused past the deadline anyway; this makes the state say so.
    """
    now = now or timezone.now()
    due = Activity.objects.filter(state=ActivityState.OPEN).filter(
        Q(signup_deadline__lte=now) | Q(signup_deadline__isnull=True, starts_at__lte=now)
    )
    ids = list(due.values_list("pk", flat=True))
    if ids:
        Activity.objects.filter(pk__in=ids, state=ActivityState.OPEN).update(
            state=ActivityState.CLOSED, updated_at=now
        )
    return ids


# 三会一课 requirements ------------------------------------------------------------------------------


def ensure_requirements(street: Organisation) -> None:
    """Write the default requirements (DOMAIN.md) of `street` where it has none yet (first use).

    Idempotent, and safe when two requests do it at once: rows that exist are left as they are.
    """
    MeetingRequirement.objects.bulk_create(
        [
            MeetingRequirement(street=street, meeting_type=t, org_kind=k, count=n, period=p)
            for t, k, n, p in DEFAULT_MEETINGS
        ],
        ignore_conflicts=True,
    )
    StudyRequirement.objects.bulk_create(
        [StudyRequirement(street=street, hours_per_year=DEFAULT_STUDY_HOURS)], ignore_conflicts=True
    )


@transaction.atomic
def save_requirement(requirement, *, actor, **fields: Any):
    """Change a street's meeting or study-hours requirement; only its street's managers may."""
    if actor is not None and not access.can_edit_requirements(actor, requirement.street):
        raise PermissionDenied(_("Only the street sets its organisation-life requirements."))
    for name, value in fields.items():
        setattr(requirement, name, value)
    requirement.full_clean(exclude=["street"], validate_constraints=False)
    requirement.save(update_fields=list(fields))
    return requirement
