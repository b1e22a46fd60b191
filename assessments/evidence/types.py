"""The plain results of the evidence readers: a figure per indicator and secretary, with the
records behind it and what is missing, so the cycle's scoring turns `score_ratio × maximum` into
points and a secretary can see why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# The automatic indicators' keys (assessments' Indicator.automatic_key).
STUDY_MONTHLY = "study_monthly"
RESEARCH_REPORT = "research_report"
ACTIVITIES_ORGANISED = "activities_organised"
RESEARCH_VISITS = "research_visits"
VOLUNTEER_HOURS = "volunteer_hours"
SANHUI_COMPLIANCE = "sanhui_compliance"
NOTICES_READ = "notices_read"

KEYS: tuple[str, ...] = (
    STUDY_MONTHLY,
    RESEARCH_REPORT,
    ACTIVITIES_ORGANISED,
    RESEARCH_VISITS,
    VOLUNTEER_HOURS,
    SANHUI_COMPLIANCE,
    NOTICES_READ,
)


@dataclass(frozen=True)
class DateSpan:
    """Days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        """Whether the span shares a day with [start, end] (both included)."""
        return self.start <= end and start <= self.end


@dataclass(frozen=True)
class Stint:
    """One secretary's time in one community's secretary post, clipped to the assessed period."""

    member_id: int
    user_id: int | None
    name: str
    community_id: int
    community_path: str
    span: DateSpan


@dataclass(frozen=True)
class EvidenceItem:
    """One record behind a figure: what it is (`kind`: study_record, reflection, result,
    submission, activity, visit, signups, branch, notice), its id, title and day, and figures of
    its own (`extra`: e.g. a notice's audience and readers)."""

    kind: str
    id: int
    title: str
    date: dt.date | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    """An indicator's figure for one secretary.

    `value` is what was counted; `target` what the rule asks for over the secretary's time in
    post (None: the indicator is a share, or is judged against the street's best);
    `score_ratio` in [0, 1]; `missing` says in words what fell short; `detail` holds figures a
    view or an export may show (months, counts by kind, people).
    """

    value: float
    target: float | None
    score_ratio: float
    evidence: list[EvidenceItem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class SecretaryEvidence:
    """Every figure of one secretary. `community_id` is the community they held the post in
    longest over the period; `stints` are all their times in post (a secretary may have moved)."""

    secretary_user_id: int | None
    member_id: int
    name: str
    community_id: int
    stints: list[Stint]
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class StreetEvidence:
    """The answer of `compute_all`: the secretaries with a login by user id, those without one
    (figures computed all the same; they cannot sign in to see them), and per community the
    spans of the period its secretary post stood vacant (the veto item reads them)."""

    start: dt.date
    end: dt.date
    secretaries: dict[int, SecretaryEvidence]
    without_login: list[SecretaryEvidence]
    vacancies: dict[int, list[DateSpan]]

    def all(self) -> list[SecretaryEvidence]:
        return [*self.secretaries.values(), *self.without_login]


class Submission(NamedTuple):
    """A secretary's submitted work, as the later assessments.Submission model will hand it in:
    (secretary user id, kind: "reflection" | "report" | "paper" | "practice", day, id, title)."""

    user_id: int
    kind: str
    date: dt.date
    id: int
    title: str


def ratio(value: float, target: float | None) -> float:
    """`value / target` kept in [0, 1]; 0 when there is nothing to reach."""
    if not target or target <= 0:
        return 0.0
    return max(0.0, min(1.0, value / target))


def sorted_items(items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    return sorted(items, key=lambda i: (i.date or dt.date.min, i.kind, i.id))
