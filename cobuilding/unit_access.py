"""Who speaks for a unit (共建单位): the one rule of the unit's own page and of the unit-side writes.

A login speaks for a unit when it is the unit's contact person (UnitContact) or holds a current
post in the unit party organisation itself (open, the holder not gone). `page_units` is the rule;
the page (views_unit), the unit-side services (unit_side.py, answers.py) and the API all call it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tree import paths_q
from orgchart import access as org_access
from orgchart.models import Organisation, OrgKind, Tenure, current_tenure_q

from .models import NeedAnswer, OutsideUnit, UnitContact


def _post_unit_ids(user) -> list[int]:
    """Unit party organisations (open) in which `user` holds a current post."""
    return list(
        Tenure.objects.filter(
            current_tenure_q(),
            member__user=user,
            member__left_on__isnull=True,
            post__organisation__kind=OrgKind.UNIT,
            post__organisation__closed_on__isnull=True,
        )
        .values_list("post__organisation_id", flat=True)
        .distinct()
    )


def page_units(user) -> tuple[list[Organisation | OutsideUnit], Q, Q]:
    """(the units `user` speaks for, Q on rows' unit side, Q on needs published to them)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return [], Q(pk__in=[]), Q(pk__in=[])
    contacts = list(
        UnitContact.objects.filter(user=user).select_related("unit_org", "outside_unit").order_by("pk")
    )
    org_ids = {c.unit_org_id for c in contacts if c.unit_org_id}
    outside_ids = {c.outside_unit_id for c in contacts if c.outside_unit_id}
    post_ids = set(_post_unit_ids(user)) - org_ids
    units: list[Organisation | OutsideUnit] = [c.unit for c in contacts]
    if post_ids:
        units += list(Organisation.objects.filter(pk__in=post_ids).order_by("path"))
        org_ids |= post_ids
    rows_q = Q(unit_org__in=org_ids) | Q(outside_unit__in=outside_ids)
    needs_q = Q(published_to_orgs__in=org_ids) | Q(published_to_outside__in=outside_ids)
    return units, rows_q, needs_q


def unit_key(unit: Organisation | OutsideUnit) -> tuple[str, int]:
    return ("outside", unit.pk) if isinstance(unit, OutsideUnit) else ("org", unit.pk)


def unit_value(unit: Organisation | OutsideUnit) -> str:
    """ "org-<id>" or "outside-<id>": one form and API value for either kind of unit."""
    kind, pk = unit_key(unit)
    return f"{kind}-{pk}"


def speaks_for(user, unit: Organisation | OutsideUnit | None, units: list | None = None) -> bool:
    """Whether `user` speaks for `unit` (`units`: page_units(user)[0], when already read)."""
    if unit is None:
        return False
    units = page_units(user)[0] if units is None else units
    return unit_key(unit) in {unit_key(u) for u in units}


def visible_answers(user) -> QuerySet[NeedAnswer]:
    """Answers to needs: all of those on the lists `user` manages (the community's post-holders,
    the street's), and their own units' answers (a unit side sees no other unit's answer)."""
    rows_q = page_units(user)[1]
    return NeedAnswer.objects.filter(
        paths_q(org_access.managed_paths(user), "need__community__path") | rows_q
    )
