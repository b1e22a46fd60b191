"""Who may see and run activities: orgchart's access rule applied to the organiser.

- Managers of the organiser organisation (a post in it or above: orgchart.access) manage the
  activity: edit, open, close, cancel, check people in, complete it.
- Everyone (signed in or not) sees published activities (every state but draft); drafts only
  their managers.
Team leaders' rights on their team's activities are added by volunteers.access, which knows teams.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tree import paths_q
from orgchart import access as org_access
from orgchart.models import Organisation

from .models import Activity, ActivityState


def can_manage_activity(user, activity: Activity) -> bool:
    return org_access.can_manage(user, activity.organiser)


def can_create_for(user, organisation) -> bool:
    return org_access.can_manage(user, organisation)


def managed_activities(user) -> QuerySet[Activity]:
    return Activity.objects.in_subtrees(org_access.managed_paths(user))


def visible_activities(user) -> QuerySet[Activity]:
    """Published activities, and drafts of the subtrees `user` manages."""
    q = ~Q(state=ActivityState.DRAFT)
    paths = org_access.managed_paths(user)
    if paths:
        q |= paths_q(paths, "organiser__path")
    return Activity.objects.filter(q)


# 三会一课 compliance and the street's requirements ------------------------------------------------


def can_view_compliance(user, organisation) -> bool:
    """The compliance of a subtree is read by those who manage it (secretaries and committees)."""
    return org_access.can_manage(user, organisation)


def compliance_roots(user) -> QuerySet:
    """The top organisations of the subtrees `user` manages (every street for a superuser)."""
    paths = org_access.managed_paths(user)
    if "" in paths:
        return Organisation.objects.filter(depth=1)
    return Organisation.objects.filter(path__in=paths)


def can_edit_requirements(user, street) -> bool:
    """A street's requirements are set by those who manage the whole street."""
    return street.depth == 1 and org_access.can_manage(user, street)
