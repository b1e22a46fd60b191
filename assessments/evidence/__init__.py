"""The automatic indicators of the 三型社区书记 assessment: for a street and a period, every
community secretary's figures with the records behind them (issue 8, "Indicators → automatic").

`compute_all(street, start, end)` reads who held each community's secretary post over the period
(tenures), then each indicator for all of them at once: the number of queries depends on the
indicators asked for and the calendar years of the period, never on the number of secretaries,
communities or records. Each indicator lives in its own module, with its data-source decisions
in the module's docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils import timezone

from orgchart.models import Organisation

from ..gcpause import without_gc_passes
from .activities import activities_organised, research_visits
from .context import DEFAULT_TARGETS, EvidenceContext
from .hours import volunteer_hours
from .notices import notices_read
from .sanhui import sanhui_compliance
from .secretaries import community_stints
from .study import research_report, study_monthly
from .types import (
    KEYS,
    DateSpan,
    EvidenceItem,
    Figure,
    SecretaryEvidence,
    Stint,
    StreetEvidence,
    Submission,
)

__all__ = [
    "DEFAULT_TARGETS",
    "KEYS",
    "READERS",
    "DateSpan",
    "EvidenceItem",
    "Figure",
    "SecretaryEvidence",
    "Stint",
    "StreetEvidence",
    "Submission",
    "compute_all",
    "year_period",
]

READERS: dict[str, Callable[[EvidenceContext], dict[int, Figure]]] = {
    "study_monthly": study_monthly,
    "research_report": research_report,
    "activities_organised": activities_organised,
    "research_visits": research_visits,
    "volunteer_hours": volunteer_hours,
    "sanhui_compliance": sanhui_compliance,
    "notices_read": notices_read,
}
assert tuple(READERS) == KEYS


def year_period(year: int) -> tuple[dt.date, dt.date]:
    """1 January to 31 December of `year`."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def compute_all(
    street: Organisation,
    start: dt.date,
    end: dt.date,
    *,
    keys: Iterable[str] | None = None,
    submissions: Iterable[Submission] = (),
    excluded_results: Any = (),
    targets: Mapping[str, float | None] | None = None,
    today: dt.date | None = None,
) -> StreetEvidence:
    """Every community secretary of `street` over [start, end] (both included) with the figures
    of `keys` (all by default), and each community's vacant spans of its secretary post.

    Days after today are not judged (a running year counts its months up to today). Secretaries
    are keyed by user id; those without a login come in `without_login`. `submissions` are the
    secretaries' submitted reflections and reports (the assessments' Submission rows, read by the
    caller); `excluded_results` are result page ids (or a subquery of them) not to count, the
    pages published from those submissions; `targets` override DEFAULT_TARGETS' yearly targets.
    """
    keys = tuple(KEYS if keys is None else keys)
    unknown = [k for k in keys if k not in READERS]
    if unknown:
        raise ValueError(f"Unknown automatic indicator key(s): {', '.join(unknown)}")
    if end < start:
        raise ValueError("The period ends before it starts.")
    today = today or timezone.localdate()
    until = min(end, today)
    if until < start:
        return StreetEvidence(start, end, {}, [], {})
    stints, vacancies = community_stints(street, start, until)
    ctx = EvidenceContext(
        street=street,
        start=start,
        until=until,
        stints=stints,
        today=today,
        submissions=list(submissions),
        excluded_results=excluded_results,
        targets={**DEFAULT_TARGETS, **(targets or {})},
    )
    people: dict[int, SecretaryEvidence] = {}
    for member_id, mine in ctx.by_member().items():
        longest = max(mine, key=lambda s: (s.span.days, s.span.end))
        people[member_id] = SecretaryEvidence(
            secretary_user_id=mine[0].user_id,
            member_id=member_id,
            name=mine[0].name,
            community_id=longest.community_id,
            stints=mine,
        )
    if people:
        with without_gc_passes():  # ~a million long-lived small objects at 1,000 secretaries
            for key in keys:
                for member_id, figure in READERS[key](ctx).items():
                    people[member_id].figures[key] = figure
    return StreetEvidence(
        start=start,
        end=end,
        secretaries={p.secretary_user_id: p for p in people.values() if p.secretary_user_id is not None},
        without_login=[p for p in people.values() if p.secretary_user_id is None],
        vacancies=vacancies,
    )
