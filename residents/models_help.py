"""Help requests (求助) and the service catalogue (服务项目): the seed's "8 series, 100+ items", a
help line (求助电话) and requests routed to the community that must answer them.

- ServiceSeries → ServiceItem: a community's catalogue (or the street's own, street-wide items),
  each item with the time within which a request for it must be closed: hours (urgent items) or
  working days (residents.due: weekends and Chinese public holidays skipped, 调休 days worked).
- ServiceArea: the estates and roads (小区/路) a community covers; a request's address is matched
  against them to route it (residents.services_help.route_address). Unmatched: the street's queue.
- HelpRequest: who asked (a login, or a resident by name and phone: the phone encrypted, shown
  masked), what for, where; new → accepted → in progress → closed with an outcome; escalated to
  the street once when overdue. Followed without logging in by an unguessable tracking code, of
  which only a keyed hash is stored.
- HelpStep: every step, shown to the requester on the status page.
Imported by residents/models.py (its last line). No foreign key to the registration models.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.masking import mask_mobile
from orgchart import crypto
from orgchart.models import Organisation

# Limits of what a request holds (services refuse more, with a Chinese message).
DESCRIPTION_MAX = 2000
ADDRESS_MAX = 200
OUTCOME_MAX = 2000


DUE_HOURS_MAX = 720
DUE_WORKING_DAYS_MAX = 60


class DueUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")


class ServiceSeries(models.Model):
    """A series of service items (e.g. 为老服务, 就业援助) of a community, or of the street."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="service_series",
        help_text=_("A community, or the street for street-wide items."),
    )
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service series")
        verbose_name_plural = _("service series")
        ordering = ["organisation__path", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="residents_series_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """One service item (服务项目) residents may ask for."""

    series = models.ForeignKey(
        ServiceSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    due_unit = models.CharField(
        _("answer time counted in"),
        max_length=12,
        choices=DueUnit.choices,
        default=DueUnit.HOURS,
        help_text=_("Hours for urgent items; working days skip weekends and public holidays."),
    )
    due_hours = models.PositiveSmallIntegerField(
        _("answer within (hours)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(DUE_HOURS_MAX)],
        help_text=_("A request for this item is overdue after this many hours and goes to the street."),
    )
    due_working_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(DUE_WORKING_DAYS_MAX)],
        help_text=_(
            "Used when the answer time is counted in working days: due at the end of that working day."
        ),
    )
    active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_(
            "Untick to stop offering the item: it leaves the public form, its requests and figures stay."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["series__organisation__path", "series__order", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["series", "name"], name="residents_item_name_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def due_display(self) -> str:
        """ "24 小时" / "3 个工作日": the answer time as residents and staff read it."""
        if self.due_unit == DueUnit.WORKING_DAYS:
            return ngettext("%(n)d working day", "%(n)d working days", self.due_working_days) % {
                "n": self.due_working_days
            }
        return ngettext("%(n)d hour", "%(n)d hours", self.due_hours) % {"n": self.due_hours}


class ServiceArea(models.Model):
    """An estate or road (小区/路) a community covers: the routing table of help requests."""

    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.CASCADE, related_name="service_areas"
    )
    name = models.CharField(
        _("estate or road"),
        max_length=50,
        unique=True,
        help_text=_(
            "As written in addresses, e.g. 长江路 or 阳光小区. An address naming it goes to this community."
        ),
    )

    class Meta:
        verbose_name = _("estate or road")
        verbose_name_plural = _("estates and roads")
        ordering = ["community__path", "name"]

    def __str__(self) -> str:
        return self.name


class HelpStatus(models.TextChoices):
    NEW = "new", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("Being handled")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (HelpStatus.NEW, HelpStatus.ACCEPTED, HelpStatus.IN_PROGRESS)


class HelpChannel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Help line")


class HelpRequestQuerySet(models.QuerySet):
    def open(self) -> HelpRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None) -> HelpRequestQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


class HelpRequest(models.Model):
    """A resident's or member's request for help, answered by a community (or the street)."""

    street = models.ForeignKey(
        Organisation, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
        help_text=_("Empty: in the street's queue, waiting to be assigned."),
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="requests"
    )
    description = models.TextField(_("what help is needed"), max_length=DESCRIPTION_MAX)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX)
    channel = models.CharField(
        _("channel"), max_length=10, choices=HelpChannel.choices, default=HelpChannel.WEB
    )
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester (login)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
    )
    requester_name = models.CharField(_("requester"), max_length=50)
    phone_encrypted = models.TextField(editable=False, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=HelpStatus.choices, default=HelpStatus.NEW)
    due_at = models.DateTimeField(_("due at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True, max_length=OUTCOME_MAX)
    escalated_at = models.DateTimeField(_("escalated to the street at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True)),
                name="residents_help_closed_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.name} · {self.requester_name}"

    # Phone: encrypted at rest, masked for display (as members' personal data).
    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted) if self.phone_encrypted else ""

    def set_phone(self, value: str) -> None:
        self.phone_encrypted = crypto.encrypt(value) if value else ""
        self.phone_masked = mask_mobile(value) if value else ""

    @property
    def answering_organisation(self) -> Organisation:
        return self.community or self.street

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def on_time(self) -> bool | None:
        """True / False once closed; None while open."""
        return None if self.closed_at is None else self.closed_at <= self.due_at


class StepKind(models.TextChoices):
    SUBMITTED = "submitted", _("Request received")
    ASSIGNED = "assigned", _("Passed to a community")
    ACCEPTED = "accepted", _("Accepted")
    PROGRESS = "progress", _("Being handled")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Overdue: passed to the street")


class HelpStep(models.Model):
    """One step of a help request, as its requester sees it on the status page."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=12, choices=StepKind.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("help request step")
        verbose_name_plural = _("help request steps")
        ordering = ["at", "pk"]
        constraints = [
            # Escalation happens once per request, whatever runs it.
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(kind="escalated"), name="residents_help_escalated_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
