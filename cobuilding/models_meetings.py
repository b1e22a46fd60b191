"""Joint meetings (共建联席会议): a community (or the street) meets its co-building units.

The meeting itself is an activity of kind "joint_meeting" organised by the community (time,
place, sign-ups and attendance of logins, recurrence through an activity series: activities and
volunteers); what co-building adds is here: the units taking part (by their agreements with the
community, with the representative who came), the minutes, and the decisions — each with an
owner (a login on either side, or a unit), a due date, followed to done. Imported by models.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from core.tree import SubtreeQuerySet
from orgchart.models import Organisation

from .models import Agreement, OutsideUnit


class JointMeetingQuerySet(SubtreeQuerySet):
    subtree_path_field = "community__path"


class JointMeeting(models.Model):
    """The co-building side of one joint meeting: its activity, units, minutes and decisions."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="joint_meeting"
    )
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="joint_meetings",
        help_text=_("A community party organisation, or the street committee."),
    )
    agreements = models.ManyToManyField(
        Agreement,
        verbose_name=_("participating units"),
        through="MeetingUnit",
        related_name="joint_meetings",
        blank=True,
    )
    minutes = models.TextField(_("minutes"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("What the meeting will discuss."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JointMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.activity.title

    @property
    def held_on(self):
        return timezone.localdate(self.activity.starts_at)


class ReplyChoice(models.TextChoices):
    ATTEND = "attend", _("Will attend")
    ABSENT = "absent", _("Cannot attend")


class MeetingUnit(models.Model):
    """A unit taking part in a joint meeting (by its agreement with the community) and whether
    its representative came (the unit's attendance)."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("joint meeting"), on_delete=models.CASCADE, related_name="units"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="meeting_units"
    )
    representative = models.CharField(_("representative"), max_length=50, blank=True)
    present = models.BooleanField(_("present"), default=True)
    # The unit's answer to the invitation (before the meeting): who will come, or that none can.
    reply = models.CharField(_("answer"), max_length=10, choices=ReplyChoice.choices, blank=True)
    reply_name = models.CharField(_("representative named in the answer"), max_length=50, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participating unit")
        verbose_name_plural = _("participating units")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agreement"], name="cobuilding_meeting_unit_once")
        ]

    def __str__(self) -> str:
        return str(self.agreement.unit)


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class DecisionQuerySet(SubtreeQuerySet):
    subtree_path_field = "meeting__community__path"

    def overdue(self, today=None) -> DecisionQuerySet:
        """Open decisions whose due date has passed."""
        return self.filter(status=DecisionStatus.OPEN, due_on__lt=today or timezone.localdate())


def _one_owner_q() -> Q:
    """Exactly one owner: a login, a unit party organisation or an outside unit."""
    user = Q(owner_user__isnull=False)
    org = Q(owner_unit_org__isnull=False)
    outside = Q(owner_outside_unit__isnull=False)
    return (user & ~org & ~outside) | (~user & org & ~outside) | (~user & ~org & outside)


class Decision(models.Model):
    """A decision of a joint meeting (会议议定事项): who does it by when, followed to done."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("joint meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cobuilding_decisions",
    )
    owner_unit_org = models.ForeignKey(
        Organisation,
        verbose_name=_("owner (unit party organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_outside_unit = models.ForeignKey(
        OutsideUnit,
        verbose_name=_("owner (outside unit)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=_one_owner_q(), name="cobuilding_decision_one_owner"),
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True) | Q(status="done", done_on__isnull=False),
                name="cobuilding_decision_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def owner(self):
        return self.owner_user or self.owner_unit_org or self.owner_outside_unit

    @property
    def owner_label(self) -> str:
        owner = self.owner
        if owner is None:
            return ""
        if owner is self.owner_user:
            return owner.get_full_name() or owner.get_username()
        return str(owner)

    def is_overdue(self, today=None) -> bool:
        return self.status == DecisionStatus.OPEN and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def done_on_time(self) -> bool | None:
        """True / False once done; None while open."""
        if self.done_on is None:
            return None
        return self.done_on <= self.due_on


class DecisionChangeKind(models.TextChoices):
    DUE = "due", _("Due date moved")
    REOPENED = "reopened", _("Reopened")
    EDITED = "edited", _("Edited")


class DecisionChange(models.Model):
    """One change of a decision after it was made, kept for its history: a moved due date (old →
    new, with the reason), a reopening (what had been recorded as done, with the reason), or an
    edit of its text or owner (what they were)."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("change"), max_length=10, choices=DecisionChangeKind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    old_due_on = models.DateField(_("old due date"), null=True, blank=True)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    detail = models.TextField(_("what it was before"), blank=True)

    class Meta:
        verbose_name = _("decision change")
        verbose_name_plural = _("decision changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.decision_id}"

    @property
    def by_label(self) -> str:
        user = self.changed_by
        if user is None:
            return ""
        return user.get_full_name() or user.get_username()
