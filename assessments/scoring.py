"""Scores of a cycle: every community secretary's points per indicator, per type and in total,
their band, rank and recommendation (issue 8, "Scoring, recommendation, 公示"); and the frozen
copy of them (SecretaryResult) stored when review ends.

Formulas (docs/assessments.md, "Scoring", says the same):

- automatic indicator: points = ratio × weight. The ratio is the evidence's `score_ratio` when the
  evidence judged the figure against a target pro rata to the months in post (the indicator's
  `max` is passed to the evidence as the yearly target); otherwise min(value / max, 1) when the
  indicator has a max (shares: 100%), or value / the street's best value when it has none (0 when
  the best is 0).
- committee indicator: the mean of the scorers' scores (each 0..weight); 0 when nobody scored.
- rating indicator: satisfaction % / 100 × weight, 0 when the rating is not valid (None). The
  cycle's rating indicators, in their order, are the members' rating then the residents' rating.
- totals per type and overall are the sums, rounded to cents.
- band from the total and the cycle's thresholds; then the veto (the secretary's community post
  vacant more than `veto_vacancy_months` × 30 days over the year → the lowest band); then the
  satisfaction cap (resident satisfaction known and below `satisfaction_cap_percent` → no better
  than `satisfaction_cap_band`); then the quota: of the secretaries still in the best band, only
  the first floor(n × quota% / 100) (at least 1; n = all scored secretaries) in rank order keep it,
  the rest fall to the second band.
- rank: by total (highest first), ties broken by the higher 和谐型 subtotal, then the higher
  实干型, then the higher 学习型, then the community's place in the tree (its path: the order the
  street lists its communities). Ranks are 1..n, never shared.
- recommended: the first three in rank order that are neither vetoed nor capped.

Ratings come in through `rating_scores` ({community id: (members' %, residents' %)}, None for a
rating that is not valid or not shown), so this module does not depend on how ratings are
collected; `freeze_scores` reads them from `rating_scores_of(cycle)`, the one place to plug the
ratings piece in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, JSONField, Value
from django.utils import timezone

from orgchart.models import Organisation

from . import evidence, ratings
from .evidence import DEFAULT_TARGETS
from .gcpause import without_gc_passes
from .models import (
    AssessmentCycle,
    Award,
    Band,
    CommitteeScore,
    Indicator,
    IndicatorSource,
    IndicatorType,
    SecretaryResult,
    Submission,
)

CENT = Decimal("0.01")
BAND_ORDER: tuple[str, ...] = tuple(Band.values)  # best first
RECOMMENDED = 3
DAYS_A_MONTH = 30

RatingScores = Mapping[int, tuple[float | None, float | None]]
RatingCounts = Mapping[int, tuple[int, int]]

# Why a rating line scores nothing (Line.note): fewer ratings than cycle.min_ratings_shown (the
# figure is withheld), or fewer than cycle.min_raters (shown, but not valid for the cycle).
NOTE_HIDDEN = "hidden"
NOTE_NOT_VALID = "not_valid"


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def worse(a: str, b: str) -> str:
    """The lower of two bands."""
    return a if BAND_ORDER.index(a) >= BAND_ORDER.index(b) else b


def band_for(cycle: AssessmentCycle, total: Decimal) -> str:
    if total >= cycle.excellent_min:
        return Band.EXCELLENT
    if total >= cycle.good_min:
        return Band.GOOD
    if total >= cycle.basic_min:
        return Band.BASIC
    return Band.FAIL


def quota_size(cycle: AssessmentCycle, n: int) -> int:
    """How many secretaries may be in the best band: quota% of n rounded down, at least 1."""
    return max(1, int((Decimal(n) * cycle.excellent_quota_percent / 100).to_integral_value(ROUND_DOWN)))


def rank_key(total, harmonious, practical, learning, community_path: str) -> tuple:
    """Sort key of the ranking (ascending sorts best first): the documented tie-break rule."""
    return (-Decimal(total), -Decimal(harmonious), -Decimal(practical), -Decimal(learning), community_path)


# The ratings hook -----------------------------------------------------------------------------


def rating_inputs(
    cycle: AssessmentCycle,
) -> tuple[dict[int, tuple[float | None, float | None]], dict[int, tuple[int, int]]]:
    """({community id: (members' satisfaction %, residents' %)}, {community id: (members'
    ratings, residents' ratings)}) from assessments.ratings (its three queries). A % is None for a
    kind of rating that is not valid for the cycle (fewer than cycle.min_raters raters); the
    counts say why (Line.note)."""

    def pct(kind) -> float | None:
        return float(kind.satisfaction) if kind.valid and kind.satisfaction is not None else None

    found = ratings.rating_results(cycle)
    scores = {cid: (pct(r.members), pct(r.residents)) for cid, r in found.items()}
    counts = {cid: (r.members.ratings, r.residents.ratings) for cid, r in found.items()}
    return scores, counts


def rating_scores_of(cycle: AssessmentCycle) -> dict[int, tuple[float | None, float | None]]:
    """{community id: (members' satisfaction %, residents' %)}: rating_inputs' first half."""
    return rating_inputs(cycle)[0]


def rating_note(cycle: AssessmentCycle, ratings_count: int) -> str:
    """Why a rating of `ratings_count` ratings scores nothing: NOTE_HIDDEN, NOTE_NOT_VALID or ""."""
    if ratings_count < cycle.min_ratings_shown:
        return NOTE_HIDDEN
    if ratings_count < cycle.min_raters:
        return NOTE_NOT_VALID
    return ""


# Submissions for the evidence ------------------------------------------------------------------


def submissions_for_evidence(cycle: AssessmentCycle) -> list[evidence.Submission]:
    """The cycle's submissions as the evidence's Submission tuples (one query). A reflection counts
    on the 1st of its month (the month it was written for), other kinds on the day submitted."""
    found = []
    rows = Submission.objects.filter(cycle=cycle).values_list(
        "secretary_id", "kind", "month", "submitted_at", "pk", "title"
    )
    for user_id, kind, month, submitted_at, pk, title in rows:
        day = (
            dt.date(cycle.year, month, 1)
            if kind == "reflection" and month
            else timezone.localtime(submitted_at).date()
        )
        found.append(evidence.Submission(user_id, kind, day, pk, title))
    return found


def published_from_submissions():
    """The ids of result pages published from awarded submissions, as a subquery (no query of
    its own): the submission is the evidence, its page must not count again."""
    return Award.objects.filter(result_page__isnull=False).values("result_page_id")


# Computing ------------------------------------------------------------------------------------


@dataclass
class Line:
    """One indicator's points for one secretary."""

    indicator_id: int
    name: str
    type: str
    source: str
    weight: float
    value: float | None
    points: Decimal
    target: float | None = None
    missing: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    # Rating lines, when the ratings' counts were given: how many ratings of the kind, and why
    # the line scores nothing (NOTE_HIDDEN / NOTE_NOT_VALID; "" when it counts).
    ratings: int | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        # What dataclasses.asdict gives, without its deep copy of every evidence item (a third of
        # freeze_scores at 1,000 secretaries): the items are fresh dicts made for this line.
        return {
            "indicator_id": self.indicator_id,
            "name": self.name,
            "type": self.type,
            "source": self.source,
            "weight": self.weight,
            "value": self.value,
            "points": str(self.points),
            "target": self.target,
            "missing": list(self.missing),
            "evidence": [dict(item) for item in self.evidence],
            "comments": list(self.comments),
            "ratings": self.ratings,
            "note": self.note,
        }


@dataclass
class Score:
    """A secretary's computed result (before freezing)."""

    member_id: int
    user_id: int | None
    name: str
    community_id: int
    community_path: str
    lines: list[Line]
    subtotals: dict[str, Decimal]
    total: Decimal
    band: str = Band.FAIL
    rank: int = 0
    recommended: bool = False
    vetoed: bool = False
    capped: bool = False
    residents_pct: float | None = None

    @property
    def key(self) -> tuple:
        s = self.subtotals
        return rank_key(
            self.total,
            s[IndicatorType.HARMONIOUS],
            s[IndicatorType.PRACTICAL],
            s[IndicatorType.LEARNING],
            self.community_path,
        )


def _evidence_json(items) -> list[dict[str, Any]]:
    return [
        {"kind": i.kind, "id": i.id, "title": i.title, "date": i.date.isoformat() if i.date else None}
        for i in items
    ]


def compute_scores(
    cycle: AssessmentCycle,
    *,
    rating_scores: RatingScores | None = None,
    rating_counts: RatingCounts | None = None,
    today: dt.date | None = None,
) -> list[Score]:
    """Every community secretary of the cycle's street over the cycle's year, scored and ranked
    (best first). `rating_scores`: {community id: (members' %, residents' %)}, None = not valid;
    missing communities score 0 on ratings. `rating_counts` ({community id: (members' ratings,
    residents' ratings)}, from rating_inputs) fills the rating lines' `ratings` and `note`.
    The queries do not grow with the secretaries."""
    with without_gc_passes():
        return _compute_scores(cycle, rating_scores=rating_scores, rating_counts=rating_counts, today=today)


def _compute_scores(
    cycle: AssessmentCycle,
    *,
    rating_scores: RatingScores | None,
    rating_counts: RatingCounts | None,
    today: dt.date | None,
) -> list[Score]:
    rating_scores = rating_scores or {}
    indicators = list(Indicator.objects.filter(cycle=cycle).order_by("order", "pk"))
    auto = [i for i in indicators if i.source == IndicatorSource.AUTOMATIC]
    targets = {
        i.automatic_key: float(i.max) if i.max is not None else None
        for i in auto
        if i.automatic_key in DEFAULT_TARGETS
    }
    start, end = evidence.year_period(cycle.year)
    found = evidence.compute_all(
        cycle.street,
        start,
        end,
        keys=sorted({i.automatic_key for i in auto}),
        submissions=submissions_for_evidence(cycle),
        excluded_results=published_from_submissions(),
        targets=targets,
        today=today,
    )
    people = found.all()
    paths = dict(
        Organisation.objects.filter(pk__in={p.community_id for p in people}).values_list("pk", "path")
    )
    committee: dict[tuple[int, int], tuple[Decimal, int]] = {
        (row["indicator_id"], row["secretary_id"]): (row["mean"], row["n"])
        for row in CommitteeScore.objects.filter(cycle=cycle)
        .values("indicator_id", "secretary_id")
        .annotate(mean=Avg("score"), n=Count("pk"))
        .order_by()
    }
    comments: dict[tuple[int, int], list[str]] = defaultdict(list)
    for indicator_id, secretary_id, comment in CommitteeScore.objects.filter(cycle=cycle).values_list(
        "indicator_id", "secretary_id", "comment"
    ):
        comments[(indicator_id, secretary_id)].append(comment)
    best = {
        i.automatic_key: max(
            (p.figures[i.automatic_key].value for p in people if i.automatic_key in p.figures), default=0
        )
        for i in auto
    }
    rating_indicators = [i for i in indicators if i.source == IndicatorSource.RATING]
    vacant_limit = cycle.veto_vacancy_months * DAYS_A_MONTH

    scores: list[Score] = []
    for person in people:
        lines: list[Line] = []
        pcts = rating_scores.get(person.community_id, (None, None))
        for indicator in indicators:
            weight = Decimal(indicator.weight)
            line = Line(
                indicator.pk,
                indicator.name,
                indicator.type,
                indicator.source,
                float(weight),
                None,
                Decimal(0),
            )
            if indicator.source == IndicatorSource.AUTOMATIC:
                figure = person.figures.get(indicator.automatic_key)
                if figure is not None:
                    if figure.target is not None:
                        ratio = figure.score_ratio
                    elif indicator.max is not None:
                        ratio = min(figure.value / float(indicator.max), 1.0) if indicator.max > 0 else 0.0
                    else:
                        top = best[indicator.automatic_key]
                        ratio = figure.value / top if top > 0 else 0.0
                    line.value, line.target = figure.value, figure.target
                    line.points = _cents(Decimal(str(max(0.0, min(1.0, ratio)))) * weight)
                    line.missing = list(figure.missing)
                    line.evidence = _evidence_json(figure.evidence)
            elif indicator.source == IndicatorSource.COMMITTEE:
                if person.secretary_user_id is not None:
                    mean, _n = committee.get((indicator.pk, person.secretary_user_id), (None, 0))
                    if mean is not None:
                        line.value = float(mean)
                        line.points = _cents(min(Decimal(mean), weight))
                    line.comments = comments.get((indicator.pk, person.secretary_user_id), [])
            else:
                position = rating_indicators.index(indicator)
                pct = pcts[position] if position < len(pcts) else None
                if pct is not None:
                    line.value = float(pct)
                    line.points = _cents(Decimal(str(pct)) / 100 * weight)
                if rating_counts is not None:
                    counts = rating_counts.get(person.community_id, (0, 0))
                    line.ratings = counts[position] if position < len(counts) else 0
                    if pct is None:
                        line.note = rating_note(cycle, line.ratings)
            lines.append(line)
        subtotals = {t: Decimal(0) for t in IndicatorType.values}
        for line in lines:
            subtotals[line.type] += line.points
        total = sum(subtotals.values(), Decimal(0))
        vacancies = found.vacancies.get(person.community_id, [])
        vacant_days = sum(span.days for span in vacancies)
        residents = pcts[1] if len(pcts) > 1 else None
        scores.append(
            Score(
                member_id=person.member_id,
                user_id=person.secretary_user_id,
                name=person.name,
                community_id=person.community_id,
                community_path=paths.get(person.community_id, ""),
                lines=lines,
                subtotals=subtotals,
                total=total,
                vetoed=vacant_days > vacant_limit,
                residents_pct=residents,
            )
        )
    rank(cycle, scores)
    return scores


def rank(cycle: AssessmentCycle, scores: list[Score]) -> None:
    """Band, quota, rank and recommendation of `scores`, in place, sorted best first."""
    scores.sort(key=lambda s: s.key)
    for position, score in enumerate(scores, start=1):
        score.rank = position
        band = band_for(cycle, score.total)
        if score.vetoed:
            band = Band.FAIL
        if score.residents_pct is not None and score.residents_pct < cycle.satisfaction_cap_percent:
            score.capped = True
            band = worse(band, cycle.satisfaction_cap_band)
        score.band = band
    allowed = quota_size(cycle, len(scores))
    kept = 0
    for score in scores:
        if score.band == Band.EXCELLENT:
            kept += 1
            if kept > allowed:
                score.band = Band.GOOD
    chosen = 0
    for score in scores:
        score.recommended = chosen < RECOMMENDED and not score.vetoed and not score.capped
        chosen += score.recommended


# Freezing -------------------------------------------------------------------------------------


def freeze_scores(
    cycle: AssessmentCycle,
    *,
    rating_scores: RatingScores | None = None,
    rating_counts: RatingCounts | None = None,
    today: dt.date | None = None,
) -> list[SecretaryResult]:
    """Store the cycle's results once. Called by services.advance as review ends. A cycle that
    already has results keeps them (idempotent, and a closed cycle never changes): run twice,
    the second run writes nothing. `rating_scores` None reads rating_inputs(cycle) (scores and
    counts)."""
    with transaction.atomic(), without_gc_passes():
        AssessmentCycle.objects.select_for_update().filter(pk=cycle.pk).first()
        existing = list(SecretaryResult.objects.filter(cycle=cycle).order_by("rank"))
        if existing:
            return existing
        if rating_scores is None:
            rating_scores, rating_counts = rating_inputs(cycle)
        scores = compute_scores(cycle, rating_scores=rating_scores, rating_counts=rating_counts, today=today)
        now = timezone.now()
        rows = [
            SecretaryResult(
                cycle=cycle,
                member_id=s.member_id,
                secretary_id=s.user_id,
                community_id=s.community_id,
                name=s.name,
                learning=s.subtotals[IndicatorType.LEARNING],
                practical=s.subtotals[IndicatorType.PRACTICAL],
                harmonious=s.subtotals[IndicatorType.HARMONIOUS],
                total=s.total,
                band=s.band,
                rank=s.rank,
                recommended=s.recommended,
                vetoed=s.vetoed,
                capped=s.capped,
                # As an expression, so PostgreSQL's bulk insert binds each row's JSON as a plain
                # parameter (escaped by libpq) rather than through UNNEST's text arrays, whose
                # per-character escaping in Python took most of the time at 1,000 secretaries.
                breakdown=Value([line.as_json() for line in s.lines], output_field=JSONField()),
                frozen_at=now,
            )
            for s in scores
        ]
        return SecretaryResult.objects.bulk_create(rows)
