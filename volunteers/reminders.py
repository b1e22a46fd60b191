"""Reminders before an activity, each sent exactly once, and the "cannot come" answer.

Who is reminded when: confirmed sign-ups of live (open or closed) activities, at the offsets of
the activity's kind (ReminderPolicy, else settings.VOLUNTEERS_REMINDER_HOURS: 24 h and 1 h
before). A reminder is due once the start is within its offset. A farther reminder is not
needed (recorded as skipped, never sent) when a nearer one is due too (the worker was down) or
when the place was confirmed after its time (someone who signed up 20 hours before hears 1 hour
before, not at once); the nearest offset is always sent.

Exactly once, polled by `send_due_reminders` (the beat task, every minute; no countdowns):

1. claim: for a batch of due (sign-up, offset) pairs with no ReminderSent row, insert the rows in
   state "claimed" with this run's token and time, in one committed transaction. The unique
   (sign-up, offset) lets only one run claim a pair; the others' inserts are ignored.
2. send: for each batch of rows this run claimed, in one transaction: lock the rows still ours
   and still claimed, write each person's inbox row through inbox.notify_each (e-mail follows
   after commit) and mark the rows sent. Both happen or neither does.
3. sweep: claims older than the lease (VOLUNTEERS_REMINDER_LEASE_SECONDS) belong to a run that
   died between 1 and 2; each run first takes them over (a conditional UPDATE to its own token,
   so two sweeps never share one) and sends them as in 2.

A run that is merely slow past its lease loses its claim: its step 2 finds the row is no longer
its own and skips it. And should a notification still be asked for twice, the inbox refuses a
second row for one person and cause (the cause names the sign-up and offset) and e-mails each
row at most once (inbox.services), so the person still gets one reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.models import ActivityKind, ActivityState
from inbox.services import Message, cause_key, notify_each

from . import services
from .models import ReminderPolicy, ReminderSent, ReminderState, SignUp, SignUpStatus, parse_reminder_hours

log = logging.getLogger(__name__)

CANNOT_COME_SALT = "volunteers.reminder.cannot-come"
REMINDED_STATES = (ActivityState.OPEN, ActivityState.CLOSED)


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


# Policy -----------------------------------------------------------------------------------------


def offsets_by_kind() -> dict[str, list[int]]:
    """Minutes before the start at which each kind's sign-ups are reminded, nearest first."""
    default = [round(h * 60) for h in settings.VOLUNTEERS_REMINDER_HOURS]
    found = {kind: default for kind in ActivityKind.values}
    for kind, hours in ReminderPolicy.objects.values_list("kind", "hours"):
        try:
            found[kind] = [round(h * 60) for h in parse_reminder_hours(hours)]
        except ValueError:
            log.warning("volunteers: reminder policy of %s cannot be read; defaults used", kind)
    return {kind: sorted(set(minutes)) for kind, minutes in found.items()}


# The periodic run --------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    sent: int = 0
    skipped: int = 0
    reclaimed: int = 0
    lost: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "skipped": self.skipped, "reclaimed": self.reclaimed, "lost": self.lost}


def _token() -> str:
    return uuid.uuid4().hex


