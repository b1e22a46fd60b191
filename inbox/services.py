"""Every change of notification state: notify people, deliver a fan-out, sweep, mark read.

`notify` is called by other apps' services (publishing a notice, an activity reminder, a
waiting-list offer) after they have checked their own actor; it writes a FanOut and queues the
delivery after commit. The delivery (`run_fanout`) is idempotent at every step:

- claim: a conditional UPDATE takes a pending fan-out, so two workers never run it together;
- notifications: `bulk_create(ignore_conflicts=True)` on the unique (recipient, cause), so a batch
  done twice inserts nothing the second time;
- e-mail: each row's e-mail is claimed (pending → sending, stamped with this run) before it is sent
  and marked sent after, so a re-run never sends it again. A row left "sending" by a run that died
  is marked failed, not sent again: at most one e-mail per person and cause;
- progress: the cursor and heartbeat are saved after each batch; the sweep re-queues a fan-out
  whose heartbeat stopped, and the re-run starts at the cursor.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    CAUSE_KEY_RE,
    EmailState,
    FanOut,
    FanOutStatus,
    Notification,
    is_local_url,
)
from .tasks import deliver_fanout as deliver_fanout_task

log = logging.getLogger(__name__)

# The sweep: a pending fan-out not picked up, a running one with no heartbeat, and how many
# times a fan-out may be found dead before it is given up.
PENDING_STALL = dt.timedelta(minutes=2)
RUNNING_STALL = dt.timedelta(minutes=5)
MAX_STALLS = 5


class FanOutLost(Exception):
    """Another run owns the fan-out now (the sweep judged this one dead)."""


def cause_key(kind: str, *parts: object) -> str:
    """Build a cause key: cause_key("activity", 7, "reminder-24h") → "activity:7:reminder-24h"."""
    key = ":".join([kind, *(str(part) for part in parts)])
    if not CAUSE_KEY_RE.match(key):
        raise ValueError(f"not a cause key: {key!r}")
    return key


def _recipient_ids(recipients: QuerySet | Iterable[int | None]) -> list[int]:
    """Sorted distinct user ids from a queryset of users or an iterable of ids (None skipped)."""
    if isinstance(recipients, QuerySet):
        if recipients.model is get_user_model():
            recipients = recipients.values_list("pk", flat=True)
        elif not getattr(recipients, "_fields", None):
            raise TypeError("pass users, or values_list('user_id', flat=True) of another model")
    return sorted({int(pk) for pk in recipients if pk is not None})


def notify(
    cause: str,
    recipients: QuerySet | Iterable[int | None],
    *,
    title: str,
    summary: str = "",
    url: str = "",
    actor=None,
) -> FanOut | None:
    """Tell `recipients` (users, or user ids) about `cause` in the inbox and, if they have an
    address, by e-mail; each person at most once per cause, however often this is called.

    The audience is fixed now; the delivery runs on a worker after the caller's transaction
    commits (nothing is sent for a transaction that rolls back). Returns the fan-out, or None
    when there is nobody to tell. `actor` (who caused it) is recorded; the caller checks it.
    """
    _check_message(cause, title, url)
    title = title.strip()
    ids = _recipient_ids(recipients)
    if not ids:
        return None
    with transaction.atomic():
        fanout = FanOut.objects.create(
            cause_key=cause,
            title=title[:200],
            summary=summary,
            url=url,
            recipient_ids=ids,
            total=len(ids),
            created_by=actor if actor is not None and actor.is_authenticated else None,
            heartbeat_at=timezone.now(),  # a pending fan-out's heartbeat: when it was queued
        )
        deliver_fanout_task.delay_on_commit(fanout.pk)
    return fanout


# Delivery -----------------------------------------------------------------------------------


def _claim(fanout_id: int) -> int | None:
    """Take a pending fan-out for this run; return its attempt number, or None if not pending."""
    now = timezone.now()
    claimed = FanOut.objects.filter(pk=fanout_id, status=FanOutStatus.PENDING).update(
        status=FanOutStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    return FanOut.objects.values_list("attempts", flat=True).get(pk=fanout_id)


def _owned(fanout_id: int, attempt: int) -> QuerySet[FanOut]:
    return FanOut.objects.filter(pk=fanout_id, status=FanOutStatus.RUNNING, attempts=attempt)


def _has_address(email: str) -> bool:
    if not email:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class Message:
    """One person's own notification, for notify_each."""

    cause: str
    recipient_id: int
    title: str
    summary: str = ""
    url: str = ""


