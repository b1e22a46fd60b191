"""Scores of a small street worked out by hand: points per source, bands, the 优秀 quota, the
resident-satisfaction cap, the vacancy veto, the tie-break, recommendation, freezing, overrides
and constant query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import scoring, services, work
from assessments.models import (
    AssessmentCycle,
    Band,
    CommitteeScore,
    IndicatorType,
    Phase,
    ResultOverride,
    SecretaryResult,
)
from tests.assessments.scoring_support import (
    committee,
    community_with_secretary,
    reflections,
    scorers,
    small_cycle,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(street):
    """Four secretaries A–D with hand-worked totals 97, 94, 78 (capped), 88 (vetoed)."""
    root = street["street"]
    cycle, ind = small_cycle(root)
    by = scorers(root)
    people = {}
    for name in "ABC":
        people[name] = community_with_secretary(root)
    # D took the post on 1 August 2025: the post stood vacant January–July (212 days > 6 × 30).
    people["D"] = community_with_secretary(root, started_on=dt.date(2025, 8, 1))
    a, b, c, d = (people[k] for k in "ABCD")
    reflections(cycle, a[1], a[0], range(1, 13))  # 12 of 12 months: 12 points
    reflections(cycle, b[1], b[0], range(1, 7))  # 6 of 12: 6 points
    committee(cycle, ind["L-committee"], a[1], [18, 18], by)
    committee(cycle, ind["P-committee"], a[1], [30, 28], by)  # mean 29
    committee(cycle, ind["H-committee"], a[1], [10, 10], by)
    for member in (b[1], c[1], d[1]):
        committee(cycle, ind["L-committee"], member, [18], by)
        committee(cycle, ind["P-committee"], member, [30], by)
        committee(cycle, ind["H-committee"], member, [10], by)
    ratings = {
        a[0].pk: (90, 95),  # 9 + 19
        b[0].pk: (100, 100),  # 10 + 20
        c[0].pk: (100, 50),  # 10 + 10, residents under 60%: capped
        d[0].pk: (100, 100),
    }
    return {"cycle": cycle, "ind": ind, "people": people, "ratings": ratings, "scorers": by}


def _by_name(scores, people):
    ids = {member.pk: name for name, (_community, member) in people.items()}
    return {ids[s.member_id]: s for s in scores if s.member_id in ids}


def test_points_bands_quota_cap_veto(board):
    scores = scoring.compute_scores(board["cycle"], rating_scores=board["ratings"])
    got = _by_name(scores, board["people"])
    assert {k: got[k].total for k in "ABCD"} == {
        "A": Decimal("97.00"),
        "B": Decimal("94.00"),
        "C": Decimal("78.00"),
        "D": Decimal("88.00"),
    }
    a = got["A"]
    assert a.subtotals == {
        IndicatorType.LEARNING: Decimal("30.00"),
        IndicatorType.PRACTICAL: Decimal("29.00"),
        IndicatorType.HARMONIOUS: Decimal("38.00"),
    }
    study = next(line for line in a.lines if line.name == "L-study")
    assert study.points == Decimal("12.00") and len(study.evidence) == 12
    # Quota: 20% of 4 rounds down to 0, at least 1: A keeps 优秀, B falls to the second band.
    assert (a.band, got["B"].band) == (Band.EXCELLENT, Band.GOOD)
    # C: 78 is the third band, capped to the cap band (不称职 by default).
    assert got["C"].capped and got["C"].band == Band.FAIL
    # D: 88 but the post stood vacant over six months.
    assert got["D"].vetoed and got["D"].band == Band.FAIL
    assert [s.member_id for s in scores[:4]] == [board["people"][k][1].pk for k in "ABDC"]
    assert [got[k].rank for k in "ABDC"] == [1, 2, 3, 4]
    # Top three minus the vetoed and the capped.
    assert {k for k in "ABCD" if got[k].recommended} == {"A", "B"}


def test_rating_not_valid_scores_zero(board):
    ratings = dict(board["ratings"])
    a_community = board["people"]["A"][0].pk
    ratings[a_community] = (None, None)
    got = _by_name(scoring.compute_scores(board["cycle"], rating_scores=ratings), board["people"])
    assert got["A"].total == Decimal("69.00")
    assert not got["A"].capped  # no valid residents' rating: no cap


def test_tie_break_harmonious_then_practical(board):
    cycle = board["cycle"]

    def score(total, harmonious, practical, learning, path):
        return scoring.Score(
            member_id=len(path),
            user_id=None,
            name=path,
            community_id=1,
            community_path=path,
            lines=[],
            subtotals={
                IndicatorType.LEARNING: Decimal(learning),
                IndicatorType.PRACTICAL: Decimal(practical),
                IndicatorType.HARMONIOUS: Decimal(harmonious),
            },
            total=Decimal(total),
        )

    scores = [
        score(80, 30, 30, 20, "0001"),
        score(80, 30, 35, 15, "0002"),
        score(80, 35, 25, 20, "0003"),
        score(80, 30, 35, 15, "0004"),
    ]
    scoring.rank(cycle, scores)
    # Higher 和谐型 first; then higher 实干型; a full tie goes by the community's path.
    assert [s.name for s in scores] == ["0003", "0002", "0004", "0001"]
    assert [s.rank for s in scores] == [1, 2, 3, 4]


def test_quota_keeps_the_top_of_the_best_band(board):
    cycle = board["cycle"]
    AssessmentCycle.objects.filter(pk=cycle.pk).update(excellent_quota_percent=50)
    cycle.refresh_from_db()
    got = _by_name(scoring.compute_scores(cycle, rating_scores=board["ratings"]), board["people"])
    assert (got["A"].band, got["B"].band) == (Band.EXCELLENT, Band.EXCELLENT)
    assert scoring.quota_size(cycle, 4) == 2
    AssessmentCycle.objects.filter(pk=cycle.pk).update(excellent_quota_percent=0)
    cycle.refresh_from_db()
    assert scoring.quota_size(cycle, 4) == 1


def test_freeze_is_idempotent_and_later_changes_are_ignored(board):
    cycle = board["cycle"]
    first = scoring.freeze_scores(cycle, rating_scores=board["ratings"])
    snapshot = list(SecretaryResult.objects.filter(cycle=cycle).values().order_by("pk"))
    assert len(snapshot) == len(first) >= 4
    a = board["people"]["A"][1]
    row = SecretaryResult.objects.get(cycle=cycle, member=a)
    assert row.total == Decimal("97.00") and row.band == Band.EXCELLENT and row.rank == 1
    assert any(line["name"] == "L-study" and line["evidence"] for line in row.breakdown)
    # Data changes after freezing: a committee score lowered, ratings gone.
    CommitteeScore.objects.filter(secretary=a.user).update(score=0)
    again = scoring.freeze_scores(cycle, rating_scores={})
    assert len(again) == len(first)
    assert list(SecretaryResult.objects.filter(cycle=cycle).values().order_by("pk")) == snapshot


def test_advance_out_of_review_freezes(board):
    cycle = board["cycle"]
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.REVIEW)
    cycle.refresh_from_db()
    services.advance(cycle, Phase.PUBLICITY, today=dt.date(2025, 9, 28))
    # No ratings piece yet: ratings count 0, every secretary still stored once.
    rows = SecretaryResult.objects.filter(cycle=cycle)
    assert rows.count() == 4
    assert rows.get(member=board["people"]["A"][1]).total == Decimal("69.00")


def _frozen(board):
    cycle = board["cycle"]
    scoring.freeze_scores(cycle, rating_scores=board["ratings"])
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICITY)
    cycle.refresh_from_db()
    return cycle


def test_override_needs_a_reason_and_is_audited(board, roles):
    cycle = _frozen(board)
    manager = roles["street_secretary"]
    c = SecretaryResult.objects.get(cycle=cycle, member=board["people"]["C"][1])
    with pytest.raises(ValidationError):
        work.override(c, actor=manager, field="total", value="99", reason="  ")
    with pytest.raises(PermissionDenied):
        work.override(c, actor=roles["community_secretary"], field="total", value="99", reason="复核")
    with pytest.raises(ValidationError):
        work.override(c, actor=manager, field="total", value="999", reason="复核")
    assert not ResultOverride.objects.exists()
    assert SecretaryResult.objects.get(pk=c.pk).total == Decimal("78.00")

    work.override(c, actor=manager, field="total", value="99", reason="复核后更正委员会评分")
    work.override(c, actor=manager, field="recommended", value=True, reason="群众满意度复核后达标")
    c.refresh_from_db()
    assert (c.total, c.rank, c.recommended) == (Decimal("99.00"), 1, True)
    log = list(ResultOverride.objects.filter(result=c).values_list("field", "old", "new", "by"))
    assert log == [("total", "78.00", "99.00", manager.pk), ("recommended", "0", "1", manager.pk)]
    ranks = dict(SecretaryResult.objects.filter(cycle=cycle).values_list("member_id", "rank"))
    assert ranks[board["people"]["A"][1].pk] == 2


def test_override_only_during_publicity(board, roles):
    cycle = _frozen(board)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.FINAL)
    row = SecretaryResult.objects.filter(cycle=cycle).first()
    row.cycle.refresh_from_db()
    with pytest.raises(ValidationError):
        work.override(row, actor=roles["street_secretary"], field="band", value=Band.GOOD, reason="理由")
    assert not ResultOverride.objects.exists()


def test_committee_score_rules(board, roles):
    cycle = board["cycle"]
    manager = roles["street_secretary"]
    ind = board["ind"]
    a = board["people"]["A"][1].user
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.REVIEW)
    cycle.refresh_from_db()
    before = CommitteeScore.objects.count()
    for kwargs in (
        {"indicator": ind["P-committee"], "value": "31", "comment": "好"},  # above the weight
        {"indicator": ind["P-committee"], "value": "-1", "comment": "好"},
        {"indicator": ind["P-committee"], "value": "abc", "comment": "好"},
        {"indicator": ind["P-committee"], "value": "20", "comment": " "},  # no comment
        {"indicator": ind["L-study"], "value": "5", "comment": "好"},  # not a committee indicator
    ):
        with pytest.raises(ValidationError):
            work.score(cycle, actor=manager, secretary=a, **kwargs)
    with pytest.raises(PermissionDenied):
        work.score(
            cycle, actor=roles["member"], secretary=a, indicator=ind["P-committee"], value=1, comment="x"
        )
    assert CommitteeScore.objects.count() == before
    work.score(cycle, actor=manager, secretary=a, indicator=ind["P-committee"], value="20", comment="好")
    work.score(cycle, actor=manager, secretary=a, indicator=ind["P-committee"], value="25", comment="更正")
    assert CommitteeScore.objects.get(scorer=manager, secretary=a, indicator=ind["P-committee"]).score == 25


def _queries(cycle, ratings):
    with CaptureQueriesContext(connection) as ctx:
        scoring.compute_scores(cycle, rating_scores=ratings)
    return len(ctx)


def test_query_count_does_not_grow_with_secretaries(street):
    root = street["street"]
    cycle, ind = small_cycle(root)
    by = scorers(root, 1)

    def add(n):
        for _ in range(n):
            community, member = community_with_secretary(root)
            reflections(cycle, member, community, [1, 2])
            committee(cycle, ind["P-committee"], member, [20], by)

    add(2)
    few = _queries(cycle, {})
    add(18)
    many = _queries(cycle, {})
    assert few == many
