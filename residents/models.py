"""Migrant residents (来沪人员) and rented housing: registration on arrival, deregistration on leaving.

Personal data is kept as members' is (orgchart): the identity number encrypted at rest, a keyed
hash to find a registration by it, a masked copy for display. A resident's community is the one of
the housing they live in; every page, export and figure scopes by it (residents.access).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.masking import mask_mobile
from core.tree import SubtreeQuerySet
from orgchart.models import Gender, Organisation
from orgchart.personal import IdNumberMixin


class Category(models.TextChoices):
    FAMILY = "family", _("Joining family")
    STUDY = "study", _("Study or training")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


class Landlord(models.Model):
    """An owner who lets housing: responsible for their tenants (谁出租谁负责); may have a login."""

    name = models.CharField(_("landlord's name"), max_length=50)
    phone = models.CharField(_("contact phone"), max_length=11)
    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="landlords"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="landlord",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("landlord")
        verbose_name_plural = _("landlords")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)


class HousingQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"


class Housing(models.Model):
    """A rented flat or room: its beds bound the tenants registered in it (定人定床)."""

    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="rented_housing"
    )
    address = models.CharField(_("address"), max_length=200)
    landlord = models.ForeignKey(
        Landlord, verbose_name=_("landlord"), on_delete=models.PROTECT, related_name="housing"
    )
    rooms = models.PositiveSmallIntegerField(_("rooms"))
    beds = models.PositiveSmallIntegerField(_("beds"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rented housing")
        verbose_name_plural = _("rented housing")
        ordering = ["community__path", "address", "pk"]

    def __str__(self) -> str:
        return self.address


class ResidentQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"

    def registered(self) -> ResidentQuerySet:
        return self.filter(left_on__isnull=True)


class Resident(IdNumberMixin, models.Model):
    """One registration: from arrival to deregistration. A person who comes back is a new row."""

    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="residents"
    )
    housing = models.ForeignKey(
        Housing,
        verbose_name=_("housing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenants",
    )
    name = models.CharField(_("full name"), max_length=50, blank=True)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, null=True, editable=False, db_index=True)  # noqa: DJ001
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    origin = models.CharField(_("place of origin"), max_length=100, blank=True)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    # Joining family (投靠): whom, and how related; study (就读/进修): where and what.
    joined_person = models.CharField(_("person joined"), max_length=50, blank=True)
    relation = models.CharField(_("relation"), max_length=20, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)
    course = models.CharField(_("course"), max_length=100, blank=True)
    arrived_on = models.DateField(_("arrived on"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    over_beds_reason = models.CharField(_("reason for more tenants than beds"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    purged_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["community__path", "-arrived_on", "pk"]
        constraints = [
            # One current registration per person: a second one while the first stands is refused.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(left_on__isnull=True),
                name="residents_one_current_registration",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("arrived_on")),
                name="residents_leaves_after_arriving",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "left_on"]),
            models.Index(fields=["left_on", "purged_at"]),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def masked_name(self) -> str:
        """`张三丰` → `张**`: lists show the family name only."""
        return (self.name[:1] + "*" * (len(self.name) - 1)) if self.name else ""

    @property
    def is_registered(self) -> bool:
        return self.left_on is None

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    MOVED = "moved", _("Moved within the street")
    LEFT = "left", _("Deregistered")
    CORRECTED = "corrected", _("Corrected")


class ResidentEvent(models.Model):
    """The history of a registration: registered, each move, each correction, deregistered."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    happened_on = models.DateField(_("date"))
    from_housing = models.ForeignKey(
        Housing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_housing = models.ForeignKey(
        Housing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A correction: [{"field": name, "old": shown, "new": shown}] (the ID number masked) and why.
    changes = models.JSONField(_("changes"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        ordering = ["resident", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"

    def change_lines(self) -> list[tuple[str, str, str]]:
        """A correction's changes as (field label, old, new), labels in the reader's language."""
        lines = []
        for change in self.changes or ():
            try:
                label = str(Resident._meta.get_field(change["field"]).verbose_name)
            except FieldDoesNotExist:  # a field renamed since: show its stored name
                label = str(change.get("field", ""))
            lines.append((label, str(change.get("old", "")), str(change.get("new", ""))))
        return lines


class AuditAction(models.TextChoices):
    READ = "read", _("Read the full record")
    REGISTER = "register", _("Registered")
    MOVE = "move", _("Moved")
    LEAVE = "leave", _("Deregistered")
    CORRECT = "correct", _("Corrected")
    EXPORT = "export", _("Exported")
    PURGE = "purge", _("Personal data removed")
    # Landlords and housing (residents.services_housing): old → new values in the detail.
    LANDLORD = "landlord", _("Landlord recorded or changed")
    HOUSING = "housing", _("Housing recorded or changed")
    LOGIN = "login", _("Landlord's login changed")


class AuditEntry(models.Model):
    """Who read or changed residents' personal data, when and why: the street reviews these."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("records"), default=0)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


# Help requests and the service catalogue live in their own module; imported here so Django finds them.
from .models_help import HelpRequest, HelpStep, ServiceArea, ServiceItem, ServiceSeries  # noqa: E402, F401
