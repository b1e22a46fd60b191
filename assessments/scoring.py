"""Scores of a cycle. Placeholder for the scoring piece of issue 8.

`freeze_scores` is called by services.advance in the transaction that moves a cycle out of review
(review → 公示), after the cycle's `scores_frozen_at` is set. The scoring piece fills it: compute
every secretary's automatic, rating and committee scores for the cycle and store them, so that
later data changes do not change a closed cycle. Until then it stores nothing: no score is made up.
"""

from __future__ import annotations

from .models import AssessmentCycle


def freeze_scores(cycle: AssessmentCycle) -> None:
    """Store the cycle's final scores (to be written by the scoring piece; does nothing yet)."""
    return None
