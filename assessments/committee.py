"""Reads behind the street committee's scoring pages: who can be scored (the street's community
secretaries in post today: the same rule as work.score's, work.secretary_community), the cycle's
committee indicators, and one scorer's table of scores against how many committee members scored.
A fixed number of queries whatever the number of secretaries or scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.tree import path_prefix_q
from orgchart.models import COMMUNITY_KINDS, PostTitle, Tenure, current_tenure_q

from .models import AssessmentCycle, CommitteeScore, Indicator, IndicatorSource


@dataclass(frozen=True)
class Secretary:
    """A community secretary in post today; `user_id` None: no login, so no committee score."""

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


def current_secretaries(cycle: AssessmentCycle) -> list[Secretary]:
    """The street's community secretaries in post today, in the street's order of communities
    (one query). A member holding two communities' posts is listed once."""
    street = cycle.street
    rows = (
        Tenure.objects.filter(
            current_tenure_q(day=timezone.localdate()),
            path_prefix_q(street.path, "post__organisation__path"),
            post__title=PostTitle.SECRETARY,
            post__organisation__kind__in=COMMUNITY_KINDS,
            post__organisation__depth=street.depth + 1,
        )
        .values_list(
            "member_id",
            "member__user_id",
            "member__name",
            "post__organisation_id",
            "post__organisation__name",
        )
        .order_by("post__organisation__path", "started_on", "pk")
    )
    seen: dict[int, Secretary] = {}
    for member_id, user_id, name, community_id, community in rows:
        seen.setdefault(member_id, Secretary(member_id, user_id, name, community_id, community))
    return list(seen.values())


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
