"""Matching: for a community's need, the units whose resources fit, best first.

A resource fits a need when it is of the need's kind, is listed in the need's street (on the
street's list or any of its communities'), and is available on at least one day of the need's
period (`services.resource_fits`; open-ended availability runs on). Suggestions are per unit: all
of a unit's fitting resources together.

Ranking, most important first (`_rank_key`):
1. Distance by organisation (`Suggestion.tier`):
   0 NEAR — a unit party organisation tied to the need's community: it sits in the community's
     subtree, or co-builds with it (an active agreement whose term overlaps the need's period),
     or its resource is on a list in the community's subtree. (Unit party organisations sit
     directly under the street in the tree, so in practice the agreement or the list ties them.)
   1 STREET — any other unit party organisation of the street.
   2 OUTSIDE — an outside unit (recorded by name, not in the tree).
2. Partners first: within a tier, a unit with an active agreement with the need's community
   overlapping the need's period (this only separates outside units; tier 0 includes it).
3. Coverage: more days of the need's period covered by the unit's fitting resources together.
4. More of it: the larger total quantity of the fitting resources.
5. Name, then id: a stable order for ties.

Queries: two (the fitting resources with their units, and the community's active agreements),
whatever the number of units, resources or needs; plus one for the need's community if it was
not loaded with the need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from core.tree import path_prefix_q, path_within
from orgchart.models import Organisation

from . import access
from .models import Agreement, AgreementStatus, Need, OutsideUnit, Resource

NEAR, STREET, OUTSIDE = 0, 1, 2


@dataclass
class Suggestion:
    """A unit whose resources fit a need, with why it ranks where it does."""

    unit: Organisation | OutsideUnit
    unit_key: tuple[str, int]
    tier: int = STREET
    partner: bool = False
    covered_days: int = 0
    quantity: int = 0
    resources: list[Resource] = field(default_factory=list)

    @property
    def is_outside(self) -> bool:
        return self.unit_key[0] == "outside"


def fitting_resources(need: Need):
    """Resources of the need's kind, listed in its street, available during its period."""
    street = need.community.path[: Organisation.steplen]
    return (
        Resource.objects.filter(
            path_prefix_q(street, "community__path"),
            kind=need.kind,
            available_from__lte=need.wanted_until,
        )
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=need.wanted_from))
        .filter(Q(unit_org__isnull=True) | Q(unit_org__closed_on__isnull=True))
        .select_related("unit_org", "outside_unit", "community")
        .order_by("pk")
    )


def _partner_keys(need: Need) -> set[tuple[str, int]]:
    rows = Agreement.objects.filter(
        community_id=need.community_id,
        status=AgreementStatus.ACTIVE,
        starts_on__lte=need.wanted_until,
        ends_on__gte=need.wanted_from,
    ).values_list("unit_org_id", "outside_unit_id")
    return {("org", org) if org else ("outside", outside) for org, outside in rows}


def _covered_days(need: Need, resources: list[Resource]) -> int:
    """Days of the need's period on which at least one of `resources` is available."""
    spans = sorted(
        (
            max(r.available_from, need.wanted_from),
            min(r.available_until or need.wanted_until, need.wanted_until),
        )
        for r in resources
    )
    days, reach = 0, need.wanted_from - dt.timedelta(days=1)
    for start, end in spans:
        start = max(start, reach + dt.timedelta(days=1))
        if end >= start:
            days += (end - start).days + 1
            reach = end
    return days


def _rank_key(s: Suggestion) -> tuple:
    return (s.tier, not s.partner, -s.covered_days, -s.quantity, str(s.unit), s.unit_key)


def suggest(need: Need) -> list[Suggestion]:
    """The units whose resources fit `need`, best first (the ranking in this module's docstring)."""
    community_path = need.community.path
    partners = _partner_keys(need)
    by_unit: dict[tuple[str, int], Suggestion] = {}
    for resource in fitting_resources(need):
        key = resource.unit_key
        suggestion = by_unit.get(key)
        if suggestion is None:
            suggestion = by_unit[key] = Suggestion(unit=resource.unit, unit_key=key, partner=key in partners)
            if key[0] == "outside":
                suggestion.tier = OUTSIDE
            elif suggestion.partner or path_within(resource.unit_org.path, (community_path,)):
                suggestion.tier = NEAR
        if key[0] == "org" and path_within(resource.community.path, (community_path,)):
            suggestion.tier = NEAR
        suggestion.resources.append(resource)
        suggestion.quantity += resource.quantity
    for suggestion in by_unit.values():
        suggestion.covered_days = _covered_days(need, suggestion.resources)
    return sorted(by_unit.values(), key=_rank_key)


def suggestions_for(need: Need, *, actor) -> list[Suggestion]:
    """`suggest`, for the need's community's (or the street's) post-holders only."""
    if actor is not None and not access.can_manage_need(actor, need):
        raise PermissionDenied(
            _("Only the post-holders of this community or of the street manage its co-building.")
        )
    return suggest(need)
