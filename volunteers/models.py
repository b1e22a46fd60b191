"""Who takes part: registered volunteers, volunteer teams, sign-ups (with the waiting list) and
service hours with their audit trail.

A participant is a login (User): a party member takes part through the login of their Member
record, anyone else through the login of their Volunteer record. A SignUp points at the User, so
one rule covers both.

Capacity: the places an activity holds are its CONFIRMED and OFFERED sign-ups (an offer keeps
the place for the person offered until it is confirmed or expires). Every change that takes or
frees a place runs with the activity's row locked (SELECT … FOR UPDATE) in volunteers.services,
so two sign-ups never both see the last free place. The database also refuses a second live
sign-up of one person for one activity (unique constraint on live statuses).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityKind, ActivitySeries
from core.masking import mask_mobile
from core.text import normalise
from core.tree import SubtreeQuerySet
from orgchart.models import Organisation
from orgchart.validators import validate_mobile


class VolunteerQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"


class Volunteer(models.Model):
    """A registered volunteer who is not a party member (members take part as members)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.CASCADE,
        related_name="volunteer",
    )
    name = models.CharField(_("full name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, validators=[validate_mobile])
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteers",
        help_text=_("The community the volunteer lives in."),
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community__path", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class TeamKind(models.TextChoices):
    MEMBERS = "members", _("Party-member volunteer team")
    TASK = "task", _("Task team")
    SERVICE = "service", _("Service volunteer team")


class TeamQuerySet(SubtreeQuerySet):
    subtree_path_field = "organisation__path"


class Team(models.Model):
    """A volunteer team (志愿者队伍) under an organisation; its leaders run the team's activities."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices, default=TeamKind.SERVICE)
    description = models.TextField(_("description"), blank=True)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("leaders"), blank=True, related_name="led_teams"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="volunteer_teams"
    )
    activities = models.ManyToManyField(
        Activity, verbose_name=_("activities"), blank=True, related_name="teams"
    )
    # Recurring series the team runs: their occurrences are linked to the team as generated.
    series = models.ManyToManyField(
        ActivitySeries, verbose_name=_("recurring series"), blank=True, related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["organisation__path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_per_organisation")
        ]

    def __str__(self) -> str:
        return self.name


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Place offered")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Offer declined or expired")


# A live sign-up holds a place or a place in the queue; one per person and activity.
LIVE_STATUSES = (SignUpStatus.CONFIRMED, SignUpStatus.WAITING, SignUpStatus.OFFERED)
# Sign-ups that hold one of the activity's places.
PLACE_STATUSES = (SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)


class SignUpQuerySet(models.QuerySet):
    def live(self) -> SignUpQuerySet:
        return self.filter(status__in=LIVE_STATUSES)

    def holding_places(self) -> SignUpQuerySet:
        return self.filter(status__in=PLACE_STATUSES)

    def waiting(self) -> SignUpQuerySet:
        """The waiting list in FIFO order."""
        return self.filter(status=SignUpStatus.WAITING).order_by("queued_at", "pk")


class SignUp(models.Model):
    """One person's sign-up for one activity, from the sign-up to the hours credited."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="signups"
    )
    status = models.CharField(_("status"), max_length=20, choices=SignUpStatus.choices)
    # The waiting list's order: when the person joined it (ties broken by id).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ticked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hours = models.DecimalField(
        _("service hours"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    no_show = models.BooleanField(_("no-show"), default=False)
    # Cancelled after the cut-off by answering a reminder "cannot come" (volunteers.reminders).
    late_cancellation = models.BooleanField(_("cancelled late"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity_id", "created_at", "pk"]  # the column: no join on the activity
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=["confirmed", "waiting", "offered"]),
                name="one_live_signup_per_person_and_activity",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="signup_hours_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="signup_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "status", "queued_at"], name="signup_queue_idx"),
            models.Index(fields=["person", "status"], name="signup_person_idx"),
            models.Index(
                fields=["offer_expires_at"], name="signup_open_offer_idx", condition=Q(status="offered")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.person}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class HoursAdjustment(models.Model):
    """The audit trail of hours changed by hand: who, when, from what to what, and why."""

    signup = models.ForeignKey(
        SignUp, verbose_name=_("sign-up"), on_delete=models.CASCADE, related_name="adjustments"
    )
    old_hours = models.DecimalField(_("hours before"), max_digits=6, decimal_places=2)
    new_hours = models.DecimalField(_("hours after"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjusted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hours adjustment")
        verbose_name_plural = _("hours adjustments")
        ordering = ["-adjusted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.signup}: {self.old_hours} → {self.new_hours}"


# Reminders --------------------------------------------------------------------------------------


class ReminderPolicy(models.Model):
    """When people signed up for activities of one kind are reminded: hours before the start.

    Without a row for a kind, settings.VOLUNTEERS_REMINDER_HOURS (24 and 1) apply.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices, unique=True)
    hours = models.CharField(
        _("hours before the start"),
        max_length=100,
        blank=True,
        help_text=_("Comma-separated, e.g. 24, 1. Empty: no reminders for this kind."),
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.hours or '—'}"

    def clean(self) -> None:
        try:
            parse_reminder_hours(self.hours)
        except ValueError as exc:
            raise ValidationError({"hours": str(exc)}) from exc
        self.hours = ", ".join(f"{h:g}" for h in parse_reminder_hours(self.hours))


def parse_reminder_hours(text: str) -> list[float]:
    """ "24, 1" → [24.0, 1.0] (descending, no duplicates); ValueError with a message if not."""
    values = set()
    for part in normalise(text).replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(_("Give hours as numbers separated by commas, e.g. 24, 1.")) from None
        if not 0 < value <= 24 * 14 or value * 60 != int(value * 60):
            raise ValueError(_("Each reminder is between one minute and two weeks before the start."))
        values.add(value)
    if len(values) > 5:
        raise ValueError(_("At most five reminders per activity."))
    return sorted(values, reverse=True)


class ReminderState(models.TextChoices):
    CLAIMED = "claimed", _("being sent")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not needed")


class ReminderSent(models.Model):
    """The record that one reminder of one sign-up went out (or was not needed): at most one row
    per sign-up and offset, so at most one reminder, whatever retries and killed workers do.

    A run claims a row (state claimed, `claim` its token, `claimed_at` now) before it sends, and
    marks it sent in the transaction that hands the notification to the inbox. A claim older than
    the lease belongs to a run that died: the next run's sweep takes it over (volunteers.reminders).
    """

    signup = models.ForeignKey(
        SignUp, verbose_name=_("sign-up"), on_delete=models.CASCADE, related_name="reminders"
    )
    offset_minutes = models.PositiveIntegerField(_("minutes before the start"))
    state = models.CharField(_("state"), max_length=10, choices=ReminderState.choices)
    claim = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["signup", "offset_minutes"], name="one_reminder_per_signup_offset"
            )
        ]
        indexes = [
            # The sweep looks only at claims not finished.
            models.Index(fields=["claimed_at"], name="reminder_open_claim_idx", condition=Q(state="claimed"))
        ]

    def __str__(self) -> str:
        return f"{self.signup_id} −{self.offset_minutes}min ({self.state})"


class HoursCertificate(models.Model):
    """A certificate of service hours as issued (志愿服务时长证明): what it stated, kept unchanged so
    the PDF can be downloaded again and anyone holding the paper can check its code on the portal."""

    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.CASCADE,
        related_name="hours_certificates",
    )
    holder_name = models.CharField(_("name"), max_length=100)
    holder_identifier = models.CharField(_("identifier (masked)"), max_length=40, blank=True)
    identifier_kind = models.CharField(max_length=10)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    total_hours = models.DecimalField(_("service hours"), max_digits=10, decimal_places=2)
    rows = models.JSONField(default=list, help_text="[[date, activity title, hours], ...] as issued")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hours certificate")
        verbose_name_plural = _("hours certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="certificate_period"
            ),
            models.CheckConstraint(condition=Q(total_hours__gte=0), name="certificate_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} · {self.code}"


class CalendarToken(models.Model):
    """The secret of one person's calendar feed (volunteers.calendar.tokens).

    The feed's URL carries a token derived from `nonce` with a server key (SECRET_KEY), so the
    portal can show the URL again while a copy of the database alone does not give it; the feed is
    found by `token_hash`, a keyed hash of that token. Resetting draws a new nonce: the old URL
    stops working at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reset_at = models.DateTimeField(_("reset at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
