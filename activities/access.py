"""Who may see and run activities: orgchart's access rule applied to the organiser.

- Managers of the organiser organisation (a post in it or above: orgchart.access) manage the
  activity: edit, open, close, cancel, check people in, complete it.
- Who sees a published activity (every state but draft) follows who may take part, so that a
  refusal can say why and yet the public never learns when and where a branch meets:
  - open to anyone: everyone, signed in or not (the public pages and the public calendar feed);
  - for any party member: everyone signed in (a registered volunteer sees it and is told why not);
  - for the members of the organiser's subtree: every active member of the street — except
    organisation life (三会一课), which only the members whose branch lies in that subtree see.
  Managers of the organiser see all of theirs, drafts included.
- A recurring series is seen by the same rule applied to its own kind, eligibility and organiser
  (visible_series), which its future occurrences copy.
Team leaders' rights on their team's activities are added by volunteers.access, which knows teams.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tree import paths_q
from orgchart import access as org_access
from orgchart.models import Organisation

from .models import Activity, ActivityKind, ActivitySeries, ActivityState, Eligibility


def can_manage_activity(user, activity: Activity) -> bool:
    return org_access.can_manage(user, activity.organiser)


def can_create_for(user, organisation) -> bool:
    return org_access.can_manage(user, organisation)


def managed_activities(user) -> QuerySet[Activity]:
    return Activity.objects.in_subtrees(org_access.managed_paths(user))


def _visible_q(user, published: Q) -> Q:
    """Who sees what, over the fields an activity and a series share (kind, eligibility,
    organiser); `published` is what else a row must be for those who do not manage it."""
    q = published & Q(eligibility=Eligibility.ANYONE)
    if user is not None and user.is_authenticated:
        q |= published & Q(eligibility=Eligibility.MEMBERS)
        member = org_access.member_for(user)
        if member is not None and member.is_active:
            own_and_above = org_access.addressed_paths(user)
            subtree = published & Q(eligibility=Eligibility.SUBTREE)
            q |= subtree & ~Q(kind=ActivityKind.ORGANISATION_LIFE)
            q |= subtree & Q(kind=ActivityKind.ORGANISATION_LIFE, organiser__path__in=own_and_above)
    paths = org_access.managed_paths(user)
    if paths:
        q |= paths_q(paths, "organiser__path")
    return q


def visible_activities(user) -> QuerySet[Activity]:
    """The activities `user` may see: by eligibility (see the module's rule), and every activity,
    drafts included, of the subtrees they manage."""
    return Activity.objects.filter(_visible_q(user, ~Q(state=ActivityState.DRAFT)))


def visible_series(user) -> QuerySet[ActivitySeries]:
    """The recurring series `user` may see: by the same rule on the series' own kind, eligibility
    and organiser, which its future occurrences copy (a series page shows when and where they
    happen, so it is seen by who sees them); every series of the subtrees they manage."""
    return ActivitySeries.objects.filter(_visible_q(user, Q()))


def can_manage_series(user, series: ActivitySeries) -> bool:
    return org_access.can_manage(user, series.organiser)


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
