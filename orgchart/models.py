"""The organisation tree, its members, posts, transfers and roster import jobs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.dates import add_years
from core.masking import mask_mobile
from core.tree import SubtreeQuerySet

from .personal import IdNumberMixin
from .validators import validate_id_number, validate_mobile


class PathField(models.CharField):
    """Treebeard's path column, with byte-order ("C") collation on PostgreSQL.

    Path order must be byte order whatever the database locale, or prefix order breaks.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class OrgKind(models.TextChoices):
    STREET = "street_committee", _("Street party working committee")
    COMMUNITY = "community_committee", _("Community party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")
    UNIT = "unit_org", _("Unit party organisation")
    UNION = "union", _("Trade union")
    YOUTH_LEAGUE = "youth_league", _("Youth league")
    WOMENS_FEDERATION = "womens_federation", _("Women's federation")
    SOCIAL = "social_org", _("Social organisation")


MASS_KINDS = (OrgKind.UNION, OrgKind.YOUTH_LEAGUE, OrgKind.WOMENS_FEDERATION)
ROOT_KINDS = (OrgKind.STREET,)
# Which kinds may sit directly under which: the leadership tree of DOMAIN.md.
ALLOWED_CHILD_KINDS: dict[str, tuple[str, ...]] = {
    OrgKind.STREET: (
        OrgKind.COMMUNITY,
        OrgKind.GENERAL_BRANCH,
        OrgKind.BRANCH,
        OrgKind.UNIT,
        *MASS_KINDS,
        OrgKind.SOCIAL,
    ),
    OrgKind.COMMUNITY: (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, *MASS_KINDS, OrgKind.SOCIAL),
    OrgKind.GENERAL_BRANCH: (OrgKind.BRANCH,),
    OrgKind.BRANCH: (OrgKind.GROUP,),
    OrgKind.GROUP: (),
    OrgKind.UNIT: (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH),
    OrgKind.UNION: (),
    OrgKind.YOUTH_LEAGUE: (),
    OrgKind.WOMENS_FEDERATION: (),
    OrgKind.SOCIAL: (),
}
# Members belong to a branch or a party group, never to a committee above them.
MEMBER_ORG_KINDS = (OrgKind.BRANCH, OrgKind.GROUP)
# Party organisations directly under the street that count as "communities".
COMMUNITY_KINDS = (OrgKind.COMMUNITY, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)


def kind_may_sit_under(kind: str, parent_kind: str | None) -> bool:
    if parent_kind is None:
        return kind in ROOT_KINDS
    return kind in ALLOWED_CHILD_KINDS.get(parent_kind, ())


class OrganisationQuerySet(MP_NodeQuerySet, SubtreeQuerySet):
    def open(self) -> OrganisationQuerySet:
        return self.filter(closed_on__isnull=True)


