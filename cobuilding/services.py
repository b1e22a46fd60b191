"""Every change to co-building rows: outside units, agreements, resources, needs, projects and
report-ins (双报到).

Each function takes `actor` and checks it (cobuilding.access); None means the system (a task, the
demo). Bad input is refused with a ValidationError carrying a message for the user (English msgid,
Chinese in the catalogue) and a `code` tests and the API can rely on; nothing is written then.

No two active agreements of one pair (community, unit) overlap in time: the check runs with the
community's row locked, so two secretaries activating at once are served one after the other;
on PostgreSQL an exclusion constraint (migration 0001) backs it, and its IntegrityError is turned
into the same message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ids import is_storable_id
from core.text import normalise
from core.tree import path_prefix_q
from orgchart.models import COMMUNITY_KINDS, Member, MemberCategory, Organisation, OrgKind

from . import access
from .models import (
    Agreement,
    AgreementStatus,
    Need,
    NeedStatus,
    OutsideUnit,
    Project,
    ProjectStatus,
    ReportIn,
    Resource,
    ResourceKind,
    UnitContact,
)

PHONE_RE = re.compile(r"^[0-9][0-9-]{5,18}[0-9]$")
TEXT_MAX = 2000


# Shared checks ---------------------------------------------------------------------------------


def _street_path(org: Organisation) -> str:
    return org.path[: Organisation.steplen]


def _invalid(message: str, code: str, field: str | None = None) -> ValidationError:
    """A refusal with a code; on `field` when given (a form shows it by the field)."""
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def _check(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _check_manager(actor, org: Organisation) -> None:
    if actor is not None:
        _check(
            access.can_manage_org(actor, org),
            _("Only the post-holders of this community or of the street manage its co-building."),
        )


def clean_community(org: Organisation | None, field: str = "community") -> Organisation:
    """A community party organisation directly under the street, or the street itself; open."""
    if org is None:
        raise _invalid(_("Choose a community or the street."), "community_missing", field)
    is_street = org.kind == OrgKind.STREET
    is_community = org.kind in COMMUNITY_KINDS and org.depth == 2
    if not (is_street or is_community):
        raise _invalid(
            _("Choose a community party organisation or the street committee."), "not_community", field
        )
    if org.is_closed:
        raise _invalid(_("This organisation is closed."), "closed", field)
    return org


def clean_phone(value: str | None, field: str) -> str:
    """A phone normalised (full-width digits become ASCII): digits and hyphens, 7–20 characters."""
    value = normalise(value)
    if value and not PHONE_RE.match(value):
        raise _invalid(
            _("A phone number is 7 to 20 digits, hyphens allowed, e.g. 021-55551234."), "phone", field
        )
    return value


def clean_text(value: str | None, field: str, *, required: bool = False, max_length: int = TEXT_MAX) -> str:
    value = normalise(value)
    if required and not value:
        raise _invalid(_("This field is required."), "required", field)
    if len(value) > max_length:
        raise _invalid(_("At most %(n)d characters.") % {"n": max_length}, "too_long", field)
    return value


def clean_unit(
    community: Organisation, unit_org: Organisation | None, outside_unit: OutsideUnit | None
) -> tuple[Organisation | None, OutsideUnit | None]:
    """Exactly one unit: a unit party organisation or an outside unit, in the community's street."""
    if (unit_org is None) == (outside_unit is None):
        raise ValidationError(
            _("Choose either a unit party organisation or an outside unit, not both and not neither."),
            code="one_unit",
        )
    street = _street_path(community)
    if unit_org is not None:
        if unit_org.kind != OrgKind.UNIT:
            raise _invalid(_("Choose a unit party organisation."), "not_unit", "unit_org")
        if unit_org.is_closed:
            raise _invalid(_("This organisation is closed."), "closed", "unit_org")
        if _street_path(unit_org) != street:
            raise _invalid(_("The unit belongs to another street."), "other_street", "unit_org")
    else:
        if _street_path(outside_unit.organisation) != street:
            raise _invalid(_("The unit belongs to another street."), "other_street", "outside_unit")
    return unit_org, outside_unit


