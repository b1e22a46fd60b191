"""Ratings reach the scores: a valid residents' rating earns satisfaction % × the indicator's
weight; one with fewer raters than the cycle's minimum earns nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessments import ratings, scoring
from assessments.models import Phase
from tests.assessments.scoring_support import community_with_secretary, small_cycle

pytestmark = pytest.mark.django_db

ALL_GOOD = {"contact": "good", "service": "good", "unity": "good", "integrity": "good"}


def _tickets(cycle, community, good: int, poor: int) -> None:
    _batch, codes = ratings.generate_tickets(cycle, community, good + poor, actor=None)
    for i, code in enumerate(codes):
        answer = "good" if i < good else "poor"
        ratings.rate_with_ticket(code, dict.fromkeys(ALL_GOOD, answer))


def _residents_points(scores, community) -> Decimal:
    score = next(s for s in scores if s.community_id == community.pk)
    return next(line.points for line in score.lines if line.name == "H-residents")


def test_valid_rating_scores_its_satisfaction_and_too_few_raters_score_nothing(street):
    cycle, _indicators = small_cycle(street["street"], year=2025)
    cycle.min_raters = 10
    cycle.phase = Phase.RATING
    cycle.save(update_fields=["min_raters", "phase"])
    rated, _secretary = community_with_secretary(street["street"])
    few, _other = community_with_secretary(street["street"])
    _tickets(cycle, rated, good=8, poor=2)  # 10 raters, 80 % satisfied
    _tickets(cycle, few, good=6, poor=0)  # 6 raters: shown, not valid

    found = scoring.rating_scores_of(cycle)
    assert found[rated.pk] == (None, 80.0) and found[few.pk] == (None, None)
    scores = scoring.compute_scores(cycle, rating_scores=found, today=dt.date(cycle.year, 12, 31))
    assert _residents_points(scores, rated) == Decimal("16.00")  # 80 % of 20 points
    assert _residents_points(scores, few) == 0
