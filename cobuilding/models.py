"""Co-building (共建) and dual reporting (双报到): outside units, agreements, the three lists
(resources, needs, projects) and employed members' report-ins to the community they live in.

Invariants of one row live here (check constraints, clean()); rules across rows (no two
overlapping active agreements for one pair, a report-in only for an employed member) live in
services.py, which is the only writer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_mobile
from core.tree import SubtreeQuerySet
from orgchart.models import Member, Organisation


def mask_phone(value: str) -> str:
    """A contact phone for lists: a mobile as members' mobiles are masked (138****5678), a
    landline with its middle digits hidden (021-****4567)."""
    if len(value) == 11 and value.isdigit():
        return mask_mobile(value)
    if len(value) <= 4:
        return "*" * len(value)
    head = value[: max(0, len(value) - 8)]
    return f"{head}****{value[-4:]}"


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("Venue")
    FUNDS = "funds", _("Funds")
    EQUIPMENT = "equipment", _("Equipment")
    TRAINING = "training", _("Training")
    EXPERTS = "experts", _("Experts")
    VOLUNTEERS = "volunteers", _("Volunteers")


class OutsideUnitQuerySet(SubtreeQuerySet):
    subtree_path_field = "organisation__path"


class OutsideUnit(models.Model):
    """A unit with no party organisation in the tree (a company, school, hospital, army unit whose
    superior is elsewhere), recorded by name and contact by the organisation that co-builds with it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="outside_units",
        help_text=_("The community or street that keeps this unit's record."),
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutsideUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("outside unit")
        verbose_name_plural = _("outside units")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="cobuilding_outside_unit_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)


def _one_unit_q(prefix: str = "") -> Q:
    """Exactly one of the two unit columns is set."""
    return Q(**{f"{prefix}unit_org__isnull": False, f"{prefix}outside_unit__isnull": True}) | Q(
        **{f"{prefix}unit_org__isnull": True, f"{prefix}outside_unit__isnull": False}
    )


