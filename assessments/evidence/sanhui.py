"""三会一课 compliance of the branches of the secretary's community.

The rule is activities.compliance's, with the 学时 of volunteers.compliance; it is evaluated once
for the whole street per calendar year of the period (six queries a year, whatever the number of
secretaries, communities or branches), then split per community. For each secretary a branch of
their community is on track when none of its finished periods that share a day with their time in
post is short, and — for the secretary in post on the day judged — its members' average 学时 is
not behind the pro-rata requirement (学时 add up over the year, so only the holder at its end
answers for them). A yearly requirement (the party lecture) is shared by every secretary of the
year. The figure is the share of branches on track.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _

from activities.compliance import BranchCompliance
from volunteers.compliance import compliance

from .context import EvidenceContext
from .types import EvidenceItem, Figure, Stint, ratio


def as_of_for_year(year: int, until: dt.date, today: dt.date) -> dt.date:
    """The day a year of the period is judged at: the day after `until` once it is over (so the
    last month counts as finished), today while it runs; never past the year."""
    day = until + dt.timedelta(days=1) if until < today else today
    return min(day, dt.date(year + 1, 1, 1))


def street_compliance(ctx: EvidenceContext) -> list[tuple[int, BranchCompliance]]:
    """(year, branch compliance) of every branch of the street, for each year of the period."""
    today = ctx.today
    found = []
    for year in range(ctx.start.year, ctx.until.year + 1):
        result = compliance(ctx.street, year, as_of=as_of_for_year(year, ctx.until, today))
        found.extend((year, branch) for branch in result.branches)
    return found


class _Words:
    """The sentences' templates and meeting names, translated once per call: thousands of
    branches give hundreds of thousands of sentences, and gettext costs ~30 µs each."""

    def __init__(self) -> None:
        self.short = _("%(meeting)s %(period)s: %(held)s held, %(required)s required")
        self.hours = _("Average study hours %(average)s, %(required)s required to date")
        self.of_branch = _("%(branch)s: %(reason)s")
        self.meetings: dict[str, str] = {}

    def meeting(self, line) -> str:
        key = line.requirement.meeting_type
        if key not in self.meetings:
            self.meetings[key] = line.requirement.meeting_label
        return self.meetings[key]


def _reasons(
    item: BranchCompliance, stints: list[Stint], answers_for_hours: bool, words: _Words
) -> list[str]:
    reasons = []
    for line in item.lines:
        for cell in line.short_cells:
            last_day = cell.period.end - dt.timedelta(days=1)
            if any(s.span.overlaps(cell.period.start, last_day) for s in stints):
                reasons.append(
                    words.short
                    % {
                        "meeting": words.meeting(line),
                        "period": cell.period.key,
                        "held": cell.held,
                        "required": cell.required,
                    }
                )
    if answers_for_hours and item.study_behind:
        reasons.append(words.hours % {"average": item.average_hours, "required": item.hours_to_date})
    return reasons


def sanhui_compliance(ctx: EvidenceContext) -> dict[int, Figure]:
    """{member id: share of their community's branches on track over their time in post}."""
    # Branches by community, so the work grows with branches plus secretaries, not their product.
    judged: dict[str, list[tuple[int, BranchCompliance]]] = defaultdict(list)
    for year, item in street_compliance(ctx):
        judged[ctx.community_prefix(item.branch.path)].append((year, item))
    words = _Words()
    figures = {}
    for member_id, stints in ctx.by_member().items():
        reasons_of: dict[int, list[str]] = defaultdict(list)
        names: dict[int, str] = {}
        for community_path in dict.fromkeys(s.community_path for s in stints):
            for year, item in judged.get(community_path, []):
                first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
                mine = [
                    s for s in stints if s.community_path == community_path and s.span.overlaps(first, last)
                ]
                if not mine:
                    continue
                names[item.branch.pk] = item.branch.name
                holds_at_end = any(s.span.end == min(ctx.until, last) for s in mine)
                reasons_of[item.branch.pk].extend(_reasons(item, mine, holds_at_end, words))
        on_track = [pk for pk in names if not reasons_of[pk]]
        evidence = [
            EvidenceItem(
                "branch", pk, names[pk], None, {"on_track": not reasons_of[pk], "reasons": reasons_of[pk]}
            )
            for pk in sorted(names, key=lambda pk: names[pk])
        ]
        figures[member_id] = Figure(
            value=round(len(on_track) / len(names), 4) if names else 0.0,
            target=None,
            score_ratio=ratio(len(on_track), len(names)),
            evidence=evidence,
            missing=[
                words.of_branch % {"branch": names[pk], "reason": reason}
                for pk in names
                for reason in reasons_of[pk]
            ]
            or ([] if names else [_("No party branch in the community")]),
            detail={"branches": len(names), "on_track": len(on_track)},
        )
    return figures