class OrganisationManager(MP_NodeManager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        # Treebeard expects path order by default.
        return OrganisationQuerySet(self.model, using=self._db).order_by("path")


class Organisation(MP_Node):
    path = PathField(max_length=255, unique=True)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("A short unique code used in imports and exports, e.g. SQ01-ZB02."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationManager()

    node_order_by = None

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name}（{_('closed')}）" if self.closed_on else self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def indented_name(self) -> str:
        return "　" * (self.depth - 1) + str(self)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or below")
    JUNIOR_HIGH = "junior_high", _("Junior high school")
    SENIOR_HIGH = "senior_high", _("Senior high / technical secondary school")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


LOW_EDUCATION = (Education.PRIMARY, Education.JUNIOR_HIGH)


class MemberCategory(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    RETIRED = "retired", _("Retired")
    FLOATING = "floating", _("Floating")
    LAID_OFF = "laid_off", _("Laid-off / unemployed")
    RESIDENT = "resident", _("Resident")


class MemberQuerySet(SubtreeQuerySet):
    subtree_path_field = "organisation__path"

    def active(self) -> MemberQuerySet:
        return self.filter(left_on__isnull=True)


class Member(IdNumberMixin, models.Model):
    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    joined_party_on = models.DateField(_("joined the party on"))
    mobile = models.CharField(_("mobile"), max_length=11, validators=[validate_mobile])
    id_number_encrypted = models.TextField(editable=False, blank=True)
    # NULL, not "", for members without an ID number: unique must allow many of them.
    id_number_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    category = models.CharField(_("category"), max_length=20, choices=MemberCategory.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The party branch or party group the member belongs to."),
    )
    left_on = models.DateField(
        _("left the street on"), null=True, blank=True, help_text=_("Set when transferred out.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["organisation__path", "name", "pk"]
        indexes = [models.Index(fields=["organisation", "left_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    def age_on(self, day: dt.date | None = None) -> int:
        day = day or timezone.localdate()
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    def clean(self) -> None:
        errors = {}
        if self.organisation_id and self.organisation.kind not in MEMBER_ORG_KINDS:
            errors["organisation"] = _("A member must belong to a party branch or a party group.")
        if self.organisation_id and self.organisation.is_closed:
            errors["organisation"] = _("This organisation is closed; choose an open branch.")
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("Birth date cannot be in the future.")
        if self.joined_party_on and self.joined_party_on > today:
            errors["joined_party_on"] = _("The date of joining the party cannot be in the future.")
        if (
            self.birth_date
            and self.joined_party_on
            and self.joined_party_on < add_years(self.birth_date, 18) - dt.timedelta(days=1)
        ):
            errors["joined_party_on"] = _("A member must be at least 18 when joining the party.")
        if self.id_number_encrypted:
            try:
                validate_id_number(self.id_number, self.birth_date)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
        if errors:
            raise ValidationError(errors)


class PostTitle(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANISATION = "organisation", _("Organisation committee member")
    PROPAGANDA = "propaganda", _("Propaganda committee member")
    DISCIPLINE = "discipline", _("Discipline inspection committee member")
    COMMITTEE = "committee", _("Committee member")
    GROUP_LEADER = "group_leader", _("Party group leader")
    CHAIR = "chair", _("Chair")


def current_tenure_q(prefix: str = "", day: dt.date | None = None) -> Q:
    """Tenures in force on `day` (today by default)."""
    day = day or timezone.localdate()
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


class PostQuerySet(SubtreeQuerySet):
    subtree_path_field = "organisation__path"


class Post(models.Model):
    """A post (书记, 组织委员...) in an organisation; filled or vacant over time through tenures."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="posts"
    )
    title = models.CharField(_("post"), max_length=30, choices=PostTitle.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organisation__path", "title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "title"], name="one_post_per_title")]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.get_title_display()}"

    def current_tenure(self) -> Tenure | None:
        return self.tenures.filter(current_tenure_q()).select_related("member").first()


class Tenure(models.Model):
    """A member holding a post from one date to another: what grants management of a subtree."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="tenures")
    member = models.ForeignKey(
        Member, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="tenures"
    )
    started_on = models.DateField(_("term starts"))
    ended_on = models.DateField(_("term ends"), null=True, blank=True)
    # Cross-holding (双向进入、交叉任职): a unit party organisation's leader holding a part-time
    # (兼职) post in the street or a community committee. The tenure is an ordinary one — the
    # access rule reads every tenure alike — it only records where its holder comes from.
    part_time = models.BooleanField(_("part-time"), default=False)
    from_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("from the unit party organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="part_time_tenures",
        limit_choices_to={"kind": OrgKind.UNIT},
    )

    class Meta:
        verbose_name = _("tenure")
        verbose_name_plural = _("tenures")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(part_time=False, from_organisation__isnull=True)
                | Q(part_time=True, from_organisation__isnull=False),
                name="orgchart_tenure_part_time_has_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} — {self.member}"

    @property
    def part_time_label(self) -> str:
        """ "Part-time · from <unit>" (兼职 · 来自…), empty for an ordinary tenure."""
        if not self.part_time or self.from_organisation_id is None:
            return ""
        return _("Part-time · from %(unit)s") % {"unit": self.from_organisation.name}

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The term cannot end before it starts.")})
        if self.part_time != (self.from_organisation_id is not None):
            message = _("A part-time post names the unit party organisation its holder comes from.")
            raise ValidationError({"from_organisation": message})


class TransferKind(models.TextChoices):
    WITHIN = "within", _("Within the street")
    IN = "in", _("Transferred in from outside the street")
    OUT = "out", _("Transferred out of the street")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TransferQuerySet(models.QuerySet):
    def pending(self) -> TransferQuerySet:
        return self.filter(status=TransferStatus.PENDING)


class Transfer(models.Model):
    """A change of organisational relation (组织关系转接); history, only ever added to.

    A transfer within the street is PENDING until the receiving side accepts it; the member moves
    only then. A pending row is decided once (accepted, declined or withdrawn, with who and when)
    and never changed again. Transfers in from and out of the street are recorded as accepted.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="transfers"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TransferKind.choices)
    from_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    outside_organisation = models.CharField(_("organisation outside the street"), max_length=200, blank=True)
    transferred_on = models.DateField(_("transferred on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.ACCEPTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-transferred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_member",
            ),
            # Only a transfer within the street waits for the receiving side.
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(kind="within"),
                name="only_transfers_within_the_street_pend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.transferred_on}"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed")


# Uploaded rosters hold identity numbers: never served as media, only by orgchart's job file view.
IMPORTS_DIR = "imports"


class ImportJob(models.Model):
    """A members roster upload. Its state lives here, not in the broker."""

    file = models.FileField(_("file"), upload_to=IMPORTS_DIR + "/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    imported_count = models.PositiveIntegerField(_("members imported"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations"),
        blank=True,
        related_name="+",
        help_text=_("The organisations the file's rows import into; their managers see the import."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or str(self.pk)

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
