"""Notifications: one row per person and cause, and the fan-outs that deliver them.

A *cause* is a short stable key naming why someone is told something — "notice:42",
"activity:7:reminder-24h", "waitlist:311:offer" — so a person is notified at most once per cause,
whatever retries, republishing or killed workers do: the database refuses a second row.

A FanOut holds the state of one delivery (who, how far, when it last moved) in the database, not
in the broker; the periodic sweep finds fan-outs whose worker died and queues them again.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# "kind:id[:detail…]": lower-case kind, then one or more segments of letters, digits, . _ -
CAUSE_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}(?::[A-Za-z0-9_.-]{1,60})+$")
CAUSE_KEY_MAX = 120

cause_key_validator = RegexValidator(
    CAUSE_KEY_RE, _('A cause looks like "notice:42" or "activity:7:reminder-24h".')
)


class EmailState(models.TextChoices):
    NONE = "none", _("no e-mail address")
    PENDING = "pending", _("to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class FanOutStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("sending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class FanOut(models.Model):
    """One delivery of one cause to a fixed list of people, run in batches by a Celery task."""

    cause_key = models.CharField(
        _("cause"), max_length=CAUSE_KEY_MAX, validators=[cause_key_validator], db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The audience as it was when notify() was called: user ids in ascending order, so the
    # cursor (how many have been handled) means the same on every run.
    recipient_ids = models.JSONField(_("recipients"), default=list)
    # Personal messages (notify_each): the caller wrote each person's own notification row; the
    # delivery only e-mails the rows of this fan-out.
    prefilled = models.BooleanField(_("written by the caller"), default=False)
    total = models.PositiveIntegerField(_("recipients"), default=0)
    cursor = models.PositiveIntegerField(_("handled"), default=0)
    notified_count = models.PositiveIntegerField(_("notifications created"), default=0)
    emailed_count = models.PositiveIntegerField(_("e-mails sent"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=FanOutStatus.choices, default=FanOutStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)  # claims, including planned continuations
    stalls = models.PositiveSmallIntegerField(default=0)  # times the sweep found it dead
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep looks only at unfinished fan-outs.
            models.Index(
                fields=["status", "heartbeat_at"],
                name="inbox_fanout_open_idx",
                condition=Q(status__in=["pending", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cause_key} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (FanOutStatus.DONE, FanOutStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == FanOutStatus.DONE:
            return 100
        return int(100 * self.cursor / self.total) if self.total else 0


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """The notifications `user` may see: their own; none for an anonymous visitor."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """What one person was told about one cause, read or not, and whether it was e-mailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    cause_key = models.CharField(_("cause"), max_length=CAUSE_KEY_MAX, validators=[cause_key_validator])
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Which run claimed the e-mail ("<fan-out id>:<attempt>"), so only that run sends it.
    email_claim = models.CharField(max_length=40, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    fanout = models.ForeignKey(FanOut, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "cause_key"], name="inbox_one_per_person_and_cause")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="inbox_list_idx"),
            # The header's unread count: an index holding unread rows only.
            models.Index(fields=["recipient"], name="inbox_unread_idx", condition=Q(read_at__isnull=True)),
            models.Index(fields=["cause_key", "email_state"], name="inbox_cause_email_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind(self) -> str:
        """The first part of the cause: "notice", "activity", … (for icons and filters)."""
        return self.cause_key.split(":", 1)[0]


def is_local_url(url: str) -> bool:
    """True for a path on this site ("/notices/42/"), False for anything a browser could leave by.

    The inbox redirects to a notification's link; only site-local paths are ever stored or
    followed, so a crafted link cannot turn the portal into an open redirect.
    """
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=set())
