"""What every evidence reader is handed: the street, the period, the secretaries' stints, the
targets; and the month and date helpers they share (months are Asia/Shanghai months: the
project's TIME_ZONE)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils import timezone

from orgchart.models import Organisation

from .types import Stint, Submission

T = TypeVar("T")

# Yearly targets of the counted indicators, taken pro rata to the months a secretary held the
# post. None: no absolute target, the figure is judged against the best in the street.
DEFAULT_TARGETS: dict[str, float | None] = {
    "research_report": 1,  # one report or paper a year (DOMAIN.md, 学习型)
    "activities_organised": 12,  # one a month
    "research_visits": 12,  # one research or home visit a month
    "volunteer_hours": None,
}
# Targets asked for once in each calendar year a secretary held the post, whatever the months
# (a report a year); the others are pro rata to the months in post.
PER_CALENDAR_YEAR = frozenset({"research_report"})


@dataclass
class EvidenceContext:
    street: Organisation
    start: dt.date
    # The last day judged: the period's end, or today in a period still running.
    until: dt.date
    stints: list[Stint]
    today: dt.date
    submissions: list[Submission] = field(default_factory=list)
    # Result pages not to count (ids, or a subquery of them): the pages made from submissions,
    # which count as the submission itself (scoring passes the awards' pages).
    excluded_results: Any = ()
    targets: dict[str, float | None] = field(default_factory=lambda: dict(DEFAULT_TARGETS))

    def by_member(self) -> dict[int, list[Stint]]:
        """{member id: their stints}, in date order."""
        found: dict[int, list[Stint]] = defaultdict(list)
        for stint in sorted(self.stints, key=lambda s: (s.span.start, s.community_path)):
            found[stint.member_id].append(stint)
        return dict(found)

    def community_prefix(self, path: str) -> str:
        """The path of the community (the street's child) whose subtree holds `path`."""
        return path[: len(self.street.path) + Organisation.steplen]

    def assign(self, rows: Iterable[tuple[str, dt.date | None, T]]) -> dict[int, list[T]]:
        """{member id: the values of `rows` (organisation path, day, value) that fall in their
        community's subtree on a day they held its post}. Rows are bucketed by community first,
        so the work grows with rows plus secretaries, not with their product."""
        by_community: dict[str, list[Stint]] = defaultdict(list)
        for stint in self.stints:
            by_community[stint.community_path].append(stint)
        found: dict[int, list[T]] = defaultdict(list)
        for path, day, value in rows:
            if day is None:
                continue
            taken: set[int] = set()
            for stint in by_community.get(self.community_prefix(path), ()):
                if stint.member_id not in taken and stint.span.contains(day):
                    taken.add(stint.member_id)
                    found[stint.member_id].append(value)
        return found

    def aware_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, the day after `until` 00:00) as aware local datetimes."""
        return local_midnight(self.start), local_midnight(self.until + dt.timedelta(days=1))

    def yearly_target(self, key: str, stints: list[Stint]) -> float | None:
        """The key's yearly target pro rata to the months in post (None stays None)."""
        yearly = self.targets.get(key)
        if yearly is None:
            return None
        if key in PER_CALENDAR_YEAR:
            return yearly * len({month[:4] for month in months_of(stints)})
        return round(yearly * len(months_of(stints)) / 12, 2)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def month_key(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """The months ("2026-03") sharing a day with [start, end], in order."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def months_of(stints: Iterable[Stint]) -> list[str]:
    """The months a secretary held the post for at least a day, in order, without repeats."""
    found: set[str] = set()
    for stint in stints:
        found.update(months_between(stint.span.start, stint.span.end))
    return sorted(found)


def in_stints(stints: Iterable[Stint], day: dt.date | None) -> bool:
    """Whether `day` falls in one of the stints."""
    return day is not None and any(stint.span.contains(day) for stint in stints)
