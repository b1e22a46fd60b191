"""Every change of who takes part: volunteers, teams, sign-ups and the waiting list, check-in,
completion and hours; and the activity changes that touch them (edit, cancel, complete).

Capacity is never exceeded: every function that takes or frees a place locks the activity's row
first (`_lock`: SELECT … FOR UPDATE; SQLite writes one transaction at a time anyway) and counts
the places held (confirmed + offered) under that lock. The database refuses a second live sign-up
of one person for one activity. The waiting list is FIFO by `queued_at`, then id.

A freed place is offered to the first in line, who confirms through a signed link in the
notification (django.core.signing, bound to that offer) before `offer_expires_at`; the periodic
task `expire_offers` passes expired offers on. Nothing uses Celery countdowns.

Functions take `actor` and check it (volunteers.access); None means the system (the demo, a task).
Refusals are ValidationErrors with a Chinese message the pages and the API show as they are.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities import access as activity_access
from activities import services as activity_services
from activities.models import LIVE_STATES, Activity, ActivityState
from core.text import normalise
from inbox.services import cause_key, notify
from orgchart.models import COMMUNITY_KINDS, Organisation
from orgchart.validators import clean_mobile, clean_name

from . import access
from .models import LIVE_STATUSES, PLACE_STATUSES, HoursAdjustment, SignUp, SignUpStatus, Team, Volunteer

log = logging.getLogger(__name__)

OFFER_SALT = "volunteers.offer"
MAX_HOURS = Decimal("999.99")


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _lock(activity: Activity | int) -> Activity:
    """The activity's row, locked until the end of the transaction (the capacity lock)."""
    pk = activity if isinstance(activity, int) else activity.pk
    return Activity.objects.select_for_update().select_related("organiser").get(pk=pk)


def _require_organise(actor, activity: Activity) -> None:
    if actor is not None and not access.can_organise(actor, activity):
        raise PermissionDenied(_("You do not organise this activity."))