def _lock(model, pk: int):
    """Lock a row for the rest of the transaction (a no-op on SQLite, which locks the database)."""
    return model.objects.select_for_update().get(pk=pk)


# Outside units -----------------------------------------------------------------------------------


@transaction.atomic
def record_outside_unit(
    *,
    actor,
    organisation: Organisation,
    name: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> OutsideUnit:
    """Record a unit outside the tree, kept by `organisation` (a community or the street)."""
    clean_community(organisation, "organisation")
    _check_manager(actor, organisation)
    name = clean_text(name, "name", required=True, max_length=100)
    if OutsideUnit.objects.filter(organisation=organisation, name=name).exists():
        raise _invalid(_("A unit of this name is already recorded here."), "duplicate", "name")
    return OutsideUnit.objects.create(
        organisation=organisation,
        name=name,
        address=clean_text(address, "address", max_length=200),
        contact_name=clean_text(contact_name, "contact_name", max_length=50),
        contact_phone=clean_phone(contact_phone, "contact_phone"),
    )


# Agreements --------------------------------------------------------------------------------------


def _overlap_error() -> ValidationError:
    return ValidationError(
        _("This community and this unit already have an active agreement overlapping this term."),
        code="overlap",
    )


def _check_no_overlap(agreement: Agreement) -> None:
    """Refuse an active agreement whose term overlaps another active one of the same pair."""
    clash = (
        Agreement.objects.active()
        .filter(
            community_id=agreement.community_id,
            unit_org_id=agreement.unit_org_id,
            outside_unit_id=agreement.outside_unit_id,
            starts_on__lte=agreement.ends_on,
            ends_on__gte=agreement.starts_on,
        )
        .exclude(pk=agreement.pk)
    )
    if clash.exists():
        raise _overlap_error()


def _save_active(agreement: Agreement) -> None:
    """Save under the community's lock, after the overlap check; the PostgreSQL constraint's
    refusal (a race the lock did not serialise) becomes the same message."""
    _lock(Organisation, agreement.community_id)
    if agreement.status == AgreementStatus.ACTIVE:
        _check_no_overlap(agreement)
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as exc:
        if "cobuilding_agreement_no_overlap" in str(exc):
            raise _overlap_error() from exc
        raise


@transaction.atomic
def create_agreement(
    *,
    actor,
    community: Organisation,
    starts_on: dt.date,
    ends_on: dt.date,
    unit_org: Organisation | None = None,
    outside_unit: OutsideUnit | None = None,
    signed_on: dt.date | None = None,
    community_contact: str = "",
    community_contact_phone: str = "",
    unit_contact: str = "",
    unit_contact_phone: str = "",
    content: str = "",
    status: str = AgreementStatus.DRAFT,
) -> Agreement:
    """A co-building agreement, in draft or active; an active one may not overlap another of the pair."""
    clean_community(community)
    _check_manager(actor, community)
    unit_org, outside_unit = clean_unit(community, unit_org, outside_unit)
    if status not in (AgreementStatus.DRAFT, AgreementStatus.ACTIVE):
        raise _invalid(_("A new agreement is a draft or active."), "status", "status")
    if starts_on is None or ends_on is None:
        raise ValidationError(_("An agreement needs a start and an end date."), code="term_missing")
    if ends_on < starts_on:
        raise _invalid(_("The term cannot end before it starts."), "term_order", "ends_on")
    if signed_on is not None and signed_on > timezone.localdate():
        raise _invalid(_("The signing date cannot be in the future."), "signed_future", "signed_on")
    agreement = Agreement(
        community=community,
        unit_org=unit_org,
        outside_unit=outside_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        community_contact=clean_text(community_contact, "community_contact", max_length=50),
        community_contact_phone=clean_phone(community_contact_phone, "community_contact_phone"),
        unit_contact=clean_text(unit_contact, "unit_contact", max_length=50),
        unit_contact_phone=clean_phone(unit_contact_phone, "unit_contact_phone"),
        content=clean_text(content, "content"),
        status=status,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _save_active(agreement)
    return agreement


@transaction.atomic
def activate_agreement(agreement: Agreement, *, actor) -> Agreement:
    """Draft → active, if no active agreement of the pair overlaps its term."""
    _check_manager(actor, agreement.community)
    fresh = _lock(Agreement, agreement.pk)
    if fresh.status != AgreementStatus.DRAFT:
        raise ValidationError(_("Only a draft agreement can be put in force."), code="not_draft")
    fresh.status = AgreementStatus.ACTIVE
    _save_active(fresh)
    return fresh


@transaction.atomic
def end_agreement(agreement: Agreement, *, actor, ended_on: dt.date | None = None) -> Agreement:
    """End an agreement, early if `ended_on` (today by default) falls before its term's end."""
    _check_manager(actor, agreement.community)
    fresh = _lock(Agreement, agreement.pk)
    if fresh.status == AgreementStatus.ENDED:
        raise ValidationError(_("This agreement has already ended."), code="already_ended")
    ended_on = ended_on or timezone.localdate()
    if ended_on < fresh.starts_on:
        raise _invalid(_("An agreement cannot end before its term starts."), "term_order", "ends_on")
    fresh.ends_on = min(fresh.ends_on, ended_on)
    fresh.status = AgreementStatus.ENDED
    fresh.save(update_fields=["ends_on", "status", "updated_at"])
    return fresh


# Resources and needs -----------------------------------------------------------------------------


def clean_kind(kind: str | None) -> str:
    kind = normalise(kind)
    if not kind:
        raise _invalid(_("Say what kind of resource this is."), "kind_missing", "kind")
    if kind not in ResourceKind.values:
        raise _invalid(_("Unknown kind of resource."), "kind_unknown", "kind")
    return kind


@transaction.atomic
def add_resource(
    *,
    actor,
    community: Organisation,
    kind: str,
    available_from: dt.date,
    unit_org: Organisation | None = None,
    outside_unit: OutsideUnit | None = None,
    description: str = "",
    quantity: int = 1,
    available_until: dt.date | None = None,
) -> Resource:
    """An entry on the community's resource list (资源清单): what a unit offers, how much, when."""
    clean_community(community)
    _check_manager(actor, community)
    kind = clean_kind(kind)
    unit_org, outside_unit = clean_unit(community, unit_org, outside_unit)
    if available_from is None:
        raise _invalid(_("Say from when it is available."), "window_missing", "available_from")
    if available_until is not None and available_until < available_from:
        raise _invalid(_("Availability cannot end before it starts."), "window_order", "available_until")
    if quantity is None or int(quantity) < 1:
        raise _invalid(_("The quantity is at least 1."), "quantity", "quantity")
    return Resource.objects.create(
        community=community,
        unit_org=unit_org,
        outside_unit=outside_unit,
        kind=kind,
        description=clean_text(description, "description"),
        quantity=int(quantity),
        available_from=available_from,
        available_until=available_until,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def add_need(
    *,
    actor,
    community: Organisation,
    kind: str | None,
    description: str,
    wanted_from: dt.date,
    wanted_until: dt.date,
    published_to: Iterable[Organisation | OutsideUnit] = (),
) -> Need:
    """An entry on the community's need list (需求清单), published to the units given."""
    clean_community(community)
    _check_manager(actor, community)
    if not normalise(kind):
        raise _invalid(_("A need must say what kind of help it asks for."), "kind_missing", "kind")
    kind = clean_kind(kind)
    description = clean_text(description, "description", required=True)
    if wanted_from is None or wanted_until is None:
        raise ValidationError(_("Say from when to when the help is wanted."), code="window_missing")
    if wanted_until < wanted_from:
        raise _invalid(_("The period cannot end before it starts."), "window_order", "wanted_until")
    orgs, outside = [], []
    for unit in published_to:
        if isinstance(unit, OutsideUnit):
            clean_unit(community, None, unit)
            outside.append(unit)
        else:
            clean_unit(community, unit, None)
            orgs.append(unit)
    need = Need.objects.create(
        community=community,
        kind=kind,
        description=description,
        wanted_from=wanted_from,
        wanted_until=wanted_until,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    need.published_to_orgs.set(orgs)
    need.published_to_outside.set(outside)
    return need


# Projects ----------------------------------------------------------------------------------------


def resource_fits(resource: Resource, need: Need) -> bool:
    """Same kind, and available for at least a day of the need's period."""
    return (
        resource.kind == need.kind
        and resource.available_from <= need.wanted_until
        and (resource.available_until is None or resource.available_until >= need.wanted_from)
    )


@transaction.atomic
def make_project_from_match(
    need: Need, resources: Iterable[Resource | int], *, actor, title: str = ""
) -> Project:
    """Turn a match into a project in one step: the need's project with the resources chosen;
    the need counts as met from then on. Each resource must fit the need and sit in its street."""
    _check_manager(actor, need.community)
    fresh = _lock(Need, need.pk)
    if fresh.status != NeedStatus.OPEN:
        raise ValidationError(_("This need is no longer open."), code="need_not_open")
    ids = {r.pk if isinstance(r, Resource) else int(r) for r in resources}
    if not ids:
        raise _invalid(_("Choose at least one resource."), "no_resources", "resources")
    if not all(is_storable_id(pk) for pk in ids):
        raise _invalid(_("A resource chosen does not exist."), "unknown_resource", "resources")
    street = _street_path(fresh.community)
    chosen = list(
        Resource.objects.filter(path_prefix_q(street, "community__path"), pk__in=ids).select_related(
            "unit_org", "outside_unit"
        )
    )
    if len(chosen) != len(ids):
        raise _invalid(_("A resource chosen does not exist."), "unknown_resource", "resources")
    unfit = [r for r in chosen if not resource_fits(r, fresh)]
    if unfit:
        raise _invalid(
            _("A resource chosen does not fit this need (kind or time)."), "unfit_resource", "resources"
        )
    title = (
        clean_text(title, "title", max_length=200) or f"{fresh.get_kind_display()}：{fresh.description[:60]}"
    )
    project = Project.objects.create(
        need=fresh,
        title=title,
        status=ProjectStatus.PLANNED,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    project.resources.set(chosen)
    fresh.status = NeedStatus.MET
    fresh.save(update_fields=["status"])
    return project


@transaction.atomic
def update_project(project: Project, *, actor, status: str, outcome: str = "") -> Project:
    """Move a project on (planned → running → done, or cancelled) and record its outcome."""
    _check_manager(actor, project.need.community)
    fresh = _lock(Project, project.pk)
    if status not in ProjectStatus.values:
        raise _invalid(_("Unknown project status."), "status", "status")
    if fresh.status in (ProjectStatus.DONE, ProjectStatus.CANCELLED) and status != fresh.status:
        raise ValidationError(_("A finished project does not change status."), code="finished")
    fresh.status = status
    fresh.outcome = clean_text(outcome, "outcome") or fresh.outcome
    fresh.save(update_fields=["status", "outcome", "updated_at"])
    if (
        status == ProjectStatus.CANCELLED
        and not fresh.need.projects.exclude(status=ProjectStatus.CANCELLED).exists()
    ):
        Need.objects.filter(pk=fresh.need_id, status=NeedStatus.MET).update(status=NeedStatus.OPEN)
    return fresh


# Report-ins (双报到) -----------------------------------------------------------------------------


@transaction.atomic
def report_in(
    *,
    actor,
    member: Member,
    community: Organisation,
    reported_on: dt.date | None = None,
    skills: str = "",
) -> ReportIn:
    """An employed member reports in to the community where they live (by themself or the community).

    Refused for a member of another category (managed where they live already), for one who left
    the street, and while an earlier report-in is still open.
    """
    if community is None or community.kind not in COMMUNITY_KINDS or community.depth != 2:
        raise _invalid(
            _("Members report in to a community party organisation."), "not_community", "community"
        )
    if community.is_closed:
        raise _invalid(_("This organisation is closed."), "closed", "community")
    if actor is not None:
        _check(
            access.can_report_in(actor, member, community),
            _("Only the member or the community's post-holders record a report-in."),
        )
    fresh = _lock(Member, member.pk)
    if fresh.category != MemberCategory.EMPLOYED:
        raise ValidationError(
            _(
                "Only employed members report in to the community where they live; "
                "this member is managed there already."
            ),
            code="not_employed",
        )
    if not fresh.is_active:
        raise ValidationError(_("This member has left the street."), code="member_left")
    if _street_path(fresh.organisation) != _street_path(community):
        raise _invalid(_("The community belongs to another street."), "other_street", "community")
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise _invalid(_("The date cannot be in the future."), "future", "reported_on")
    current = ReportIn.objects.current().filter(member=fresh).select_related("community").first()
    if current is not None:
        raise ValidationError(
            _("This member has already reported in to %(community)s; end that report-in first.")
            % {"community": current.community.name},
            code="already_reported_in",
        )
    return ReportIn.objects.create(
        member=fresh,
        community=community,
        reported_on=reported_on,
        skills=clean_text(skills, "skills", max_length=200),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def end_report_in(report: ReportIn, *, actor, ended_on: dt.date | None = None) -> ReportIn:
    """End a report-in (the member moved): by the member, the community or the home branch."""
    if actor is not None:
        _check(
            access.can_end_report_in(actor, report),
            _("Only the member, the community or the member's branch end a report-in."),
        )
    fresh = _lock(ReportIn, report.pk)
    if fresh.ended_on is not None:
        raise ValidationError(_("This report-in has already ended."), code="already_ended")
    ended_on = ended_on or timezone.localdate()
    if ended_on < fresh.reported_on:
        raise _invalid(_("A report-in cannot end before it started."), "end_order", "ended_on")
    if ended_on > timezone.localdate():
        raise _invalid(_("The date cannot be in the future."), "future", "ended_on")
    fresh.ended_on = ended_on
    fresh.save(update_fields=["ended_on"])
    return fresh


# Unit contacts -----------------------------------------------------------------------------------


def _check_unit_manager(actor, unit_org: Organisation | None, outside_unit: OutsideUnit | None) -> None:
    """A tree unit's post-holders (or the street's), or the keeper of an outside unit's record."""
    if actor is None:
        return
    org = unit_org if unit_org is not None else outside_unit.organisation
    _check(
        access.can_manage_org(actor, org),
        _("Only the unit's or the street's post-holders name its contacts."),
    )


@transaction.atomic
def add_unit_contact(
    *, actor, user, unit_org: Organisation | None = None, outside_unit: OutsideUnit | None = None
) -> UnitContact:
    """Let `user` (a login) see their unit's co-building rows as its contact person."""
    if (unit_org is None) == (outside_unit is None):
        raise _invalid(
            _("Choose either a unit party organisation or an outside unit, not both and not neither."),
            "one_unit",
        )
    if unit_org is not None and unit_org.kind != OrgKind.UNIT:
        raise _invalid(_("Choose a unit party organisation."), "not_unit", "unit_org")
    _check_unit_manager(actor, unit_org, outside_unit)
    if user is None or not user.is_active:
        raise _invalid(_("Choose an active user account."), "user", "user")
    contact, _created = UnitContact.objects.get_or_create(
        user=user, unit_org=unit_org, outside_unit=outside_unit
    )
    return contact


@transaction.atomic
def remove_unit_contact(contact: UnitContact, *, actor) -> None:
    """The contact person changed: their login sees the unit's rows no more."""
    _check_unit_manager(actor, contact.unit_org, contact.outside_unit)
    UnitContact.objects.filter(pk=contact.pk).delete()