def _check_message(cause: str, title: str, url: str) -> None:
    if not CAUSE_KEY_RE.match(cause):
        raise ValidationError(_('A cause looks like "notice:42" or "activity:7:reminder-24h".'))
    if not title.strip():
        raise ValidationError(_("A notification needs a title."))
    if url and not is_local_url(url):
        raise ValidationError(_("A notification may only link to a page of this site."))


def notify_each(label: str, messages: Sequence[Message], *, actor=None) -> FanOut | None:
    """Tell many people each their own message (a reminder naming their sign-up and link) at once.

    Unlike notify, the inbox rows are written now, in bulk, inside the caller's transaction: a
    person's second row for one cause is refused as always, so a retried call adds nothing. One
    fan-out labelled `label` (a cause key naming the batch) e-mails the new rows after commit.
    A fixed number of queries whatever the number of messages. Returns the fan-out, or None
    when there is nobody to tell.
    """
    for message in messages:
        _check_message(message.cause, message.title, message.url)
    if not CAUSE_KEY_RE.match(label):
        raise ValueError(f"not a cause key: {label!r}")
    ids = sorted({m.recipient_id for m in messages})
    if not ids:
        return None
    addresses = dict(get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", "email"))
    if not addresses:
        return None
    with transaction.atomic():
        fanout = FanOut.objects.create(
            cause_key=label,
            title=messages[0].title.strip()[:200],
            recipient_ids=ids,
            total=len(ids),
            prefilled=True,
            created_by=actor if actor is not None and actor.is_authenticated else None,
            heartbeat_at=timezone.now(),
        )
        rows = [
            Notification(
                recipient_id=m.recipient_id,
                cause_key=m.cause,
                title=m.title.strip()[:200],
                summary=m.summary,
                url=m.url,
                fanout=fanout,
                email_state=EmailState.PENDING
                if _has_address(addresses[m.recipient_id])
                else EmailState.NONE,
            )
            for m in messages
            if m.recipient_id in addresses
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        deliver_fanout_task.delay_on_commit(fanout.pk)
    return fanout


def _rows_of(fanout: FanOut) -> QuerySet[Notification]:
    """The notifications a fan-out delivers: its cause's, or (prefilled) the rows it wrote."""
    if fanout.prefilled:
        return Notification.objects.filter(fanout_id=fanout.pk)
    return Notification.objects.filter(cause_key=fanout.cause_key)


def _insert_batch(fanout: FanOut, batch: list[int]) -> None:
    """Create the batch's notifications; rows that exist already (a re-run, an earlier fan-out of
    the same cause) are left as they are. Two queries, whatever the batch size."""
    users = get_user_model().objects.filter(pk__in=batch, is_active=True).values_list("pk", "email")
    rows = [
        Notification(
            recipient_id=pk,
            cause_key=fanout.cause_key,
            title=fanout.title,
            summary=fanout.summary,
            url=fanout.url,
            fanout=fanout,
            email_state=EmailState.PENDING if _has_address(email) else EmailState.NONE,
        )
        for pk, email in users
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=len(batch) or None)


def _absolute(url: str) -> str:
    base = (settings.WAGTAILADMIN_BASE_URL or "").rstrip("/")
    return f"{base}{url}" if url else base


def _email_batch(fanout: FanOut, batch: list[int], token: str) -> int:
    """Claim, send and record the batch's pending e-mails over one connection; return how many went."""
    mine = _rows_of(fanout).filter(recipient_id__in=batch)
    claimed = mine.filter(email_state=EmailState.PENDING).update(
        email_state=EmailState.SENDING, email_claim=token, email_attempts=F("email_attempts") + 1
    )
    if not claimed:
        return 0
    rows = list(
        mine.filter(email_state=EmailState.SENDING, email_claim=token).values_list(
            "pk", "recipient__email", "title", "summary", "url"
        )
    )
    sent: list[int] = []
    failed: list[int] = []
    try:
        with get_connection(fail_silently=False) as connection:
            for pk, address, title, summary, url in rows:
                body = render_to_string(
                    "inbox/email.txt", {"title": title, "summary": summary, "link": _absolute(url)}
                )
                message = EmailMessage(subject=title, body=body, to=[address], connection=connection)
                try:
                    message.send()
                except Exception:  # one bad address must not stop the batch
                    log.warning("inbox: e-mail for notification %s failed", pk, exc_info=True)
                    failed.append(pk)
                else:
                    sent.append(pk)
    except Exception:  # the connection itself failed: nothing more of this batch goes out
        log.warning("inbox: e-mail connection failed for fan-out %s", fanout.pk, exc_info=True)
        done = set(sent) | set(failed)
        failed.extend(pk for pk, *_rest in rows if pk not in done)
    now = timezone.now()
    # Filtered by the claim only: this run's claim is what says the e-mail is ours to record.
    if sent:
        Notification.objects.filter(pk__in=sent, email_claim=token).update(
            email_state=EmailState.SENT, emailed_at=now
        )
    if failed:
        Notification.objects.filter(pk__in=failed, email_claim=token).update(email_state=EmailState.FAILED)
        FanOut.objects.filter(pk=fanout.pk).update(
            last_error=_("%(count)d e-mails could not be sent.") % {"count": len(failed)}
        )
    return len(sent)


def _abandon_dead_claims(fanout: FanOut, token: str) -> int:
    """E-mails claimed by an earlier run of this fan-out that died before recording the outcome:
    they may have gone out, so they are marked failed rather than sent twice."""
    return (
        _rows_of(fanout)
        .filter(
            email_state=EmailState.SENDING,
            email_claim__startswith=f"{fanout.pk}:",
        )
        .exclude(email_claim=token)
        .update(email_state=EmailState.FAILED)
    )


def _heartbeat(fanout_id: int, attempt: int, **fields) -> None:
    if not _owned(fanout_id, attempt).update(heartbeat_at=timezone.now(), **fields):
        raise FanOutLost(fanout_id)


def run_fanout(fanout_id: int) -> str:
    """Deliver one fan-out from its cursor to the end, or until its time budget is used up.

    Returns "done", "continued" (the rest was queued as a fresh task), "skipped" (not pending:
    finished, or running elsewhere) or "lost" (the sweep gave it to another run meanwhile).
    """
    attempt = _claim(fanout_id)
    if attempt is None:
        return "skipped"
    fanout = FanOut.objects.get(pk=fanout_id)
    try:
        return _run_claimed(fanout, attempt)
    except FanOutLost:
        log.warning("inbox: fan-out %s was taken over by another run", fanout_id)
        return "lost"


def _run_claimed(fanout: FanOut, attempt: int) -> str:
    token = f"{fanout.pk}:{attempt}"
    _abandon_dead_claims(fanout, token)
    size = max(1, int(settings.INBOX_BATCH_SIZE))
    budget = float(settings.INBOX_RUN_SECONDS)
    started = time.monotonic()
    ids: list[int] = fanout.recipient_ids
    position = fanout.cursor
    while position < len(ids):
        batch = ids[position : position + size]
        if not fanout.prefilled:
            _insert_batch(fanout, batch)
        emailed = _email_batch(fanout, batch, token)
        position += len(batch)
        _heartbeat(fanout.pk, attempt, cursor=position, emailed_count=F("emailed_count") + emailed)
        if position < len(ids) and time.monotonic() - started > budget:
            # Hand the rest to a fresh task: each stays well inside the Celery time limits.
            if not _owned(fanout.pk, attempt).update(
                status=FanOutStatus.PENDING, heartbeat_at=timezone.now()
            ):
                raise FanOutLost(fanout.pk)
            deliver_fanout_task.delay_on_commit(fanout.pk)
            return "continued"
    now = timezone.now()
    notified = Notification.objects.filter(fanout_id=fanout.pk).count()
    if not _owned(fanout.pk, attempt).update(
        status=FanOutStatus.DONE, finished_at=now, heartbeat_at=now, notified_count=notified
    ):
        raise FanOutLost(fanout.pk)
    log.info("inbox: fan-out %s (%s) done: %d notified", fanout.pk, fanout.cause_key, notified)
    return "done"


def release_fanout(fanout_id: int) -> bool:
    """Put a running fan-out back to pending (its task ran out of time) so the sweep or a new
    task continues it from its cursor."""
    return bool(
        FanOut.objects.filter(pk=fanout_id, status=FanOutStatus.RUNNING).update(
            status=FanOutStatus.PENDING, heartbeat_at=timezone.now()
        )
    )


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"requeued": self.requeued, "failed": self.failed}


def sweep_stalled_fanouts(now: dt.datetime | None = None) -> SweepReport:
    """Queue again the fan-outs whose worker died or whose message was lost (run every minute).

    Running without a heartbeat for RUNNING_STALL: back to pending and queued, unless it has been
    found dead MAX_STALLS times (then failed, with a reason). Pending and not picked up within
    PENDING_STALL: queued again (a duplicate message is harmless: the claim lets one run through).
    """
    now = now or timezone.now()
    report = SweepReport()
    running_cutoff, pending_cutoff = now - RUNNING_STALL, now - PENDING_STALL
    stalled_running = Q(status=FanOutStatus.RUNNING) & (
        Q(heartbeat_at__lt=running_cutoff) | Q(heartbeat_at__isnull=True)
    )
    for fanout_id, attempts, stalls in FanOut.objects.filter(stalled_running).values_list(
        "pk", "attempts", "stalls"
    ):
        same = FanOut.objects.filter(stalled_running, pk=fanout_id, attempts=attempts)
        if stalls + 1 >= MAX_STALLS:
            if same.update(
                status=FanOutStatus.FAILED,
                stalls=stalls + 1,
                finished_at=now,
                heartbeat_at=now,
                last_error=_("The delivery stopped %(count)d times and was given up.")
                % {"count": stalls + 1},
            ):
                report.failed.append(fanout_id)
        elif same.update(status=FanOutStatus.PENDING, stalls=stalls + 1, heartbeat_at=now):
            report.requeued.append(fanout_id)
    stalled_pending = Q(status=FanOutStatus.PENDING) & (
        Q(heartbeat_at__lt=pending_cutoff) | Q(heartbeat_at__isnull=True)
    )
    for fanout_id in FanOut.objects.filter(stalled_pending).values_list("pk", flat=True):
        if FanOut.objects.filter(stalled_pending, pk=fanout_id).update(heartbeat_at=now):
            report.requeued.append(fanout_id)
    for fanout_id in report.requeued:
        deliver_fanout_task.delay_on_commit(fanout_id)
    if report.requeued or report.failed:
        log.warning("inbox sweep: re-queued %s, failed %s", report.requeued, report.failed)
    return report


# Reading ------------------------------------------------------------------------------------


def mark_read(notification: Notification, *, actor) -> Notification:
    """Mark one of the actor's own notifications read (the first reading time is kept)."""
    if not actor.is_authenticated or notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; return how many."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to see your notifications."))
    return Notification.objects.for_user(actor).unread().update(read_at=timezone.now())