def _require_person(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to sign up."))


def places_held(activity: Activity) -> int:
    return SignUp.objects.filter(activity=activity).holding_places().count()


def waiting_position(signup: SignUp) -> int | None:
    """1 for the first in line; None when the sign-up is not waiting."""
    if signup.status != SignUpStatus.WAITING:
        return None
    ahead = (
        SignUp.objects.filter(activity_id=signup.activity_id, status=SignUpStatus.WAITING)
        .filter(Q(queued_at__lt=signup.queued_at) | Q(queued_at=signup.queued_at, pk__lt=signup.pk))
        .count()
    )
    return ahead + 1


# Offers -----------------------------------------------------------------------------------------


def offer_token(signup: SignUp) -> str:
    """The signed token of the confirmation link, valid for this offer only."""
    return signing.dumps({"s": signup.pk, "o": signup.offered_at.isoformat()}, salt=OFFER_SALT)


def offer_url(signup: SignUp) -> str:
    return reverse("volunteers:offer", args=[offer_token(signup)])


def _fill_places(activity: Activity, now: dt.datetime) -> list[SignUp]:
    """Offer the free places of the (locked) activity to the first in line; tell each of them."""
    if activity.state not in (ActivityState.OPEN, ActivityState.CLOSED) or now >= activity.starts_at:
        return []
    free = activity.capacity - places_held(activity)
    if free <= 0:
        return []
    expires = min(now + dt.timedelta(hours=settings.VOLUNTEERS_OFFER_HOURS), activity.starts_at)
    offered = list(SignUp.objects.filter(activity=activity).waiting()[:free])
    for signup in offered:
        signup.status = SignUpStatus.OFFERED
        signup.offered_at = now
        signup.offer_expires_at = expires
        signup.save(update_fields=["status", "offered_at", "offer_expires_at", "updated_at"])
        notify(
            cause_key("waitlist", signup.pk, "offer"),
            [signup.person_id],
            title=_("A place is free for you: %(title)s") % {"title": activity.title},
            summary=_("Confirm by %(time)s, or the place goes to the next in line.")
            % {"time": _local(expires)},
            url=offer_url(signup),
        )
    return offered


def offer_signup_id(token: str) -> tuple[int, str]:
    """The sign-up id and offer time a confirmation token names; ValidationError if forged."""
    try:
        data = signing.loads(token, salt=OFFER_SALT)
        return int(data["s"]), str(data["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("This confirmation link is not valid."), code="offer_link") from exc


def _open_offer(token: str, actor, now: dt.datetime) -> tuple[Activity, SignUp]:
    """Lock and return the activity and the offered sign-up the token names, if still open to actor."""
    _require_person(actor)
    signup_id, offered_at = offer_signup_id(token)
    activity_id = SignUp.objects.filter(pk=signup_id).values_list("activity_id", flat=True).first()
    if activity_id is None:
        raise ValidationError(_("This confirmation link is not valid."), code="offer_link")
    activity = _lock(activity_id)
    signup = SignUp.objects.get(pk=signup_id)
    if signup.person_id != actor.pk:
        # Not theirs: answered like a forged link, so the link tells nothing about others.
        raise ValidationError(_("This confirmation link is not valid."), code="offer_link")
    if signup.status != SignUpStatus.OFFERED or signup.offered_at.isoformat() != offered_at:
        raise ValidationError(_("This offer is no longer open."), code="offer_closed")
    if signup.offer_expires_at <= now:
        raise ValidationError(
            _("This offer expired at %(time)s; the place has passed to the next in line.")
            % {"time": _local(signup.offer_expires_at)},
            code="offer_expired",
        )
    return activity, signup


@transaction.atomic
def confirm_offer(token: str, *, actor) -> SignUp:
    """Take the place offered: the link's token must be the actor's open, unexpired offer."""
    now = timezone.now()
    _activity, signup = _open_offer(token, actor, now)
    signup.status = SignUpStatus.CONFIRMED
    signup.confirmed_at = now
    signup.save(update_fields=["status", "confirmed_at", "updated_at"])
    return signup


@transaction.atomic
def decline_offer(token: str, *, actor) -> SignUp:
    """Turn the place offered down: it goes to the next in line at once."""
    now = timezone.now()
    activity, signup = _open_offer(token, actor, now)
    signup.status = SignUpStatus.DECLINED
    signup.cancelled_at = now
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    _fill_places(activity, now)
    return signup


def expire_offers(now: dt.datetime | None = None) -> list[int]:
    """Pass every offer not confirmed in time to the next in line; return the expired sign-ups' ids.

    Idempotent: an offer expires once (a conditional UPDATE under the activity lock), so a second
    run, or two runs at once, change nothing more. Each activity is its own transaction.
    """
    now = now or timezone.now()
    due = (
        SignUp.objects.filter(status=SignUpStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("activity_id", flat=True)
        .distinct()
    )
    expired: list[int] = []
    for activity_id in sorted(set(due)):
        with transaction.atomic():
            activity = _lock(activity_id)
            mine = SignUp.objects.filter(
                activity=activity, status=SignUpStatus.OFFERED, offer_expires_at__lte=now
            )
            rows = list(mine.values_list("pk", "person_id"))
            if not rows:
                continue
            SignUp.objects.filter(pk__in=[pk for pk, _p in rows], status=SignUpStatus.OFFERED).update(
                status=SignUpStatus.DECLINED, cancelled_at=now, updated_at=now
            )
            for pk, person_id in rows:
                notify(
                    cause_key("waitlist", pk, "expired"),
                    [person_id],
                    title=_("Your offered place has passed on: %(title)s") % {"title": activity.title},
                    summary=_("It was not confirmed in time and went to the next in line."),
                )
            expired.extend(pk for pk, _p in rows)
            _fill_places(activity, now)
    if expired:
        log.info("volunteers: %d offers expired", len(expired))
    return expired


# Sign-up and cancel --------------------------------------------------------------------------


def _require_open_for_signup(activity: Activity, now: dt.datetime | None = None) -> None:
    if activity.state != ActivityState.OPEN or (now or timezone.now()) >= activity.effective_signup_deadline:
        raise ValidationError(_("Sign-up for this activity has closed."), code="closed")


@transaction.atomic
def sign_up(activity: Activity, *, actor) -> SignUp:
    """Sign the actor up: a place if one is free, else the end of the waiting list.

    Refused with a message: closed (state or deadline), not eligible, already signed up, or a
    clash with another live sign-up of the actor at an overlapping time.

    What concerns only the actor (eligibility, a sign-up already held, a clash) is checked before
    the activity's row is locked; under the lock only the state, the deadline and the places: the
    lock is held for three statements, so concurrent sign-ups queue for as short a time as can be.
    A second live sign-up that gets past the check is refused by the database (unique constraint).
    """
    _require_person(actor)
    _require_open_for_signup(activity)  # as read; again under the lock
    refusal = access.eligibility_refusal(actor, activity)
    if refusal:
        raise ValidationError(refusal, code="not_eligible")
    # One query for both: a live sign-up of the actor overlapping this activity's time is this
    # activity's own (already signed up) or another's (a clash).
    overlapping = (
        SignUp.objects.live()
        .filter(
            person=actor,
            activity__state__in=LIVE_STATES,
            activity__starts_at__lt=activity.ends_at,
            activity__ends_at__gt=activity.starts_at,
        )
        .select_related("activity")
        .order_by(Case(When(activity_id=activity.pk, then=0), default=1), "activity__starts_at")
        .first()
    )
    if overlapping is not None and overlapping.activity_id == activity.pk:
        raise ValidationError(_("You have already signed up for this activity."), code="duplicate")
    if overlapping is not None:
        raise ValidationError(
            _("This clashes with an activity you signed up for at the same time: %(title)s (%(time)s).")
            % {"title": overlapping.activity.title, "time": _local(overlapping.activity.starts_at)},
            code="clash",
        )
    activity = _lock(activity)
    now = timezone.now()
    _require_open_for_signup(activity, now)
    counts = SignUp.objects.filter(activity=activity).aggregate(
        held=Count("pk", filter=Q(status__in=PLACE_STATUSES)),
        waiting=Count("pk", filter=Q(status=SignUpStatus.WAITING)),
    )
    if not counts["waiting"] and counts["held"] < activity.capacity:
        status, confirmed_at = SignUpStatus.CONFIRMED, now
    else:
        status, confirmed_at = SignUpStatus.WAITING, None
    try:
        # No savepoint (two round trips fewer under the lock): on a conflict the whole sign-up
        # is rolled back anyway, by the ValidationError leaving this transaction.
        signup = SignUp.objects.create(
            activity=activity, person=actor, status=status, queued_at=now, confirmed_at=confirmed_at
        )
    except IntegrityError as exc:  # the unique live sign-up: a double click that got past the check
        raise ValidationError(_("You have already signed up for this activity."), code="duplicate") from exc
    return signup


def signup_message(signup: SignUp, position: int | None = None) -> str:
    """What the person is told after signing up: the place, or their place in the queue
    (`position` when the caller has it already)."""
    if signup.status == SignUpStatus.WAITING:
        return _("The activity is full: you are number %(position)d on the waiting list.") % {
            "position": position or waiting_position(signup)
        }
    return _("You have signed up for %(title)s.") % {"title": signup.activity.title}


@transaction.atomic
def cancel_signup(signup: SignUp, *, actor, late_ok: bool = False) -> SignUp:
    """Cancel a sign-up: the person themself (a place only until the cut-off; the waiting list any
    time) or an organiser (any time before the end). A freed place is offered to the first in line.

    `late_ok`: the person answered a reminder "cannot come" (volunteers.reminders): allowed past
    the cut-off, since it frees the place, and recorded as a late cancellation."""
    _require_person(actor)
    activity = _lock(signup.activity_id)
    signup = SignUp.objects.get(pk=signup.pk)
    own = signup.person_id == actor.pk
    if not own:
        _require_organise(actor, activity)
    if not signup.is_live or not activity.is_live:
        raise ValidationError(_("This sign-up is no longer active."), code="not_live")
    now = timezone.now()
    held_place = signup.status in (SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)
    late = own and signup.status == SignUpStatus.CONFIRMED and now > activity.cancel_cutoff
    if late and not late_ok:
        raise ValidationError(
            _("It is past the cancellation cut-off (%(time)s); please tell the organiser.")
            % {"time": _local(activity.cancel_cutoff)},
            code="cutoff",
        )
    if now >= activity.ends_at:
        raise ValidationError(_("The activity is over."), code="over")
    signup.status = SignUpStatus.CANCELLED
    signup.cancelled_at = now
    signup.late_cancellation = late
    signup.save(update_fields=["status", "cancelled_at", "late_cancellation", "updated_at"])
    if held_place:
        _fill_places(activity, now)
    return signup


# The activity as a whole -----------------------------------------------------------------------


@transaction.atomic
def update_activity(activity: Activity, *, actor, **fields: Any) -> Activity:
    """Change an activity's own fields; never fewer places than are taken. Places added are
    offered to the waiting list."""
    unknown = set(fields) - activity_services.EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable activity fields: {sorted(unknown)}")
    activity = _lock(activity)
    _require_organise(actor, activity)
    if not activity.is_live:
        raise ValidationError(_("A finished or cancelled activity cannot be changed."))
    for name, value in fields.items():
        setattr(activity, name, value)
    activity_services.check_activity(activity)
    held = places_held(activity)
    if activity.capacity < held:
        raise ValidationError(
            {
                "capacity": _("%(count)d places are taken; cancel sign-ups before reducing the places.")
                % {"count": held}
            }
        )
    activity.save()
    _fill_places(activity, timezone.now())
    return activity


@transaction.atomic
def create_team_activity(team: Team, *, actor, **fields: Any) -> Activity:
    """A team leader (or a manager of the team's organisation) organises an activity of the team."""
    if actor is not None and not (access.can_lead_team(actor, team) or access.can_manage_team(actor, team)):
        raise PermissionDenied(_("Only the team's leaders organise its activities."))
    activity = activity_services.create_activity(actor=None, organiser=team.organisation, **fields)
    if actor is not None and actor.is_authenticated:
        Activity.objects.filter(pk=activity.pk).update(created_by=actor)
        activity.created_by = actor
    team.activities.add(activity)
    return activity


@transaction.atomic
def cancel_activity(activity: Activity, *, actor, reason: str = "") -> Activity:
    """Cancel the activity; everyone signed up, offered a place or waiting is told."""
    activity = _lock(activity)
    _require_organise(actor, activity)
    if not activity.is_live:
        raise ValidationError(_("Only an activity that has not finished can be cancelled."))
    now = timezone.now()
    live = SignUp.objects.filter(activity=activity, status__in=LIVE_STATUSES)
    people = list(live.values_list("person_id", flat=True))
    live.update(status=SignUpStatus.CANCELLED, cancelled_at=now, updated_at=now)
    activity.state = ActivityState.CANCELLED
    activity.save(update_fields=["state", "updated_at"])
    reason = normalise(reason)
    notify(
        cause_key("activity", activity.pk, "cancelled"),
        people,
        title=_("Activity cancelled: %(title)s") % {"title": activity.title},
        summary=(_("It was to start at %(time)s.") % {"time": _local(activity.starts_at)})
        + (f" {reason}" if reason else ""),
        url=reverse("volunteers:activity", args=[activity.pk]),
        actor=actor,
    )
    return activity


@transaction.atomic
def complete_activity(activity: Activity, *, actor) -> Activity:
    """Mark the activity done: those checked in are credited its length in hours, confirmed people
    not checked in are recorded as no-shows, and the waiting list is closed."""
    activity = _lock(activity)
    _require_organise(actor, activity)
    if activity.state not in (ActivityState.OPEN, ActivityState.CLOSED):
        raise ValidationError(_("Only an open or closed activity can be completed."))
    now = timezone.now()
    if now < activity.starts_at:
        raise ValidationError(_("An activity can be completed only once it has started."))
    confirmed = SignUp.objects.filter(activity=activity, status=SignUpStatus.CONFIRMED)
    confirmed.filter(checked_in_at__isnull=False).update(
        hours=activity.length_hours, no_show=False, updated_at=now
    )
    confirmed.filter(checked_in_at__isnull=True).update(hours=Decimal("0"), no_show=True, updated_at=now)
    SignUp.objects.filter(activity=activity, status__in=(SignUpStatus.WAITING, SignUpStatus.OFFERED)).update(
        status=SignUpStatus.CANCELLED, cancelled_at=now, updated_at=now
    )
    activity.state = ActivityState.DONE
    activity.save(update_fields=["state", "updated_at"])
    return activity


def parse_hours(value: Any) -> Decimal:
    try:
        hours = Decimal(normalise(str(value))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": _("Give the hours as a number, e.g. 2.5.")}) from exc
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
        raise ValidationError({"hours": _("Hours must be between 0 and %(max)s.") % {"max": MAX_HOURS}})
    return hours


@transaction.atomic
def adjust_hours(signup: SignUp, hours: Any, reason: str, *, actor) -> SignUp:
    """Set a completed activity's hours for one person, with a reason kept in the audit trail."""
    activity = _lock(signup.activity_id)
    _require_organise(actor, activity)
    signup = SignUp.objects.get(pk=signup.pk)
    new_hours = parse_hours(hours)
    reason = normalise(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the hours are changed.")})
    if activity.state != ActivityState.DONE:
        raise ValidationError(_("Hours are adjusted once the activity is completed."))
    if signup.status != SignUpStatus.CONFIRMED:
        raise ValidationError(_("Only confirmed sign-ups earn hours."))
    HoursAdjustment.objects.create(
        signup=signup,
        old_hours=signup.hours,
        new_hours=new_hours,
        reason=reason[:200],
        adjusted_by=actor if actor is not None and actor.is_authenticated else None,
    )
    signup.hours = new_hours
    if new_hours > 0:
        signup.no_show = False
    signup.save(update_fields=["hours", "no_show", "updated_at"])
    return signup


# Check-in ---------------------------------------------------------------------------------------


def check_in(activity: Activity, code: str, *, actor) -> SignUp:
    """The actor checks themself in with the code shown on the organiser's page, in the window."""
    _require_person(actor)
    signup = (
        SignUp.objects.filter(activity=activity, person=actor, status=SignUpStatus.CONFIRMED)
        .select_related("activity")
        .first()
    )
    if signup is None:
        raise ValidationError(_("You have no confirmed place on this activity."), code="no_place")
    activity = signup.activity
    now = timezone.now()
    if activity.state not in (ActivityState.OPEN, ActivityState.CLOSED) or not activity.checkin_open(now):
        raise ValidationError(
            _("Check-in is open from %(start)s to %(end)s.")
            % {"start": _local(activity.checkin_opens_at), "end": _local(activity.ends_at)},
            code="window",
        )
    typed = activity_services.normalise_code(code)
    if not typed or not activity.checkin_code or not constant_time_compare(typed, activity.checkin_code):
        raise ValidationError(_("That check-in code is not the code of this activity."), code="code")
    SignUp.objects.filter(pk=signup.pk, checked_in_at__isnull=True).update(checked_in_at=now, updated_at=now)
    signup.refresh_from_db()
    return signup


@transaction.atomic
def tick(signup: SignUp, *, actor, present: bool = True) -> SignUp:
    """The organiser ticks a confirmed person present (or un-ticks them) before completion."""
    activity = _lock(signup.activity_id)
    _require_organise(actor, activity)
    signup = SignUp.objects.get(pk=signup.pk)
    if signup.status != SignUpStatus.CONFIRMED:
        raise ValidationError(_("Only people with a confirmed place can be checked in."))
    if activity.state not in (ActivityState.OPEN, ActivityState.CLOSED):
        raise ValidationError(_("Check-in is over for this activity."))
    if present and signup.checked_in_at is None:
        signup.checked_in_at = timezone.now()
        signup.checked_in_by = actor if actor is not None and actor.is_authenticated else None
    elif not present:
        signup.checked_in_at = None
        signup.checked_in_by = None
    signup.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    return signup


# Volunteers and teams -----------------------------------------------------------------------------


def _community_choices():
    return Organisation.objects.open().filter(kind__in=COMMUNITY_KINDS, depth=2)


@transaction.atomic
def register_volunteer(
    *, username: str, password: str, name: str, mobile: str, community: Organisation, skills: str = ""
) -> Volunteer:
    """Self-registration: a volunteer record and its login. Raises ValidationError by field."""
    errors: dict[str, list[str]] = {}
    User = get_user_model()
    username = normalise(username)
    try:
        name = clean_name(name)
        if not name:
            raise ValidationError(_("Give your name."))
    except ValidationError as exc:
        errors["name"] = exc.messages
    try:
        mobile = clean_mobile(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages
    if not _community_choices().filter(pk=getattr(community, "pk", None)).exists():
        errors["community"] = [_("Choose your community.")]
    user = User(username=username)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors["username"] = exc.message_dict.get("username", exc.messages)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return Volunteer.objects.create(
        user=user, name=name, mobile=mobile, community=community, skills=normalise(skills)[:200]
    )


@transaction.atomic
def create_team(
    *,
    actor,
    organisation: Organisation,
    name: str,
    kind: str = "",
    description: str = "",
    leaders=(),
    members=(),
) -> Team:
    """A volunteer team of an organisation the actor manages."""
    team = Team(organisation=organisation, name=normalise(name), description=normalise(description))
    if kind:
        team.kind = kind
    if actor is not None and not access.can_manage_team(actor, team):
        raise PermissionDenied(_("You do not manage this organisation."))
    team.full_clean()
    team.save()
    team.leaders.set(leaders)
    team.members.set(members)
    return team


@transaction.atomic
def save_team(team: Team, *, actor, leaders=None, members=None, activities=None) -> Team:
    """Create or change a team (the admin's form fills `team`); the actor must manage its
    organisation, and, when it moves, the organisation it was under. Activities linked must be
    organised in a subtree the actor manages."""
    if actor is not None:
        if not access.can_manage_team(actor, team):
            raise PermissionDenied(_("You do not manage this organisation."))
        if team.pk:
            before = Team.objects.select_related("organisation").get(pk=team.pk)
            if not access.can_manage_team(actor, before):
                raise PermissionDenied(_("You do not manage this organisation."))
        if activities is not None and any(
            not activity_access.can_manage_activity(actor, a) for a in activities
        ):
            raise PermissionDenied(_("You may only link activities of organisations you manage."))
    team.name = normalise(team.name)
    team.description = normalise(team.description)
    team.full_clean()
    team.save()
    for name, value in (("leaders", leaders), ("members", members), ("activities", activities)):
        if value is not None:
            getattr(team, name).set(value)
    return team