def _due_pairs(now: dt.datetime, limit: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Up to `limit` (sign-up id, offset) pairs due and unrecorded, soonest start first: those to
    send, and those superseded by a nearer offset that is due too (recorded as not needed)."""
    to_send: list[tuple[dt.datetime, int, int]] = []
    superseded: list[tuple[dt.datetime, int, int]] = []
    kinds_by_offsets: dict[tuple[int, ...], list[str]] = {}
    for kind, offsets in offsets_by_kind().items():
        kinds_by_offsets.setdefault(tuple(offsets), []).append(kind)
    # One query per offset of each distinct policy (two with the defaults), whatever the kinds.
    for offsets, kinds in kinds_by_offsets.items():
        for i, minutes in enumerate(offsets):
            recorded = ReminderSent.objects.filter(signup=OuterRef("pk"), offset_minutes=minutes)
            rows = (
                SignUp.objects.filter(
                    status=SignUpStatus.CONFIRMED,
                    activity__kind__in=kinds,
                    activity__state__in=REMINDED_STATES,
                    activity__starts_at__gt=now,
                    activity__starts_at__lte=now + dt.timedelta(minutes=minutes),
                )
                .filter(~Exists(recorded))
                .order_by("activity__starts_at", "pk")
                .values_list("pk", "activity__starts_at", "confirmed_at")[:limit]
            )
            nearer = offsets[i - 1] if i else None
            for pk, starts_at, confirmed_at in rows:
                if nearer is not None and (
                    starts_at <= now + dt.timedelta(minutes=nearer)
                    or (confirmed_at is not None and confirmed_at > starts_at - dt.timedelta(minutes=minutes))
                ):
                    superseded.append((starts_at, pk, minutes))
                else:
                    to_send.append((starts_at, pk, minutes))
    to_send.sort()
    superseded.sort()
    return [(pk, m) for _s, pk, m in to_send[:limit]], [(pk, m) for _s, pk, m in superseded[:limit]]


def _claim(
    pairs: list[tuple[int, int]], skipped: list[tuple[int, int]], token: str, now: dt.datetime
) -> list[int]:
    """Insert the batch's rows as claimed by `token` (committed); return the ids this run holds."""
    with transaction.atomic():
        rows = [
            ReminderSent(
                signup_id=pk, offset_minutes=m, state=ReminderState.CLAIMED, claim=token, claimed_at=now
            )
            for pk, m in pairs
        ] + [
            ReminderSent(
                signup_id=pk, offset_minutes=m, state=ReminderState.SKIPPED, claim=token, claimed_at=now
            )
            for pk, m in skipped
        ]
        # Pairs another run claimed meanwhile conflict on the unique (sign-up, offset): ignored.
        ReminderSent.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        ReminderSent.objects.filter(claim=token, state=ReminderState.CLAIMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def reclaim_stale(now: dt.datetime, token: str) -> list[int]:
    """Take over the claims of runs that died (claimed longer ago than the lease); return their ids."""
    cutoff = now - dt.timedelta(seconds=settings.VOLUNTEERS_REMINDER_LEASE_SECONDS)
    taken = ReminderSent.objects.filter(state=ReminderState.CLAIMED, claimed_at__lt=cutoff).update(
        claim=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return []
    ids = list(
        ReminderSent.objects.filter(claim=token, state=ReminderState.CLAIMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    log.warning("volunteers: took over %d reminder claims of a run that stopped", len(ids))
    return ids


def _message(signup: SignUp, minutes: int) -> dict[str, str]:
    activity = signup.activity
    return {
        "title": _("Reminder: %(title)s starts at %(time)s")
        % {"title": activity.title, "time": _local(activity.starts_at)},
        "summary": _(
            "Place: %(place)s. Cannot come? Say so through this link and your place goes to the next in line."
        )
        % {"place": activity.place},
        "url": cannot_come_url(signup),
    }


def deliver_batch(
    ids: list[int], token: str, now: dt.datetime, report: ReminderReport | None = None
) -> ReminderReport:
    """Send a batch of claimed reminders and record them, in one transaction: each row still this
    run's claim is sent (its person's inbox row written through inbox.notify_each, e-mailed after
    commit) or skipped (no longer wanted: cancelled, started); the rest were lost to another run.
    Both the inbox rows and the records, or neither. A fixed number of queries per batch."""
    delay = float(settings.VOLUNTEERS_REMINDER_ITEM_DELAY)
    with transaction.atomic():
        rows = list(
            ReminderSent.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, claim=token, state=ReminderState.CLAIMED)
            .select_related("signup__activity")
            .order_by("pk")
        )
        to_send, to_skip = [], []
        for row in rows:
            if delay:
                time.sleep(delay)  # only the kill test slows the worker down
            signup, activity = row.signup, row.signup.activity
            wanted = (
                signup.status == SignUpStatus.CONFIRMED
                and activity.state in REMINDED_STATES
                and activity.starts_at > now
            )
            (to_send if wanted else to_skip).append(row)
        if to_send:
            notify_each(
                cause_key("reminder-batch", token, to_send[0].pk),
                [
                    Message(
                        cause_key("reminder", row.signup_id, f"{row.offset_minutes}m"),
                        row.signup.person_id,
                        **_message(row.signup, row.offset_minutes),
                    )
                    for row in to_send
                ],
            )
            ReminderSent.objects.filter(pk__in=[row.pk for row in to_send]).update(
                state=ReminderState.SENT, sent_at=now
            )
        if to_skip:
            ReminderSent.objects.filter(pk__in=[row.pk for row in to_skip]).update(
                state=ReminderState.SKIPPED
            )
    report = report or ReminderReport()
    report.sent += len(to_send)
    report.skipped += len(to_skip)
    report.lost += len(ids) - len(rows)
    return report


def _deliver_all(ids: list[int], token: str, now: dt.datetime, report: ReminderReport) -> None:
    size = max(1, int(settings.VOLUNTEERS_REMINDER_BATCH))
    for start in range(0, len(ids), size):
        deliver_batch(ids[start : start + size], token, now, report)


def send_due_reminders(now: dt.datetime | None = None) -> ReminderReport:
    """Finish the claims of dead runs, then send the due reminders batch by batch until none is
    left or the run's time (VOLUNTEERS_REMINDER_RUN_SECONDS) is up; the next run goes on."""
    fixed_now = now
    report = ReminderReport()
    started = time.monotonic()
    token = _token()
    now = fixed_now or timezone.now()
    stale = reclaim_stale(now, token)
    report.reclaimed = len(stale)
    _deliver_all(stale, token, now, report)
    size = max(1, int(settings.VOLUNTEERS_REMINDER_BATCH))
    while time.monotonic() - started < settings.VOLUNTEERS_REMINDER_RUN_SECONDS:
        now = fixed_now or timezone.now()
        pairs, superseded = _due_pairs(now, size)
        if not pairs and not superseded:
            break
        token = _token()
        ids = _claim(pairs, superseded, token, now)
        report.skipped += len(superseded)
        _deliver_all(ids, token, now, report)
    if report.sent or report.reclaimed or report.lost:
        log.info("volunteers: reminders %s", report.as_dict())
    return report


# "Cannot come" ---------------------------------------------------------------------------------


def cannot_come_token(signup: SignUp) -> str:
    """The signed token of a reminder's "cannot come" link: this sign-up of this person."""
    return signing.dumps({"s": signup.pk, "p": signup.person_id}, salt=CANNOT_COME_SALT)


def cannot_come_url(signup: SignUp) -> str:
    return reverse("volunteers:cannot_come", args=[cannot_come_token(signup)])


def _invalid() -> ValidationError:
    return ValidationError(_("This link is not valid."), code="link")


def read_cannot_come(token: str, *, actor) -> SignUp:
    """The sign-up a "cannot come" link names, if it is the actor's; ValidationError if forged,
    expired or another person's (answered alike, so the link tells nothing about others)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to answer."))
    max_age = dt.timedelta(hours=settings.VOLUNTEERS_CANNOT_COME_MAX_AGE_HOURS)
    try:
        data = signing.loads(token, salt=CANNOT_COME_SALT, max_age=max_age)
        signup_id, person_id = int(data["s"]), int(data["p"])
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This link has expired; cancel from 我的志愿服务 instead."), code="expired"
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise _invalid() from exc
    signup = SignUp.objects.select_related("activity").filter(pk=signup_id, person_id=person_id).first()
    if signup is None or signup.person_id != actor.pk:
        raise _invalid()
    return signup


def cannot_come(token: str, *, actor) -> SignUp:
    """Answer a reminder "cannot come": cancel the sign-up through volunteers.services, which
    offers the place to the first in line.

    Allowed past the cancellation cut-off (the person would not come anyway, and a place freed
    now can still be taken): such a cancellation is marked late (SignUp.late_cancellation) for
    the organiser to see. Refused once the activity has started.
    """
    signup = read_cannot_come(token, actor=actor)
    if signup.status != SignUpStatus.CONFIRMED:
        raise ValidationError(_("This sign-up is no longer active."), code="not_live")
    if timezone.now() >= signup.activity.starts_at:
        raise ValidationError(_("The activity has started; please tell the organiser."), code="started")
    return services.cancel_signup(signup, actor=actor, late_ok=True)
