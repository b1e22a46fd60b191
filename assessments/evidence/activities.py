"""实干型: activities organised, research and home visits made.

- activities_organised: activities in state done (never cancelled, drafts or ones still to
  happen) organised by an organisation of the secretary's community subtree, starting (local
  date) while they held the post, of the kinds in ORGANISED_KINDS. Organisation life is judged
  by sanhui_compliance and research/home visits by research_visits, so they are not counted
  again here (the detail still gives counts by kind).
- research_visits: done activities of kind research visit or study delivered to the door
  (上门送学) organised in the community subtree while in post, and those of the secretary's own
  sign-ups checked in (wherever organised), each activity once.
One query for the first, two for the second, whatever the number of secretaries.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils.translation import gettext as _

from activities.models import Activity, ActivityKind, ActivityState
from volunteers.models import SignUp

from .context import EvidenceContext, in_stints, local_date
from .types import EvidenceItem, Figure, ratio, sorted_items

ORGANISED_KINDS = (ActivityKind.VOLUNTEER_SERVICE, ActivityKind.PIONEER, ActivityKind.LARGE_EVENT)
VISIT_KINDS = (ActivityKind.RESEARCH_VISIT, ActivityKind.HOME_STUDY)


def _done(ctx: EvidenceContext, kinds) -> list[tuple[str, EvidenceItem]]:
    """(organiser path, item) of the done activities of `kinds` organised in the street over the
    period (one query)."""
    start, end = ctx.aware_bounds()
    rows = (
        Activity.objects.in_subtree(ctx.street)
        .filter(kind__in=kinds, state=ActivityState.DONE, starts_at__gte=start, starts_at__lt=end)
        .values_list("pk", "title", "kind", "starts_at", "organiser__path", "organiser_id")
        .order_by()
    )
    return [
        (
            path,
            EvidenceItem(
                "activity", pk, title, local_date(starts_at), {"activity_kind": kind, "organiser_id": org}
            ),
        )
        for pk, title, kind, starts_at, path, org in rows
    ]


def activities_organised(ctx: EvidenceContext) -> dict[int, Figure]:
    """{member id: done activities their community organised while they held the post}."""
    mine = ctx.assign((path, item.date, item) for path, item in _done(ctx, ORGANISED_KINDS))
    figures = {}
    for member_id, stints in ctx.by_member().items():
        items = sorted_items(mine.get(member_id, []))
        target = ctx.yearly_target("activities_organised", stints)
        by_kind = Counter(item.extra["activity_kind"] for item in items)
        figures[member_id] = Figure(
            value=len(items),
            target=target,
            score_ratio=ratio(len(items), target),
            evidence=items,
            missing=[] if items else [_("No activity organised over the period")],
            detail={"by_kind": dict(by_kind)},
        )
    return figures


def research_visits(ctx: EvidenceContext) -> dict[int, Figure]:
    """{member id: research and home visits done in their community, or checked in by them}."""
    organised = ctx.assign((path, item.date, item) for path, item in _done(ctx, VISIT_KINDS))
    start, end = ctx.aware_bounds()
    stints_of = ctx.by_member()
    member_of = {s.user_id: s.member_id for s in ctx.stints if s.user_id is not None}
    attended: dict[int, list[EvidenceItem]] = defaultdict(list)
    signups = (
        SignUp.objects.filter(
            person_id__in=list(member_of),
            checked_in_at__isnull=False,
            activity__kind__in=VISIT_KINDS,
            activity__state=ActivityState.DONE,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .values_list("person_id", "activity_id", "activity__title", "activity__kind", "activity__starts_at")
        .order_by()
    )
    for user_id, pk, title, kind, starts_at in signups:
        attended[member_of[user_id]].append(
            EvidenceItem(
                "visit", pk, title, local_date(starts_at), {"activity_kind": kind, "checked_in": True}
            )
        )
    figures = {}
    for member_id, stints in stints_of.items():
        chosen: dict[int, EvidenceItem] = {}
        for item in attended.get(member_id, []):
            if in_stints(stints, item.date):
                chosen[item.id] = item
        for item in organised.get(member_id, []):
            chosen.setdefault(item.id, item)
        items = sorted_items(chosen.values())
        target = ctx.yearly_target("research_visits", stints)
        figures[member_id] = Figure(
            value=len(items),
            target=target,
            score_ratio=ratio(len(items), target),
            evidence=items,
            missing=[] if items else [_("No research or home visit over the period")],
            detail={"by_kind": dict(Counter(item.extra["activity_kind"] for item in items))},
        )
    return figures
