"""Who may see and change co-building rows, written once for services, the admin and the API.

Built on orgchart.access (holding a post in an organisation manages its subtree):
- A community's post-holders manage its agreements, resource, need and project lists and the
  report-ins to it; the street's post-holders manage everything under the street; superusers all.
- A unit party organisation's post-holders see (not change) the agreements and resources of
  their unit and the needs published to it.
- A unit's contact person with a login (UnitContact) sees their unit's agreements and resources
  and the needs published to their unit, nothing else, and changes nothing.
- A member sees and ends their own report-in; their home branch's post-holders see it, so the
  branch knows what its members do where they live.
Wrong person → PermissionDenied (403); rows outside what a user sees are simply not found (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tree import path_within, paths_q
from orgchart import access as org_access
from orgchart.models import COMMUNITY_KINDS, Member, MemberCategory, Organisation, OrgKind

from .models import Agreement, Need, OutsideUnit, Project, ReportIn, Resource, UnitContact


def can_manage_org(user, org: Organisation) -> bool:
    """Manages the community (or street) `org`: a post in it or above it."""
    return org_access.can_manage(user, org)


def is_cobuilding_manager(user) -> bool:
    """Manages at least one organisation (the admin menu shows the co-building lists)."""
    return org_access.is_manager(user)


def _managed_q(user, field: str) -> Q:
    return paths_q(org_access.managed_paths(user), field)


def _contact_units(user) -> tuple[QuerySet, QuerySet]:
    """(unit party organisation ids, outside unit ids) `user` is a contact of, as subqueries."""
    if user is None or not user.is_authenticated or not user.is_active:
        none = UnitContact.objects.none()
        return none.values("unit_org_id"), none.values("outside_unit_id")
    mine = UnitContact.objects.filter(user=user)
    return (
        mine.filter(unit_org__isnull=False).values("unit_org_id"),
        mine.filter(outside_unit__isnull=False).values("outside_unit_id"),
    )


def _unit_side_q(user) -> Q:
    """Rows of a unit `user` is a contact of."""
    orgs, outside = _contact_units(user)
    return Q(unit_org__in=orgs) | Q(outside_unit__in=outside)


def is_unit_contact(user) -> bool:
    return bool(user is not None and user.is_authenticated and UnitContact.objects.filter(user=user).exists())


# Outside units ---------------------------------------------------------------------------------


def manageable_outside_units(user) -> QuerySet[OutsideUnit]:
    return OutsideUnit.objects.filter(_managed_q(user, "organisation__path"))


def can_manage_outside_unit(user, unit: OutsideUnit) -> bool:
    return can_manage_org(user, unit.organisation)


# Agreements ------------------------------------------------------------------------------------


def manageable_agreements(user) -> QuerySet[Agreement]:
    return Agreement.objects.filter(_managed_q(user, "community__path"))


def visible_agreements(user) -> QuerySet[Agreement]:
    """Managed ones, those whose unit party organisation `user` holds a post in, and their
    unit's as a unit contact."""
    return Agreement.objects.filter(
        _managed_q(user, "community__path") | _managed_q(user, "unit_org__path") | _unit_side_q(user)
    )


def can_manage_agreement(user, agreement: Agreement) -> bool:
    return can_manage_org(user, agreement.community)


# The three lists -----------------------------------------------------------------------------


def manageable_resources(user) -> QuerySet[Resource]:
    return Resource.objects.filter(_managed_q(user, "community__path"))


def visible_resources(user) -> QuerySet[Resource]:
    return Resource.objects.filter(
        _managed_q(user, "community__path") | _managed_q(user, "unit_org__path") | _unit_side_q(user)
    )


def can_manage_resource(user, resource: Resource) -> bool:
    return can_manage_org(user, resource.community)


def manageable_needs(user) -> QuerySet[Need]:
    return Need.objects.filter(_managed_q(user, "community__path"))


def visible_needs(user) -> QuerySet[Need]:
    """Managed needs, and those published to a unit party organisation `user` holds a post in or
    to a unit `user` is a contact of."""
    orgs, outside = _contact_units(user)
    published = Need.published_to_orgs.through.objects.filter(
        _managed_q(user, "organisation__path") | Q(organisation_id__in=orgs)
    ).values("need_id")
    published_outside = Need.published_to_outside.through.objects.filter(outsideunit_id__in=outside).values(
        "need_id"
    )
    return Need.objects.filter(
        _managed_q(user, "community__path") | Q(pk__in=published) | Q(pk__in=published_outside)
    )


def can_manage_need(user, need: Need) -> bool:
    return can_manage_org(user, need.community)


def manageable_projects(user) -> QuerySet[Project]:
    return Project.objects.filter(_managed_q(user, "need__community__path"))


def can_manage_project(user, project: Project) -> bool:
    return can_manage_need(user, project.need)


# Report-ins (双报到) ---------------------------------------------------------------------------


def manageable_report_ins(user) -> QuerySet[ReportIn]:
    """Report-ins to communities `user` manages."""
    return ReportIn.objects.filter(_managed_q(user, "community__path"))


def visible_report_ins(user) -> QuerySet[ReportIn]:
    """Report-ins to managed communities, of members of managed (home) branches, and one's own."""
    q = _managed_q(user, "community__path") | _managed_q(user, "member__organisation__path")
    if user is not None and user.is_authenticated:
        q |= Q(member__user=user)
    return ReportIn.objects.filter(q)


def is_own_member(user, member: Member) -> bool:
    return user is not None and user.is_authenticated and member.user_id == user.pk


def can_report_in(user, member: Member, community: Organisation) -> bool:
    """The member themself, or the residence community's post-holders, create a report-in."""
    return is_own_member(user, member) or can_manage_org(user, community)


def can_end_report_in(user, report_in: ReportIn) -> bool:
    """The member, the residence community or the home branch's post-holders end it (a move)."""
    return (
        is_own_member(user, report_in.member)
        or can_manage_org(user, report_in.community)
        or path_within(report_in.member.organisation.path, org_access.managed_paths(user))
    )


# Choices offered on forms ----------------------------------------------------------------------


def _street_paths(user) -> tuple[str, ...]:
    """The streets in which `user` manages something ("" for everything)."""
    return tuple({path[: Organisation.steplen] for path in org_access.managed_paths(user)})


def choosable_communities(user) -> QuerySet[Organisation]:
    """Communities (directly under a street) and streets `user` manages: whose lists they keep."""
    return (
        org_access.manageable_organisations(user)
        .open()
        .filter(Q(kind=OrgKind.STREET) | Q(kind__in=COMMUNITY_KINDS, depth=2))
    )


def choosable_unit_orgs(user) -> QuerySet[Organisation]:
    """Open unit party organisations of the streets `user` manages something in."""
    return Organisation.objects.open().filter(paths_q(_street_paths(user), "path"), kind=OrgKind.UNIT)


def choosable_outside_units(user) -> QuerySet[OutsideUnit]:
    """Outside units recorded in the streets `user` manages something in."""
    return OutsideUnit.objects.filter(paths_q(_street_paths(user), "organisation__path"))


def choosable_report_in_members(user) -> QuerySet[Member]:
    """Employed members `user` may see (orgchart's rule), active: whom they may report in."""
    return org_access.visible_members(user).active().filter(category=MemberCategory.EMPLOYED)
