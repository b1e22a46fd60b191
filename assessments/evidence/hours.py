"""Volunteer hours credited in the secretary's community while they held the post.

volunteers.queries' rule: a sign-up counts when CREDITED (confirmed, with hours), for the
organiser's organisation and every one above it, dated by the activity's start (local date).
Two queries whatever the number of secretaries. Without a yearly target (the default), the ratio is
the secretary's hours against the best of the street's secretaries.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from core.tree import path_prefix_q
from volunteers.models import SignUp
from volunteers.queries import CREDITED, range_q

from .context import EvidenceContext, local_date
from .types import EvidenceItem, Figure, ratio, sorted_items


def volunteer_hours(ctx: EvidenceContext) -> dict[int, Figure]:
    """{member id: hours credited on activities organised in their community subtree, people}."""
    credited = SignUp.objects.filter(
        CREDITED,
        range_q(ctx.start, ctx.until),
        path_prefix_q(ctx.street.path, "activity__organiser__path"),
    ).order_by()
    # Summed per activity in the database; the people (ids only) in a second, light query, to
    # count each person once over a secretary's activities.
    per_activity = (
        credited.values("activity_id", "activity__title", "activity__starts_at", "activity__organiser__path")
        .annotate(total=Sum("hours"))
        .values_list(
            "activity_id", "activity__title", "activity__starts_at", "activity__organiser__path", "total"
        )
    )
    people_of: dict[int, set[int]] = defaultdict(set)
    for activity_id, person_id in credited.values_list("activity_id", "person_id").distinct():
        people_of[activity_id].add(person_id)
    # {activity id: (path, day, title, hours)}
    activities = {
        pk: (path, local_date(starts_at), title, total) for pk, title, starts_at, path, total in per_activity
    }
    stints_of = ctx.by_member()
    mine = ctx.assign(
        (path, day, (pk, day, title, total)) for pk, (path, day, title, total) in activities.items()
    )
    totals: dict[int, tuple[Decimal, set[int], list[EvidenceItem]]] = {}
    for member_id in stints_of:
        hours_total, people, items = Decimal("0"), set(), []
        for activity_id, day, title, activity_hours in mine.get(member_id, []):
            hours_total += activity_hours
            per_person = people_of[activity_id]
            people.update(per_person)
            items.append(
                EvidenceItem(
                    "signups",
                    activity_id,
                    title,
                    day,
                    {"hours": float(activity_hours), "people": len(per_person)},
                )
            )
        totals[member_id] = (hours_total, people, sorted_items(items))
    target = ctx.targets.get("volunteer_hours")
    best = max((float(t[0]) for t in totals.values()), default=0.0)
    figures = {}
    for member_id, (hours_total, people, items) in totals.items():
        value = float(hours_total)
        member_target = ctx.yearly_target("volunteer_hours", stints_of[member_id]) if target else None
        figures[member_id] = Figure(
            value=value,
            target=member_target,
            score_ratio=ratio(value, member_target if target else best),
            evidence=items,
            missing=[] if items else [_("No volunteer hours credited in the community over the period")],
            detail={"people": len(people), "street_best": best},
        )
    return figures
