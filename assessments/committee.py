"""Reads behind the street committee's scoring pages: who can be scored (every community
secretary the cycle scores, cycle_secretaries: the rule of work.score and compute_scores), the cycle's
committee indicators, and one scorer's table of scores against how many committee members scored.
A fixed number of queries whatever the number of secretaries or scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from orgchart.models import Organisation, Tenure, current_tenure_q

from .evidence.secretaries import community_stints
from .evidence.types import Stint
from .models import AssessmentCycle, CommitteeScore, Indicator, IndicatorSource


@dataclass(frozen=True)
class Secretary:
    """A community secretary the cycle scores; `user_id` None: no login, so no committee score."""

    member_id: int
    user_id: int | None
    name: str
    community_id: int
    community: str


@dataclass
class Cell:
    indicator: Indicator
    mine: Decimal | None  # the scorer's own score
    scorers: int  # how many committee members scored this cell


@dataclass
class Row:
    secretary: Secretary
    cells: list[Cell] = field(default_factory=list)
    scorers: int = 0  # committee members who scored this secretary on any indicator

    @property
    def done_by_me(self) -> bool:
        return all(cell.mine is not None for cell in self.cells)


def cycle_secretaries(cycle: AssessmentCycle, today: dt.date | None = None) -> list[Secretary]:
    """Everyone the cycle scores: each community secretary of the street who held the post on a
    day of the cycle's year up to today (evidence.secretaries.community_stints, the rule
    compute_scores follows), so a secretary replaced in the year is scored by the committee too.
    In the street's order of communities, each member once (at the community of their longest
    stint, as the scores do); three queries."""
    today = today or timezone.localdate()
    start = dt.date(cycle.year, 1, 1)
    until = max(start, min(today, dt.date(cycle.year, 12, 31)))
    stints, _vacancies = community_stints(cycle.street, start, until)
    longest: dict[int, Stint] = {}
    for stint in stints:
        held = longest.get(stint.member_id)
        if held is None or (stint.span.days, stint.span.end) > (held.span.days, held.span.end):
            longest[stint.member_id] = stint
    names = dict(
        Organisation.objects.filter(pk__in={s.community_id for s in longest.values()}).values_list(
            "pk", "name"
        )
    )
    ordered = sorted(longest.values(), key=lambda s: (s.community_path, s.span.start, s.member_id))
    return [
        Secretary(s.member_id, s.user_id, s.name, s.community_id, names.get(s.community_id, ""))
        for s in ordered
    ]


def committee_indicators(cycle: AssessmentCycle) -> list[Indicator]:
    return list(
        Indicator.objects.filter(cycle=cycle, source=IndicatorSource.COMMITTEE).order_by("order", "pk")
    )


def committee_size(cycle: AssessmentCycle) -> int:
    """Members with a login holding a post in the street party working committee today: those
    who may score (one query)."""
    return (
        Tenure.objects.filter(
            current_tenure_q(),
            post__organisation=cycle.street,
            member__user__isnull=False,
            member__left_on__isnull=True,
        )
        .values("member_id")
        .distinct()
        .count()
    )


def score_table(
    cycle: AssessmentCycle, scorer, secretaries: list[Secretary], indicators: list[Indicator]
) -> list[Row]:
    """One row per secretary, one cell per committee indicator: `scorer`'s score and how many
    scored it (one query)."""
    mine: dict[tuple[int, int], Decimal] = {}
    per_cell: dict[tuple[int, int], int] = {}
    per_secretary: dict[int, set[int]] = {}
    found = CommitteeScore.objects.filter(cycle=cycle, indicator__in=[i.pk for i in indicators])
    for indicator_id, secretary_id, scorer_id, value in found.values_list(
        "indicator_id", "secretary_id", "scorer_id", "score"
    ):
        key = (indicator_id, secretary_id)
        per_cell[key] = per_cell.get(key, 0) + 1
        per_secretary.setdefault(secretary_id, set()).add(scorer_id)
        if scorer_id == scorer.pk:
            mine[key] = value
    table = []
    for person in secretaries:
        row = Row(person, scorers=len(per_secretary.get(person.user_id, ())))
        for indicator in indicators:
            key = (indicator.pk, person.user_id)
            row.cells.append(Cell(indicator, mine.get(key), per_cell.get(key, 0)))
        table.append(row)
    return table


def my_scores(cycle: AssessmentCycle, scorer, secretary_user_id: int) -> dict[int, CommitteeScore]:
    """{indicator id: `scorer`'s score} of one secretary (one query)."""
    return {
        row.indicator_id: row
        for row in CommitteeScore.objects.filter(cycle=cycle, scorer=scorer, secretary_id=secretary_user_id)
    }
