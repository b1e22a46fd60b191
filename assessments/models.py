"""The 三型社区书记 assessment: the yearly cycle, its indicators, phase history and objections, and
the working-day calendar the 公示 window is counted in.

Rules that belong to one row live here (phase dates in order, a street's cycle per year, an
indicator's source and key); rules across rows (weights adding up to the total, transitions,
objections only during 公示) live in services.py.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from orgchart.models import Organisation, OrgKind

# Working-day calendar -------------------------------------------------------------------------


class HolidayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off (public holiday)")
    WORKING_DAY = "working_day", _("Extra working day (调休)")


class HolidaySource(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar package")
    MANUAL = "manual", _("Entered by hand")


class Holiday(models.Model):
    """A day that breaks the weekday rule: a weekday off, or a weekend day worked (调休).

    Days not listed follow the rule Monday–Friday working, Saturday and Sunday off. A row states
    the day's status whatever its weekday, so a hand-entered row can also undo the package's (a
    weekday the package lists as off, marked working). Rows come from the chinese-calendar package
    (seed_holidays) or are entered by hand; seeding never overwrites or re-adds over a row, so a
    hand-entered row overrides the package. Delete a package row only to fall back to the weekday
    rule until the next `seed_holidays` adds it again.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=HolidaySource.choices, default=HolidaySource.MANUAL
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or extra working day")
        verbose_name_plural = _("holidays and extra working days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


# The cycle ------------------------------------------------------------------------------------


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open (evidence and submissions)")
    RATING = "rating", _("Rating (述职评议)")
    REVIEW = "review", _("Committee review")
    PUBLICITY = "publicity", _("Public notice (公示)")
    FINAL = "final", _("Final")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)
# The cycle's date field on which each dated phase starts; final follows the 公示 window instead.
PHASE_DATE_FIELDS: dict[str, str] = {
    Phase.OPEN: "open_on",
    Phase.RATING: "rating_on",
    Phase.REVIEW: "review_on",
    Phase.PUBLICITY: "publicity_on",
}


def next_phase(phase: str) -> str | None:
    """The phase after `phase`, None after final."""
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def previous_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index - 1] if index > 0 else None


