"""Who may see and act on help requests and the service catalogue: orgchart.access's one rule
(a post in an organisation manages its subtree) applied to them.

- A request answered by a community (HelpRequest.community) is seen and handled (accept, record
  progress, close) by that community's post-holders, and by the street's (the rule's subtree).
- A request in the street's queue (no community yet) is seen and assigned by the street's
  post-holders only.
- The requester with a login sees their own requests (and nothing to act on).
- The catalogue of a community is edited by its post-holders and the street's; street-wide series
  (on the street itself) by the street's only.
Others see nothing (404); seeing without the right to act answers 403.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tree import path_within, paths_q
from orgchart import access as org_access
from orgchart.models import COMMUNITY_KINDS, Organisation, OrgKind

from .access import is_officer
from .models_help import HelpRequest, ServiceArea, ServiceItem, ServiceSeries


def _staff_q(user) -> Q:
    paths = org_access.managed_paths(user)
    return paths_q(paths, "community__path") | (Q(community__isnull=True) & paths_q(paths, "street__path"))


def handled_requests(user) -> QuerySet[HelpRequest]:
    """Requests `user` answers for as staff: their communities' and, for the street, all."""
    return HelpRequest.objects.filter(_staff_q(user))


def is_help_staff(user) -> bool:
    """A post-holder of a street or a community (a branch below, or a unit party committee beside
    the communities, answers no help requests): residents.access's officers."""
    return is_officer(user)


def can_view(user, request: HelpRequest) -> bool:
    return can_staff(user, request) or (
        user is not None and user.is_authenticated and request.requester_user_id == user.pk
    )


def can_staff(user, request: HelpRequest) -> bool:
    """See the request as staff (its requester's phone masked, its steps, its actions)."""
    return org_access.can_manage(user, request.answering_organisation)


def can_handle(user, request: HelpRequest) -> bool:
    """Accept, record progress, close: the answering community's post-holders (and the street's)."""
    return request.community_id is not None and org_access.can_manage(user, request.community)


def can_assign(user, request: HelpRequest) -> bool:
    """Pass a request to a community: the street's post-holders."""
    return org_access.can_manage(user, request.street)


def is_street_of(user, street: Organisation) -> bool:
    return org_access.can_manage(user, street)


def communities_of(street: Organisation) -> QuerySet[Organisation]:
    """The communities directly under `street` (those that answer help requests)."""
    return Organisation.objects.filter(
        path__startswith=street.path, depth=street.depth + 1, kind__in=COMMUNITY_KINDS, closed_on__isnull=True
    )


def street_of(org: Organisation) -> Organisation:
    return org if org.depth == 1 else Organisation.objects.get(path=org.path[: Organisation.steplen])


def may_record_calls(user, street: Organisation | None = None) -> bool:
    """Record a help-line call: any post-holder of the street or one of its communities."""
    orgs = catalogue_organisations(user)
    if street is not None:
        orgs = orgs.filter(path__startswith=street.path)
    return orgs.exists()


def catalogue_organisations(user) -> QuerySet[Organisation]:
    """Streets and communities whose catalogue `user` edits (a street's items are street-wide)."""
    street_or_community = Q(depth=1, kind=OrgKind.STREET) | Q(depth=2, kind__in=COMMUNITY_KINDS)
    return org_access.manageable_organisations(user).filter(street_or_community, closed_on__isnull=True)


def can_edit_catalogue_of(user, org: Organisation) -> bool:
    return org_access.can_manage(user, org)


def manageable_series(user) -> QuerySet[ServiceSeries]:
    return ServiceSeries.objects.filter(paths_q(org_access.managed_paths(user), "organisation__path"))


def manageable_items(user) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(paths_q(org_access.managed_paths(user), "series__organisation__path"))


def manageable_areas(user) -> QuerySet[ServiceArea]:
    return ServiceArea.objects.filter(paths_q(org_access.managed_paths(user), "community__path"))


def within(org: Organisation, user) -> bool:
    return path_within(org.path, org_access.managed_paths(user))
