"""Who may see and change joint meetings and their decisions: cobuilding.access's rule applied to
them (kept apart from access.py so the meeting rows stay in one place).

- The meeting's community's post-holders (and the street's, by orgchart's rule) manage its
  meetings: create, record minutes and attendance, add decisions, mark any decision done.
- A unit taking part (by its agreement) sees the meeting and its decisions: the post-holders of
  its unit party organisation, and its contact persons with a login (UnitContact).
- A decision's owner marks it done: the owning login; for a unit, its post-holders and contacts.
Others see nothing (404); seeing without the right to act answers 403.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.tree import paths_q
from orgchart import access as org_access

from . import access
from .models import Decision, JointMeeting, MeetingUnit, OutsideUnit, UnitContact


def _managed_q(user, field: str) -> Q:
    return paths_q(org_access.managed_paths(user), field)


def _contact_q(user, org_field: str, outside_field: str) -> Q:
    """Rows whose unit (`org_field` / `outside_field`) `user` is a contact of."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    mine = UnitContact.objects.filter(user=user)
    return Q(**{f"{org_field}__in": mine.filter(unit_org__isnull=False).values("unit_org_id")}) | Q(
        **{f"{outside_field}__in": mine.filter(outside_unit__isnull=False).values("outside_unit_id")}
    )


def manageable_meetings(user) -> QuerySet[JointMeeting]:
    return JointMeeting.objects.filter(_managed_q(user, "community__path"))


def visible_meetings(user) -> QuerySet[JointMeeting]:
    """Managed meetings, and those a unit of `user` (post or contact) takes part in."""
    units = MeetingUnit.objects.filter(
        _managed_q(user, "agreement__unit_org__path")
        | _contact_q(user, "agreement__unit_org", "agreement__outside_unit")
    ).values("meeting_id")
    return JointMeeting.objects.filter(_managed_q(user, "community__path") | Q(pk__in=units))


def visible_decisions(user) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting__in=visible_meetings(user).values("pk"))


def can_manage_meeting(user, meeting: JointMeeting) -> bool:
    return access.can_manage_org(user, meeting.community)


def owns_decision(user, decision: Decision) -> bool:
    """`user` is the decision's owner: the owning login, or a post-holder / contact of the owning unit."""
    if user is None or not user.is_authenticated:
        return False
    if decision.owner_user_id is not None:
        return decision.owner_user_id == user.pk
    if decision.owner_unit_org_id is not None:
        if access.can_manage_org(user, decision.owner_unit_org):
            return True
        return UnitContact.objects.filter(user=user, unit_org_id=decision.owner_unit_org_id).exists()
    return UnitContact.objects.filter(user=user, outside_unit_id=decision.owner_outside_unit_id).exists()


def can_complete_decision(user, decision: Decision) -> bool:
    """The community's managers mark any decision done; an owner their own."""
    return can_manage_meeting(user, decision.meeting) or owns_decision(user, decision)


def owner_user_ids(decision: Decision) -> list[int]:
    """The logins answering for a decision: the owner, or the owning unit's post-holders and contacts."""
    if decision.owner_user_id is not None:
        return [decision.owner_user_id]
    if decision.owner_unit_org_id is not None:
        ids = set(org_access.manager_users(decision.owner_unit_org).values_list("pk", flat=True))
        contacts = UnitContact.objects.filter(unit_org_id=decision.owner_unit_org_id)
    else:
        ids = set()
        contacts = UnitContact.objects.filter(outside_unit_id=decision.owner_outside_unit_id)
    ids.update(contacts.values_list("user_id", flat=True))
    return sorted(ids)


def choosable_owner_users(meeting: JointMeeting) -> QuerySet:
    """Logins that may own a decision: the community's post-holders (and the street's), the
    participating unit party organisations' post-holders, the participating units' contacts."""
    from django.contrib.auth import get_user_model

    agreements = list(meeting.units.select_related("agreement__unit_org"))
    q = Q(pk__in=org_access.manager_users(meeting.community).values("pk"))
    for unit in agreements:
        if unit.agreement.unit_org is not None:
            q |= Q(pk__in=org_access.manager_users(unit.agreement.unit_org).values("pk"))
    contacts = UnitContact.objects.filter(
        Q(unit_org__in=[u.agreement.unit_org_id for u in agreements if u.agreement.unit_org_id])
        | Q(outside_unit__in=[u.agreement.outside_unit_id for u in agreements if u.agreement.outside_unit_id])
    )
    q |= Q(pk__in=contacts.values("user_id"))
    return get_user_model().objects.filter(q, is_active=True)


# The unit side ---------------------------------------------------------------------------------


def spoken_units(user) -> tuple[set[int], set[int]]:
    """(unit party organisation ids, outside unit ids) `user` speaks for: a unit's contact, or a
    current post in the unit party organisation itself — the unit page's rule
    (cobuilding.views_unit.page_units), so one rule says who speaks for a unit."""
    from .views_unit import page_units

    orgs: set[int] = set()
    outside: set[int] = set()
    for unit in page_units(user)[0]:
        (outside if isinstance(unit, OutsideUnit) else orgs).add(unit.pk)
    return orgs, outside


def unit_side_decisions(user, spoken: tuple[set[int], set[int]] | None = None) -> QuerySet[Decision]:
    """Decisions owned by a unit `user` speaks for (`spoken`, when the caller has it), or by
    `user` in person."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision.objects.none()
    orgs, outside = spoken if spoken is not None else spoken_units(user)
    return Decision.objects.filter(
        Q(owner_user=user) | Q(owner_unit_org__in=orgs) | Q(owner_outside_unit__in=outside)
    )


def unit_side_meeting_units(user, spoken: tuple[set[int], set[int]] | None = None) -> QuerySet[MeetingUnit]:
    """The places of the units `user` speaks for in joint meetings (their invitations)."""
    orgs, outside = spoken if spoken is not None else spoken_units(user)
    if not orgs and not outside:
        return MeetingUnit.objects.none()
    return MeetingUnit.objects.filter(
        Q(agreement__unit_org__in=orgs) | Q(agreement__outside_unit__in=outside)
    )


def unit_speaker_ids(units: list[MeetingUnit]) -> dict[int, set[int]]:
    """{meeting unit id: user ids speaking for it}: its contacts with a login, and the holders of a
    current post in its unit party organisation itself (two queries for any number of units)."""
    from orgchart.models import Tenure, current_tenure_q

    by_org: dict[int, list[int]] = {}
    by_outside: dict[int, list[int]] = {}
    for unit in units:
        if unit.agreement.unit_org_id:
            by_org.setdefault(unit.agreement.unit_org_id, []).append(unit.pk)
        else:
            by_outside.setdefault(unit.agreement.outside_unit_id, []).append(unit.pk)
    found: dict[int, set[int]] = {unit.pk: set() for unit in units}
    contacts = UnitContact.objects.filter(
        Q(unit_org__in=list(by_org)) | Q(outside_unit__in=list(by_outside)), user__is_active=True
    ).values_list("unit_org_id", "outside_unit_id", "user_id")
    for org_id, outside_id, user_id in contacts:
        for pk in by_org.get(org_id, []) if org_id else by_outside.get(outside_id, []):
            found[pk].add(user_id)
    posts = Tenure.objects.filter(
        current_tenure_q(),
        post__organisation_id__in=list(by_org),
        member__left_on__isnull=True,
        member__user__isnull=False,
        member__user__is_active=True,
    ).values_list("post__organisation_id", "member__user_id")
    for org_id, user_id in posts:
        for pk in by_org.get(org_id, []):
            found[pk].add(user_id)
    return found
