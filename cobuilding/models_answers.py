"""A unit's answer to a need published to it ("we can help", 我们能帮忙): which of its resources,
a note. The community's post-holders see the answers on the need and may turn one into a project
in one step (cobuilding.answers). Imported by models.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.tree import SubtreeQuerySet

from .models import Need, Project, Resource, UnitSideMixin, _one_unit_q

NOTE_MAX = 500


class NeedAnswerQuerySet(SubtreeQuerySet):
    subtree_path_field = "need__community__path"


class NeedAnswer(UnitSideMixin):
    """One unit's answer to one need: at most one per unit and need (unique constraints)."""

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="answers")
    resources = models.ManyToManyField(
        Resource, verbose_name=_("resources offered"), blank=True, related_name="answers"
    )
    note = models.TextField(_("note"), blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project made from it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NeedAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer to a need")
        verbose_name_plural = _("answers to needs")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=_one_unit_q(), name="cobuilding_answer_one_unit"),
            models.UniqueConstraint(
                fields=["need", "unit_org"],
                condition=Q(unit_org__isnull=False),
                name="cobuilding_answer_once_per_org",
            ),
            models.UniqueConstraint(
                fields=["need", "outside_unit"],
                condition=Q(outside_unit__isnull=False),
                name="cobuilding_answer_once_per_outside",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.need}"
