"""Writes of the assessment that change a cycle's provisional scores retire its cached preview
(assessments/preview.py). Connected in AssessmentsConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from . import preview
from .models import AssessmentCycle, CommitteeScore, Indicator, Rating, Submission


def _changed(sender, instance, **kwargs) -> None:
    cycle_id = instance.pk if sender is AssessmentCycle else instance.cycle_id
    if cycle_id is not None:
        preview.scores_changed(cycle_id)


def connect() -> None:
    for model in (AssessmentCycle, Indicator, CommitteeScore, Submission, Rating):
        post_save.connect(_changed, sender=model, dispatch_uid=f"assessments-preview-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"assessments-preview-del-{model.__name__}")
