"""Who may see and change residents' registrations, written once (minimum access).

- Officers: holders of a current post in a street or community committee (orgchart's rule,
  managed_paths, kept to the street and community levels — a branch secretary is not an officer
  here). A community's officers see that community's residents and housing only; the street's see
  the whole street. They register, move, correct and deregister in those communities.
- A landlord (a Landlord row linked to the login) sees their own housing and its tenants, and
  registers and deregisters tenants of their own housing only; no one else's. They may correct
  their current tenants' mobile, nothing else (the rest is checked against papers at the office).
- Lists show residents masked (family name, masked ID number and mobile). The full record is read
  on its own page by an officer of the resident's community, and every such read is audited
  (residents.audit). A landlord never reads a full record.
- Exports and the audit trail: street officers only.
- Anyone else (members, volunteers, the anonymous) sees nothing.
Views, forms, the admin and exports all ask these functions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tree import path_within, paths_q
from orgchart import access as org_access
from orgchart.models import COMMUNITY_KINDS, Organisation, OrgKind

from .models import AuditEntry, Housing, Landlord, Resident

_OFFICER_DEPTH = 2  # the street (1) and its communities (2)
_LANDLORD_ATTR = "_residents_landlord"
_OFFICER_ATTR = "_residents_officer_paths"


def officer_paths(user) -> tuple[str, ...]:
    """Subtrees (a street or communities) whose residents `user` keeps; ("",) for a superuser.

    A post at a community's depth that is not a community's (a unit party committee directly
    under the street) does not count: one query, cached on the user."""
    paths = tuple(
        p for p in org_access.managed_paths(user) if len(p) <= _OFFICER_DEPTH * Organisation.steplen
    )
    if not paths or "" in paths:
        return paths
    cached = getattr(user, _OFFICER_ATTR, None)
    if cached is None or cached[0] != paths:
        kept = set(
            Organisation.objects.filter(path__in=paths)
            .filter(Q(kind=OrgKind.STREET) | Q(kind__in=COMMUNITY_KINDS))
            .values_list("path", flat=True)
        )
        cached = (paths, tuple(p for p in paths if p in kept))
        setattr(user, _OFFICER_ATTR, cached)
    return cached[1]


def is_officer(user) -> bool:
    return bool(officer_paths(user))


def is_street_officer(user) -> bool:
    return any(len(p) <= Organisation.steplen for p in officer_paths(user))


def landlord_for(user) -> Landlord | None:
    """The landlord row of `user`, if any (cached on the user: one query per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, _LANDLORD_ATTR):
        setattr(user, _LANDLORD_ATTR, Landlord.objects.filter(user=user).first())
    return getattr(user, _LANDLORD_ATTR)


def officer_communities(user) -> QuerySet[Organisation]:
    """Open communities `user` registers residents in."""
    return (
        Organisation.objects.open()
        .filter(paths_q(officer_paths(user), "path"))
        .filter(kind__in=COMMUNITY_KINDS, depth=_OFFICER_DEPTH)
    )


def figure_roots(user) -> QuerySet[Organisation]:
    """Streets and communities whose figures `user` may see."""
    return (
        Organisation.objects.open()
        .filter(paths_q(officer_paths(user), "path"))
        .filter(Q(kind=OrgKind.STREET) | Q(kind__in=COMMUNITY_KINDS, depth=_OFFICER_DEPTH))
    )


def visible_residents(user) -> QuerySet[Resident]:
    """Registrations `user` may list (masked): officers' communities, a landlord's current tenants
    (a tenant who left, or was moved to other housing, is no longer the landlord's to see)."""
    q = paths_q(officer_paths(user), "community__path")
    landlord = landlord_for(user)
    if landlord is not None:
        q |= Q(housing__landlord=landlord, left_on__isnull=True)
    return Resident.objects.filter(q)


def visible_housing(user) -> QuerySet[Housing]:
    q = paths_q(officer_paths(user), "community__path")
    landlord = landlord_for(user)
    if landlord is not None:
        q |= Q(landlord=landlord)
    return Housing.objects.filter(q)


def registrable_housing(user) -> QuerySet[Housing]:
    """Housing `user` may register tenants in: an officer's communities, a landlord's own."""
    return visible_housing(user)


def is_officer_of(user, community: Organisation) -> bool:
    return path_within(community.path, officer_paths(user))


def can_read_full_record(user, resident: Resident) -> bool:
    """The full record (unmasked): officers of the resident's community or the street."""
    return is_officer_of(user, resident.community)


def can_register_in(user, housing: Housing) -> bool:
    landlord = landlord_for(user)
    return is_officer_of(user, housing.community) or (
        landlord is not None and housing.landlord_id == landlord.pk
    )


def can_move(user, resident: Resident) -> bool:
    return resident.is_registered and is_officer_of(user, resident.community)


def _is_landlord_of(user, resident: Resident) -> bool:
    landlord = landlord_for(user)
    return (
        landlord is not None and resident.housing is not None and resident.housing.landlord_id == landlord.pk
    )


def can_deregister(user, resident: Resident) -> bool:
    if not resident.is_registered:
        return False
    return is_officer_of(user, resident.community) or _is_landlord_of(user, resident)


def can_correct(user, resident: Resident) -> bool:
    """Correct every detail of a current registration: officers of the resident's community."""
    return resident.is_registered and not resident.is_purged and is_officer_of(user, resident.community)


def can_correct_phone(user, resident: Resident) -> bool:
    """Correct the mobile only: also the landlord of a current tenant (who reads no full record)."""
    return can_correct(user, resident) or (
        resident.is_registered and not resident.is_purged and _is_landlord_of(user, resident)
    )


def can_export(user) -> bool:
    return is_street_officer(user)


def can_review_audit(user) -> bool:
    return is_street_officer(user)


def visible_audit(user) -> QuerySet[AuditEntry]:
    """Audit entries of the communities in the street(s) `user` keeps. Every row has a community
    (a purge run writes one row per community), so none is shown to another street."""
    if not can_review_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(paths_q(officer_paths(user), "community__path"))


def managed_landlords(user) -> QuerySet[Landlord]:
    """Landlords `user` records and edits, and whose logins they manage: officers of the
    landlord's community or the street (a landlord never manages their own row or login)."""
    return Landlord.objects.filter(paths_q(officer_paths(user), "community__path"))


def can_manage_landlord(user, landlord: Landlord) -> bool:
    return is_officer_of(user, landlord.community)


def can_edit_housing(user, housing: Housing) -> bool:
    """Address, rooms, beds and landlord of housing: officers of its community or the street."""
    return is_officer_of(user, housing.community)