class UnitSideMixin(models.Model):
    """A row on a unit's side: a unit party organisation in the tree or an outside unit, never both."""

    unit_org = models.ForeignKey(
        Organisation,
        verbose_name=_("unit party organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outside_unit = models.ForeignKey(
        OutsideUnit,
        verbose_name=_("outside unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def unit(self) -> Organisation | OutsideUnit | None:
        return self.unit_org or self.outside_unit

    @property
    def unit_key(self) -> tuple[str, int]:
        """("org", pk) or ("outside", pk): one key for either kind of unit."""
        return ("org", self.unit_org_id) if self.unit_org_id else ("outside", self.outside_unit_id)


# An active agreement ending within this many days is flagged (lists, API, the daily beat task).
EXPIRY_NOTICE_DAYS = 30


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class AgreementQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"

    def active(self) -> AgreementQuerySet:
        return self.filter(status=AgreementStatus.ACTIVE)


class Agreement(UnitSideMixin):
    """A co-building agreement (共建协议) between a community (or the street) and a unit.

    No two active agreements of one pair overlap in time: services.py checks it with a message,
    and on PostgreSQL an exclusion constraint (migration 0001) holds it against races.
    """

    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="cobuilding_agreements",
        help_text=_("A community party organisation, or the street committee."),
    )
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    community_contact = models.CharField(_("community contact"), max_length=50, blank=True)
    community_contact_phone = models.CharField(_("community contact phone"), max_length=20, blank=True)
    unit_contact = models.CharField(_("unit contact"), max_length=50, blank=True)
    unit_contact_phone = models.CharField(_("unit contact phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    content = models.TextField(_("what each side offers"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-building agreement")
        verbose_name_plural = _("co-building agreements")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=_one_unit_q(), name="cobuilding_agreement_one_unit"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cobuilding_agreement_term_order"
            ),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"{self.community.name} — {self.unit}"

    @property
    def expires_soon(self) -> bool:
        """Active, and its term ends from today to EXPIRY_NOTICE_DAYS ahead."""
        today = timezone.localdate()
        return self.status == AgreementStatus.ACTIVE and today <= self.ends_on <= today + dt.timedelta(
            days=EXPIRY_NOTICE_DAYS
        )

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.starts_on <= end and start <= self.ends_on

    @property
    def masked_unit_contact_phone(self) -> str:
        return mask_phone(self.unit_contact_phone)

    @property
    def masked_community_contact_phone(self) -> str:
        return mask_phone(self.community_contact_phone)


class ResourceQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"


class Resource(UnitSideMixin):
    """What a unit offers (资源清单), on the list of the community (or street) that keeps it."""

    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="cobuilding_resources",
        help_text=_("The community or street whose resource list holds this entry."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    description = models.TextField(_("description"), blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["kind", "available_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=_one_unit_q(), name="cobuilding_resource_one_unit"),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="cobuilding_resource_window_order",
            ),
            models.CheckConstraint(condition=~Q(kind=""), name="cobuilding_resource_has_kind"),
        ]
        indexes = [models.Index(fields=["kind", "available_from"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")


class NeedQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"


class Need(models.Model):
    """What a community needs (需求清单): a kind, a description, when."""

    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="cobuilding_needs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    description = models.TextField(_("description"))
    wanted_from = models.DateField(_("wanted from"))
    wanted_until = models.DateField(_("wanted until"))
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    published_to_orgs = models.ManyToManyField(
        Organisation, verbose_name=_("published to unit organisations"), blank=True, related_name="+"
    )
    published_to_outside = models.ManyToManyField(
        OutsideUnit, verbose_name=_("published to outside units"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-wanted_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(wanted_until__gte=models.F("wanted_from")), name="cobuilding_need_window_order"
            ),
            models.CheckConstraint(condition=~Q(kind=""), name="cobuilding_need_has_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.community.name} · {self.get_kind_display()}"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ProjectQuerySet(SubtreeQuerySet):
    subtree_path_field = "need__community__path"


class Project(models.Model):
    """A need met by one or more units' resources (项目清单), with status and outcome."""

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    resources = models.ManyToManyField(Resource, verbose_name=_("resources"), related_name="projects")
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-building project")
        verbose_name_plural = _("co-building projects")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReportInQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"

    def current(self) -> ReportInQuerySet:
        return self.filter(ended_on__isnull=True)


class ReportIn(models.Model):
    """An employed member reporting in (双报到) to the community where they live.

    Their branch stays at the workplace; the community gets them for service. One open report-in
    per member at a time (a unique constraint); ended when they move.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="report_ins"
    )
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("residence community"),
        on_delete=models.PROTECT,
        related_name="report_ins",
    )
    reported_on = models.DateField(_("reported in on"))
    skills = models.CharField(_("skills offered"), max_length=200, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportInQuerySet.as_manager()

    class Meta:
        verbose_name = _("report-in")
        verbose_name_plural = _("report-ins")
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="cobuilding_one_open_report_in"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("reported_on")),
                name="cobuilding_report_in_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.community.name}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class UnitContact(UnitSideMixin):
    """A unit's contact person (共建单位联系人) with a login: sees only their unit's agreements and
    resources and the needs published to their unit (cobuilding.access)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.CASCADE,
        related_name="cobuilding_unit_contacts",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit contact")
        verbose_name_plural = _("unit contacts")
        constraints = [
            models.CheckConstraint(condition=_one_unit_q(), name="cobuilding_unit_contact_one_unit"),
            models.UniqueConstraint(
                fields=["user", "unit_org"],
                condition=Q(unit_org__isnull=False),
                name="cobuilding_unit_contact_unique_org",
            ),
            models.UniqueConstraint(
                fields=["user", "outside_unit"],
                condition=Q(outside_unit__isnull=False),
                name="cobuilding_unit_contact_unique_outside",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit}"


# Joint meetings (共建联席会议) live in their own module; imported here so Django finds them.
from .models_answers import NeedAnswer  # noqa: E402, F401
from .models_meetings import (  # noqa: E402, F401
    Decision,
    DecisionChange,
    DecisionChangeKind,
    DecisionStatus,
    JointMeeting,
    MeetingUnit,
    ReplyChoice,
)
