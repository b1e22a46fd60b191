"""Activities: what happens when, organised by an organisation of the tree.

Who takes part (sign-ups, waiting list, hours) and the volunteer teams live in `volunteers/`,
which builds on this app; nothing here imports it. An activity's teams are the reverse side of
`volunteers.Team.activities` (`activity.teams`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tree import SubtreeQuerySet
from orgchart.models import Organisation


class ActivityKind(models.TextChoices):
    VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")
    PIONEER = "pioneer", _("Party members lead the way")
    ORGANISATION_LIFE = "organisation_life", _("Organisation life")
    RESEARCH_VISIT = "research_visit", _("Research visit")
    HOME_STUDY = "home_study", _("Study delivered to the door")
    LARGE_EVENT = "large_event", _("Large community event")
    # A community (or the street) meeting its co-building units; its minutes and decisions are
    # kept by cobuilding (JointMeeting), which builds on this app.
    JOINT_MEETING = "joint_meeting", _("Co-building joint meeting")


class MeetingType(models.TextChoices):
    """三会一课 and the other organisation-life meetings (only for kind ORGANISATION_LIFE)."""

    MEMBERS_MEETING = "members_meeting", _("Party members' meeting")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme party day")
    LIFE_MEETING = "life_meeting", _("Organisation-life meeting")


class Eligibility(models.TextChoices):
    SUBTREE = "subtree", _("Members of the organiser's organisation and below")
    MEMBERS = "members", _("Any party member")
    ANYONE = "anyone", _("Anyone, registered volunteers included")


class ActivityState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Sign-up closed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# States in which the activity still happens (sign-ups held in them count).
LIVE_STATES = (ActivityState.DRAFT, ActivityState.OPEN, ActivityState.CLOSED)


class ActivityQuerySet(SubtreeQuerySet):
    subtree_path_field = "organiser__path"

    def published(self) -> ActivityQuerySet:
        """Activities people may see on the portal: every state but draft."""
        return self.exclude(state=ActivityState.DRAFT)

    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> ActivityQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Activity(models.Model):
    """One activity at one time and place.

    The cancellation cut-off is a number of hours before the start (`cancel_cutoff_hours`): a
    sign-up may be cancelled by its holder until then, never after (0: until the start). Check-in
    is open from CHECKIN_OPENS_BEFORE before the start until the end, by `checkin_code`.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    meeting_type = models.CharField(
        _("meeting type"),
        max_length=30,
        choices=MeetingType.choices,
        blank=True,
        help_text=_("For organisation life only: which of the 三会一课 meetings this is."),
    )
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    signup_deadline = models.DateTimeField(
        _("sign-up deadline"), null=True, blank=True, help_text=_("Empty: until the activity starts.")
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cut-off (hours before the start)"),
        default=2,
        help_text=_("Those signed up may cancel until this many hours before the start; 0: until the start."),
    )
    eligibility = models.CharField(
        _("who may sign up"), max_length=20, choices=Eligibility.choices, default=Eligibility.SUBTREE
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ActivityState.choices, default=ActivityState.DRAFT, db_index=True
    )
    # The short code shown on the organiser's check-in page; set when the activity opens.
    checkin_code = models.CharField(_("check-in code"), max_length=8, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # An occurrence of a recurring series: the series and the start its rule gave (activities.series).
    series = models.ForeignKey(
        "ActivitySeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    occurrence_start = models.DateTimeField(_("occurrence of the series at"), null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organiser", "starts_at"])]
        constraints = [
            # Generation can never create one occurrence twice, however often or concurrently it runs.
            models.UniqueConstraint(
                fields=["series", "occurrence_start"], name="activity_one_per_series_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="activity_ends_after_start",
                violation_error_message=_("The activity must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="activity_has_places",
                violation_error_message=_("An activity needs at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_type="") | Q(kind="organisation_life"),
                name="activity_meeting_type_only_for_organisation_life",
                violation_error_message=_("Only organisation life has a meeting type."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The activity must end after it starts.")
        if self.signup_deadline and self.starts_at and self.signup_deadline > self.starts_at:
            errors["signup_deadline"] = _("The sign-up deadline cannot be after the start.")
        if self.meeting_type and self.kind != ActivityKind.ORGANISATION_LIFE:
            errors["meeting_type"] = _("Only organisation life has a meeting type.")
        if errors:
            raise ValidationError(errors)

    # Times ---------------------------------------------------------------------------------------

    @property
    def effective_signup_deadline(self) -> dt.datetime:
        return self.signup_deadline or self.starts_at

    @property
    def cancel_cutoff(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(hours=self.cancel_cutoff_hours)

    @property
    def checkin_opens_at(self) -> dt.datetime:
        return self.starts_at - CHECKIN_OPENS_BEFORE

    def checkin_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.checkin_opens_at <= now <= self.ends_at

    @property
    def length_hours(self) -> Decimal:
        """The activity's length in hours (two decimals): the hours credited by default."""
        seconds = Decimal((self.ends_at - self.starts_at).total_seconds())
        return (seconds / Decimal(3600)).quantize(Decimal("0.01"))

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


# Check-in opens this long before the start and stays open until the end.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=30)


class SeriesQuerySet(SubtreeQuerySet):
    subtree_path_field = "organiser__path"


class ActivitySeries(models.Model):
    """A recurring activity: a template for its occurrences and an RFC 5545 rule saying when.

    The rule (`rule`, e.g. "FREQ=WEEKLY;BYDAY=SA" or "FREQ=MONTHLY;BYDAY=1SA" for the first
    Saturday) runs from `starts_on` at `start_time` in `time_zone`, until `until` or for `count`
    occurrences, without the dates in `exdates`. The occurrences are Activity rows generated ahead
    (activities.series.generate_occurrences); `revision` counts the edits, so each edit's notices
    have their own cause.
    """

    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="activity_series"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    meeting_type = models.CharField(_("meeting type"), max_length=30, choices=MeetingType.choices, blank=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(_("length (minutes)"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    signup_deadline_hours = models.PositiveSmallIntegerField(
        _("sign-up closes (hours before the start)"),
        null=True,
        blank=True,
        help_text=_("Empty: until the activity starts."),
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cut-off (hours before the start)"), default=2
    )
    eligibility = models.CharField(
        _("who may sign up"), max_length=20, choices=Eligibility.choices, default=Eligibility.SUBTREE
    )
    rule = models.CharField(
        _("recurrence rule"),
        max_length=300,
        help_text=_("An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=SA or FREQ=MONTHLY;BYDAY=1SA."),
    )
    starts_on = models.DateField(_("first date"))
    until = models.DateField(_("last date"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of occurrences"), null=True, blank=True)
    exdates = models.JSONField(_("dates left out"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    active = models.BooleanField(_("generating"), default=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")
        ordering = ["organiser__path", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1),
                name="series_has_length",
                violation_error_message=_("An activity must last longer than zero minutes."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="series_has_places",
                violation_error_message=_("An activity needs at least one place."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


# 三会一课: what each street requires ------------------------------------------------------------


class Period(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class RequirementQuerySet(SubtreeQuerySet):
    subtree_path_field = "street__path"


class MeetingRequirement(models.Model):
    """How many organisation-life meetings of one type each branch (or party group) of a street
    must hold per period. One row per street, meeting type and organisation kind; 0 means not
    required. Without a row the default of activities.compliance.DEFAULT_MEETINGS applies."""

    street = models.ForeignKey(
        Organisation, verbose_name=_("street"), on_delete=models.CASCADE, related_name="meeting_requirements"
    )
    meeting_type = models.CharField(_("meeting type"), max_length=30, choices=MeetingType.choices)
    org_kind = models.CharField(
        _("held by"),
        max_length=32,
        choices=[("branch", _("Each party branch")), ("group", _("Each party group"))],
    )
    count = models.PositiveSmallIntegerField(
        _("meetings required"), help_text=_("0: not required."), validators=[MinValueValidator(0)]
    )
    period = models.CharField(_("per"), max_length=10, choices=Period.choices)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation-life requirement")
        verbose_name_plural = _("organisation-life requirements")
        ordering = ["street__path", "org_kind", "meeting_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "meeting_type", "org_kind"], name="one_meeting_requirement_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()}: {self.count} {self.get_period_display()}"


class StudyRequirement(models.Model):
    """The 学时 (study hours) each party member of a street must reach in a year."""

    street = models.OneToOneField(
        Organisation, verbose_name=_("street"), on_delete=models.CASCADE, related_name="study_requirement"
    )
    hours_per_year = models.DecimalField(
        _("study hours per member per year"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )

    objects = RequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("study-hours requirement")
        verbose_name_plural = _("study-hours requirements")
        ordering = ["street__path"]

    def __str__(self) -> str:
        return f"{self.street.name}: {self.hours_per_year}"


class ComplianceFlag(models.Model):
    """The record that a branch behind its 三会一课 was flagged for one period (e.g. "2026-10"):
    at most one flag, so at most one notice, per branch and period however often the task runs."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="compliance_flags"
    )
    period = models.CharField(_("period"), max_length=7)
    reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compliance flag")
        verbose_name_plural = _("compliance flags")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "period"], name="one_compliance_flag_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period}"
