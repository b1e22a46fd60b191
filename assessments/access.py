"""Who may do what with assessment cycles, written once for the admin, the API and the tasks.

- The street's post-holders (anyone holding a current post in the street party working
  committee, i.e. managing the street's whole tree) manage that street's cycles: settings,
  indicators, phase moves, answering objections. Superusers manage every street's.
- The holiday calendar is national: any street manager may edit it.
- Everyone else sees nothing here yet (a secretary's own scores and members' ratings come later).
Built on orgchart.access: holding a post in an organisation manages its subtree.
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.tree import path_within, paths_q
from orgchart import access as org_access
from orgchart.models import Organisation, OrgKind

from .models import AssessmentCycle


def _street_paths(user) -> tuple[str, ...]:
    """Managed paths that cover a whole street (the root level) or everything (""): the paths
    behind orgchart.access.is_street_manager."""
    return tuple(p for p in org_access.managed_paths(user) if len(p) <= Organisation.steplen)


def is_assessment_manager(user) -> bool:
    """Manages at least one street's assessment (the admin menu and listings)."""
    return org_access.is_street_manager(user)


def manageable_streets(user) -> QuerySet[Organisation]:
    """Streets whose cycles `user` manages."""
    return Organisation.objects.filter(paths_q(_street_paths(user), "path"), kind=OrgKind.STREET)


def manageable_cycles(user) -> QuerySet[AssessmentCycle]:
    """Cycles `user` sees and manages in full: those of the streets they hold a post in."""
    return AssessmentCycle.objects.filter(paths_q(_street_paths(user), "street__path"))


def can_manage_street(user, street: Organisation) -> bool:
    return street.kind == OrgKind.STREET and path_within(street.path, _street_paths(user))


def can_manage_cycle(user, cycle: AssessmentCycle) -> bool:
    return can_manage_street(user, cycle.street)


def can_edit_holidays(user) -> bool:
    return is_assessment_manager(user)