class Band(models.TextChoices):
    """The four grades, best first; each cycle names them and sets their thresholds."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Competent")
    BASIC = "basic", _("Basically competent")
    FAIL = "fail", _("Incompetent")


def _percent_validators() -> list:
    return [MinValueValidator(0), MaxValueValidator(100)]


# The cycle's phase dates and its settings, as edited in the admin, saved by services.save_cycle
# and shown by the API: one list for all three.
CYCLE_DATE_FIELDS = ("open_on", "rating_on", "review_on", "publicity_on")
CYCLE_SETTINGS_FIELDS = (
    "total_points",
    "excellent_min",
    "good_min",
    "basic_min",
    "excellent_name",
    "good_name",
    "basic_name",
    "fail_name",
    "excellent_quota_percent",
    "min_raters",
    "min_ratings_shown",
    "satisfaction_cap_percent",
    "satisfaction_cap_band",
    "publicity_working_days",
    "veto_vacancy_months",
)


class AssessmentCycle(ClusterableModel):
    """One street's assessment of its community secretaries for one year.

    The settings default to the figures of DOMAIN.md ("Figures from practice"); each is editable
    per cycle. Band names are stored data (the grades the street publishes), not interface text:
    their defaults are the usual Chinese grade names.
    """

    street = models.ForeignKey(
        Organisation,
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        related_name="assessment_cycles",
        limit_choices_to={"kind": OrgKind.STREET},
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.DRAFT)
    open_on = models.DateField(
        _("open on"), help_text=_("Evidence and submissions are collected from this day.")
    )
    rating_on = models.DateField(
        _("rating starts on"), help_text=_("Members and residents rate from this day.")
    )
    review_on = models.DateField(_("review starts on"), help_text=_("The committee scores from this day."))
    publicity_on = models.DateField(
        _("public notice starts on"),
        help_text=_("Results are publicly shown (公示) from this day, for the configured working days."),
    )

    total_points = models.PositiveSmallIntegerField(_("total points"), default=100)
    excellent_min = models.DecimalField(
        _("lowest score for the best band"), max_digits=5, decimal_places=1, default=Decimal(90)
    )
    good_min = models.DecimalField(
        _("lowest score for the second band"), max_digits=5, decimal_places=1, default=Decimal(80)
    )
    basic_min = models.DecimalField(
        _("lowest score for the third band"), max_digits=5, decimal_places=1, default=Decimal(60)
    )
    excellent_name = models.CharField(_("name of the best band"), max_length=20, default="优秀")
    good_name = models.CharField(_("name of the second band"), max_length=20, default="称职")
    basic_name = models.CharField(_("name of the third band"), max_length=20, default="基本称职")
    fail_name = models.CharField(_("name of the lowest band"), max_length=20, default="不称职")
    excellent_quota_percent = models.PositiveSmallIntegerField(
        _("quota for the best band (%)"), default=20, validators=_percent_validators()
    )
    min_raters = models.PositiveSmallIntegerField(
        _("minimum raters for a valid rating"), default=20, validators=[MinValueValidator(1)]
    )
    min_ratings_shown = models.PositiveSmallIntegerField(
        _("minimum ratings before a rating is shown"), default=5, validators=[MinValueValidator(1)]
    )
    satisfaction_cap_percent = models.PositiveSmallIntegerField(
        _("resident satisfaction cap (%)"),
        default=60,
        validators=_percent_validators(),
        help_text=_("Resident satisfaction below this caps the result at the band below."),
    )
    satisfaction_cap_band = models.CharField(
        _("band when satisfaction is below the cap"), max_length=16, choices=Band.choices, default=Band.FAIL
    )
    publicity_working_days = models.PositiveSmallIntegerField(
        _("public notice length (working days)"), default=5, validators=[MinValueValidator(1)]
    )
    veto_vacancy_months = models.PositiveSmallIntegerField(
        _("veto: secretary post vacant longer than (months)"), default=6, validators=[MinValueValidator(1)]
    )

    publicity_started_on = models.DateField(
        _("public notice started on"), null=True, blank=True, editable=False
    )
    scores_frozen_at = models.DateTimeField(_("scores frozen at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "street__path"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["street", "year"],
                name="assessment_cycle_one_per_street_year",
                violation_error_message=_("This street already has an assessment cycle for that year."),
            ),
        ]

    def __str__(self) -> str:
        street = self.street.name if self.street_id else ""
        return gettext("%(street)s %(year)s assessment") % {"street": street, "year": self.year}

    # Validation ---------------------------------------------------------------------------------

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.street_id and self.street.kind != OrgKind.STREET:
            errors.setdefault("street", []).append(_("A cycle belongs to a street party working committee."))
        previous_field = None
        for field in PHASE_DATE_FIELDS.values():
            day = getattr(self, field)
            before = getattr(self, previous_field) if previous_field else None
            if day is not None and before is not None and day < before:
                errors.setdefault(field, []).append(
                    ValidationError(
                        _("%(phase)s (%(day)s) is before %(previous)s (%(before)s)."),
                        params={
                            "phase": self._meta.get_field(field).verbose_name,
                            "day": day.isoformat(),
                            "previous": self._meta.get_field(previous_field).verbose_name,
                            "before": before.isoformat(),
                        },
                    )
                )
            previous_field = field
        if not (self.excellent_min > self.good_min > self.basic_min >= 0):
            errors.setdefault("excellent_min", []).append(
                _("Band thresholds must fall from the best band down: best > second > third ≥ 0.")
            )
        elif self.excellent_min > self.total_points:
            errors.setdefault("excellent_min", []).append(
                _("The best band's threshold is above the total points.")
            )
        if errors:
            raise ValidationError(errors)

    # Reading ------------------------------------------------------------------------------------

    def phase_date(self, phase: str):
        field = PHASE_DATE_FIELDS.get(phase)
        return getattr(self, field) if field else None

    def band_names(self) -> dict[str, str]:
        return {
            Band.EXCELLENT: self.excellent_name,
            Band.GOOD: self.good_name,
            Band.BASIC: self.basic_name,
            Band.FAIL: self.fail_name,
        }


class PhaseTransition(models.Model):
    """One move of a cycle from a phase to the next: who moved it (None: the scheduled task), why."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField(_("from phase"), max_length=16, choices=Phase.choices)
    to_phase = models.CharField(_("to phase"), max_length=16, choices=Phase.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("phase transition")
        verbose_name_plural = _("phase transitions")
        constraints = [
            # The conditional UPDATE moves a cycle once; this makes a second log row impossible too.
            models.UniqueConstraint(
                fields=["cycle", "to_phase"], name="assessment_transition_once_per_phase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"

    @property
    def moved_by(self) -> str:
        if self.actor_id is None:
            return gettext("Scheduled task")
        return self.actor.get_full_name() or self.actor.get_username()


# Indicators -----------------------------------------------------------------------------------


class IndicatorType(models.TextChoices):
    LEARNING = "learning", _("Learning (学习型)")
    PRACTICAL = "practical", _("Practical (实干型)")
    HARMONIOUS = "harmonious", _("Harmonious (和谐型)")


class IndicatorSource(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic (from portal data)")
    RATING = "rating", _("Rating by members and residents")
    COMMITTEE = "committee", _("Committee score")


class AutomaticKey(models.TextChoices):
    """Which evidence computation (assessments/evidence/) scores an automatic indicator."""

    STUDY_MONTHLY = "study_monthly", _("Study record or reflection every month")
    RESEARCH_REPORT = "research_report", _("Research report or paper of the year")
    ACTIVITIES_ORGANISED = "activities_organised", _("Activities organised")
    RESEARCH_VISITS = "research_visits", _("Research and home visits")
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours in the community")
    SANHUI_COMPLIANCE = "sanhui_compliance", _("三会一课 compliance of the branches")
    NOTICES_READ = "notices_read", _("Notices passed on and read")


class Indicator(models.Model):
    """One scored item of a cycle: its type, weight (points) and the raw value earning full weight
    (`max`), and where its value comes from."""

    cycle = ParentalKey(AssessmentCycle, on_delete=models.CASCADE, related_name="indicators")
    type = models.CharField(_("type"), max_length=16, choices=IndicatorType.choices)
    name = models.CharField(_("name"), max_length=120)
    weight = models.DecimalField(
        _("weight (points)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    max = models.DecimalField(
        _("maximum"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "The raw value that earns the full weight (e.g. 12 months, 100%). Empty: the best value "
            "among the street's secretaries earns it."
        ),
    )
    source = models.CharField(_("source"), max_length=16, choices=IndicatorSource.choices)
    automatic_key = models.CharField(
        _("evidence computation"), max_length=32, choices=AutomaticKey.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["cycle", "order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(max__isnull=True) | models.Q(max__gte=0)) & models.Q(weight__gte=0),
                name="assessment_indicator_not_negative",
                violation_error_message=_("Weight and maximum cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(models.Q(source=IndicatorSource.AUTOMATIC) & ~models.Q(automatic_key=""))
                | (~models.Q(source=IndicatorSource.AUTOMATIC) & models.Q(automatic_key="")),
                name="assessment_indicator_key_iff_automatic",
                violation_error_message=_(
                    "An automatic indicator names its evidence computation; others name none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.source == IndicatorSource.AUTOMATIC and not self.automatic_key:
            raise ValidationError(
                {"automatic_key": _("Choose the evidence computation of an automatic indicator.")}
            )
        if self.source != IndicatorSource.AUTOMATIC and self.automatic_key:
            raise ValidationError(
                {"automatic_key": _("Only automatic indicators name an evidence computation.")}
            )


# Objections during 公示 -----------------------------------------------------------------------


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")


class Objection(models.Model):
    """An objection (异议) raised during the public notice; the committee answers it. While one is
    open the cycle does not become final."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="objections")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.text[:40]


# Submissions, committee scores, results -------------------------------------------------------


class SubmissionKind(models.TextChoices):
    """What a secretary submits; the values are the evidence's Submission kinds."""

    REFLECTION = "reflection", _("Monthly study reflection (学习体会)")
    REPORT = "report", _("Research report (调研报告)")
    PAPER = "paper", _("Paper (论文)")
    PRACTICE = "practice", _("Practice result (成果)")


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")


class Submission(models.Model):
    """A community secretary's submitted work for a cycle (services.submit): a monthly reflection
    (one per month), a research report or paper, or a practice result."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="submissions")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("secretary"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SubmissionKind.choices)
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    attachment = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("attachment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "secretary", "month"],
                condition=models.Q(kind="reflection"),
                name="assessment_submission_one_reflection_a_month",
                violation_error_message=_("A study reflection for that month is already submitted."),
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="reflection") & models.Q(month__isnull=False))
                | (~models.Q(kind="reflection") & models.Q(month__isnull=True)),
                name="assessment_submission_month_iff_reflection",
                violation_error_message=_("A study reflection names its month; other kinds do not."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CommitteeScore(models.Model):
    """One street post-holder's score of one secretary on one committee indicator, with a comment."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="committee_scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="committee_scores")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("secretary"), on_delete=models.PROTECT, related_name="+"
    )
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scorer"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.TextField(_("comment"))
    scored_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        ordering = ["indicator", "secretary", "scorer"]
        verbose_name = _("committee score")
        verbose_name_plural = _("committee scores")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "secretary", "scorer"],
                name="assessment_committee_score_once",
                violation_error_message=_("You have already scored this secretary on this indicator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.secretary_id}: {self.score}"


class SecretaryResult(models.Model):
    """A secretary's frozen result of a cycle (scoring.freeze_scores): stored once when review ends,
    so later data changes never change a closed cycle. Overrides (ResultOverride) change
    total, band and recommended; `breakdown` keeps every indicator's figure and evidence."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey(
        "orgchart.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    learning = models.DecimalField(_("Learning (学习型)"), max_digits=7, decimal_places=2)
    practical = models.DecimalField(_("Practical (实干型)"), max_digits=7, decimal_places=2)
    harmonious = models.DecimalField(_("Harmonious (和谐型)"), max_digits=7, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    band = models.CharField(_("band"), max_length=16, choices=Band.choices)
    rank = models.PositiveIntegerField(_("rank"))
    recommended = models.BooleanField(_("recommended"), default=False)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    capped = models.BooleanField(_("capped by resident satisfaction"), default=False)
    breakdown = models.JSONField(_("indicator detail"), default=list)
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        ordering = ["cycle", "rank"]
        verbose_name = _("secretary's result")
        verbose_name_plural = _("secretaries' results")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], name="assessment_result_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.total}"


class ResultOverride(models.Model):
    """The committee's written change of a frozen result's total, band or recommendation."""

    result = models.ForeignKey(SecretaryResult, on_delete=models.CASCADE, related_name="overrides")
    field = models.CharField(_("field"), max_length=16)
    old = models.CharField(_("old value"), max_length=40)
    new = models.CharField(_("new value"), max_length=40)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("result override")
        verbose_name_plural = _("result overrides")

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"


class AwardKind(models.TextChoices):
    REFLECTION = "reflection", _("Excellent study reflection (优秀学习体会奖)")
    REPORT = "report", _("Excellent research report or paper (优秀调研报告或优秀论文奖)")
    PRACTICE = "practice", _("Practice application (成果应用奖)")


class Award(models.Model):
    """The committee's award to a submission; on the cycle becoming final the submission is
    published as a result page (work.publish_awards), remembered in `result_page`."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("kind"), max_length=16, choices=AwardKind.choices)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="awards")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    result_page = models.ForeignKey(
        "portal.ResultPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["cycle", "kind", "pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(fields=["kind", "submission"], name="assessment_award_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.submission_id}"


# Ratings ----------------------------------------------------------------------------------------
#
# Anonymity by construction: the fact that a member rated in a cycle (RatingParticipation) and
# the rating itself (Rating) are separate rows with no link between them; a Rating names no user,
# no member and no ticket, has a random key (no insertion order) and only the day it was given.
# A ticket is marked used on a day, with no link to the rating it gave.


class Answer(models.TextChoices):
    """The four answers of a rating question, best first (DOMAIN.md: 好/较好/一般/差)."""

    GOOD = "good", _("Good (好)")
    FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
    AVERAGE = "average", _("Average (一般)")
    POOR = "poor", _("Poor (差)")


# Answers counted as satisfied in the satisfaction percentage.
SATISFIED_ANSWERS = (Answer.GOOD, Answer.FAIRLY_GOOD)


class RaterKind(models.TextChoices):
    MEMBER = "member", _("Party member")
    RESIDENT = "resident", _("Resident (rating ticket)")


class RatingQuestion(models.Model):
    """One question of a cycle's rating; the text is stored data the street may edit (Chinese),
    inline on the cycle's admin form until rating starts (services.save_cycle)."""

    cycle = ParentalKey(AssessmentCycle, on_delete=models.CASCADE, related_name="rating_questions")
    code = models.SlugField(_("code"), max_length=32)
    text = models.CharField(_("question"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["cycle", "order", "pk"]
        verbose_name = _("rating question")
        verbose_name_plural = _("rating questions")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="assessment_rating_question_code_once")
        ]

    def __str__(self) -> str:
        return self.text


class RatingParticipation(models.Model):
    """Member X has rated in cycle C: nothing more (no time, no community, no link to the rating)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("orgchart.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("rating participation")
        verbose_name_plural = _("rating participations")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], name="assessment_rating_once_per_member")
        ]

    def __str__(self) -> str:
        return gettext("rated")


class Rating(models.Model):
    """One anonymous rating of a community's secretary: who rated is not recorded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="ratings")
    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    secretary = models.ForeignKey(
        "orgchart.Member",
        verbose_name=_("secretary rated"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rater_kind = models.CharField(_("rater"), max_length=16, choices=RaterKind.choices)
    created_on = models.DateField(_("day"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["cycle", "community", "rater_kind"])]

    def __str__(self) -> str:
        return f"{self.get_rater_kind_display()} {self.created_on:%Y-%m-%d}"


class RatingAnswer(models.Model):
    """One question's answer within a rating (a random key too: no insertion order)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(RatingQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)

    class Meta:
        verbose_name = _("rating answer")
        verbose_name_plural = _("rating answers")
        constraints = [
            models.UniqueConstraint(fields=["rating", "question"], name="assessment_rating_answer_once"),
            models.CheckConstraint(
                condition=models.Q(answer__in=Answer.values), name="assessment_rating_answer_known"
            ),
        ]

    def __str__(self) -> str:
        return self.get_answer_display()


class RatingTicketBatch(models.Model):
    """A sheet of rating tickets generated for one community; its codes were shown once, in the
    downloaded sheet. Voiding the batch voids its unused tickets."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="ticket_batches")
    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveSmallIntegerField(_("tickets"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("rating ticket batch")
        verbose_name_plural = _("rating ticket batches")

    def __str__(self) -> str:
        return f"{self.community} × {self.size}"


class RatingTicket(models.Model):
    """A one-time rating ticket (评议票): only a keyed hash of its code is stored."""

    batch = models.ForeignKey(RatingTicketBatch, on_delete=models.CASCADE, related_name="tickets")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    used_on = models.DateField(_("used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating ticket")
        verbose_name_plural = _("rating tickets")

    def __str__(self) -> str:
        return gettext("used") if self.used_on else gettext("unused")
