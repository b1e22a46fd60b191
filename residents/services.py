"""Every change to a registration: register, move within the street, deregister, purge.

Each takes `actor`, checks it (residents.access), validates everything before writing, and writes
the row, its history event and one audit row in one transaction; a refusal is a ValidationError
(or PermissionDenied) with a Chinese message and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import normalise
from orgchart import crypto
from orgchart.validators import clean_id_number, clean_mobile, clean_name, validate_birth_date

from . import access, audit
from .models import AuditAction, Category, EventKind, Housing, Resident, ResidentEvent

TEXT_MAX = 100


@dataclass
class Registration:
    """What a registration form or the API hands over (raw text; cleaned here)."""

    name: str
    id_number: str
    gender: str
    birth_date: dt.date | None
    origin: str
    phone: str
    category: str
    arrived_on: dt.date | None
    housing: Housing
    joined_person: str = ""
    relation: str = ""
    school: str = ""
    course: str = ""
    over_beds_reason: str = ""


def _text(value: str | None, limit: int = TEXT_MAX) -> str:
    return normalise(value)[:limit]


def _tenant_count(housing: Housing) -> int:
    return Resident.objects.registered().filter(housing=housing).count()


def _check_beds(housing: Housing, reason: str, errors: dict, *, joining: int = 1) -> None:
    """定人定床: more registered tenants than beds only with a reason (flagged as 群租)."""
    if _tenant_count(housing) + joining > housing.beds and not reason:
        errors["over_beds_reason"] = _(
            "%(address)s has %(beds)s beds and %(tenants)s registered tenants: one more is more tenants "
            "than beds. Give the reason, or choose other housing."
        ) % {"address": housing.address, "beds": housing.beds, "tenants": _tenant_count(housing)}


def _check_arrival(arrived_on: dt.date | None, errors: dict) -> None:
    if arrived_on is None:
        errors["arrived_on"] = _("Give the arrival date.")
    elif arrived_on > timezone.localdate():
        errors["arrived_on"] = _("The arrival date cannot be in the future.")


def _clean_registration(data: Registration, errors: dict) -> dict:
    cleaned: dict = {}
    for field, clean in (("name", clean_name), ("phone", clean_mobile)):
        try:
            cleaned[field] = clean(getattr(data, field))
        except ValidationError as exc:
            errors[field] = exc.messages
    if not cleaned.get("name") and "name" not in errors:
        errors["name"] = _("Give the resident's full name.")
    if data.birth_date is None:
        errors["birth_date"] = _("Give the birth date.")
    else:
        try:
            validate_birth_date(data.birth_date)
        except ValidationError as exc:
            errors["birth_date"] = exc.messages
    try:
        cleaned["id_number"] = clean_id_number(data.id_number, data.birth_date)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    if data.gender not in ("male", "female"):
        errors["gender"] = _("Choose the gender.")
    if data.category not in Category.values:
        errors["category"] = _("Choose the category.")
    for field in ("origin", "joined_person", "relation", "school", "course", "over_beds_reason"):
        cleaned[field] = _text(getattr(data, field), 200 if field == "over_beds_reason" else TEXT_MAX)
    if not cleaned["origin"]:
        errors["origin"] = _("Give the place of origin.")
    if data.category == Category.FAMILY:
        if not cleaned["joined_person"]:
            errors["joined_person"] = _("Joining family: give the person joined.")
        if not cleaned["relation"]:
            errors["relation"] = _("Joining family: give the relation to the person joined.")
    if data.category == Category.STUDY:
        if not cleaned["school"]:
            errors["school"] = _("Study: give the school.")
        if not cleaned["course"]:
            errors["course"] = _("Study: give the course.")
    _check_arrival(data.arrived_on, errors)
    if (
        data.birth_date
        and data.arrived_on
        and data.arrived_on < data.birth_date
        and "arrived_on" not in errors
    ):
        errors["arrived_on"] = _("The arrival date cannot be before the birth date.")
    return cleaned


def _current_registration(id_hash: str, *, exclude_pk: int | None = None) -> Resident | None:
    """The current registration with this keyed hash of an ID number (another than `exclude_pk`)."""
    found = Resident.objects.registered().select_related("community").filter(id_number_hash=id_hash)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def _check_duplicate(actor, id_number: str, errors: dict, *, exclude_pk: int | None = None) -> None:
    existing = _current_registration(crypto.lookup_hash(id_number), exclude_pk=exclude_pk)
    if existing is not None:
        errors["id_number"] = _duplicate_message(actor, existing)


def _lost_race_message(actor, id_hash: str, *, exclude_pk: int | None = None) -> str:
    """The unique constraint refused the row: tell about the registration that won, if it stands."""
    existing = _current_registration(id_hash, exclude_pk=exclude_pk)
    if existing is not None:
        return _duplicate_message(actor, existing)
    return _("Someone registered this ID number at the same moment. Check the registrations and try again.")


def _duplicate_message(actor, existing: Resident) -> str:
    # Whether a person is registered, and where, is told only to those who may see them.
    if access.can_read_full_record(actor, existing):
        return _(
            "This person is already registered (arrived %(day)s, %(community)s). Deregister the earlier "
            "registration first, or move them."
        ) % {"day": existing.arrived_on.isoformat(), "community": existing.community.name}
    return _(
        "This person is already registered in the street. Ask the community office to deregister them first."
    )


@transaction.atomic
def register(actor, data: Registration) -> Resident:
    """Register a resident in `data.housing`: an officer of its community or its landlord."""
    if not access.can_register_in(actor, data.housing):
        raise PermissionDenied(_("You may not register tenants in this housing."))
    errors: dict = {}
    cleaned = _clean_registration(data, errors)
    Housing.objects.select_for_update().filter(pk=data.housing.pk).first()  # one registration at a time
    if "id_number" in cleaned:
        _check_duplicate(actor, cleaned["id_number"], errors)
    _check_beds(data.housing, cleaned.get("over_beds_reason", ""), errors)
    if errors:
        raise ValidationError(errors)
    resident = Resident(
        community_id=data.housing.community_id,
        housing=data.housing,
        name=cleaned["name"],
        gender=data.gender,
        birth_date=data.birth_date,
        origin=cleaned["origin"],
        phone=cleaned["phone"],
        category=data.category,
        joined_person=cleaned["joined_person"] if data.category == Category.FAMILY else "",
        relation=cleaned["relation"] if data.category == Category.FAMILY else "",
        school=cleaned["school"] if data.category == Category.STUDY else "",
        course=cleaned["course"] if data.category == Category.STUDY else "",
        arrived_on=data.arrived_on,
        address=data.housing.address,
        over_beds_reason=cleaned["over_beds_reason"],
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    resident.set_id_number(cleaned["id_number"])
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # a concurrent registration of the same person won the race
        raise ValidationError({"id_number": _lost_race_message(actor, resident.id_number_hash)}) from exc
    ResidentEvent.objects.create(
        resident=resident,
        kind=EventKind.REGISTERED,
        happened_on=data.arrived_on,
        to_housing=data.housing,
        actor=_user(actor),
    )
    audit.record(actor, AuditAction.REGISTER, resident=resident)
    return resident


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def move(
    actor, resident: Resident, housing: Housing, moved_on: dt.date | None, over_beds_reason: str = ""
) -> Resident:
    """Move a registered resident to other housing in the same street (an officer's act)."""
    if not access.can_move(actor, resident) or not access.is_officer_of(actor, housing.community):
        raise PermissionDenied(_("You may not move this resident there."))
    errors: dict = {}
    reason = _text(over_beds_reason, 200)
    if housing.pk == resident.housing_id:
        errors["housing"] = _("The resident already lives there.")
    if moved_on is None:
        errors["moved_on"] = _("Give the date of the move.")
    elif moved_on < resident.arrived_on:
        errors["moved_on"] = _("The move cannot be before the arrival date (%(day)s).") % {
            "day": resident.arrived_on.isoformat()
        }
    elif moved_on > timezone.localdate():
        errors["moved_on"] = _("The date of the move cannot be in the future.")
    Housing.objects.select_for_update().filter(pk=housing.pk).first()
    if "housing" not in errors:
        _check_beds(housing, reason, errors)
    if errors:
        raise ValidationError(errors)
    before = resident.housing
    community_before = resident.community
    resident.housing = housing
    resident.community_id = housing.community_id
    resident.address = housing.address
    resident.over_beds_reason = reason
    resident.save(update_fields=["housing", "community", "address", "over_beds_reason"])
    ResidentEvent.objects.create(
        resident=resident,
        kind=EventKind.MOVED,
        happened_on=moved_on,
        from_housing=before,
        to_housing=housing,
        actor=_user(actor),
    )
    audit.record(
        actor,
        AuditAction.MOVE,
        resident=resident,
        detail=f"{community_before.name} → {housing.community.name}",
    )
    return resident


@transaction.atomic
def deregister(actor, resident: Resident, left_on: dt.date | None, reason: str) -> Resident:
    """人走注销: an officer of the resident's community or the landlord of their housing."""
    if not access.can_deregister(actor, resident):
        raise PermissionDenied(_("You may not deregister this resident."))
    errors: dict = {}
    reason = _text(reason, 200)
    if left_on is None:
        errors["left_on"] = _("Give the departure date.")
    elif left_on < resident.arrived_on:
        errors["left_on"] = _("The departure date cannot be before the arrival date (%(day)s).") % {
            "day": resident.arrived_on.isoformat()
        }
    elif left_on > timezone.localdate():
        errors["left_on"] = _("The departure date cannot be in the future.")
    if not reason:
        errors["leave_reason"] = _("Give the reason for leaving.")
    if errors:
        raise ValidationError(errors)
    updated = Resident.objects.filter(pk=resident.pk, left_on__isnull=True).update(
        left_on=left_on, leave_reason=reason
    )
    if not updated:  # deregistered meanwhile by someone else
        raise ValidationError({"left_on": _("This resident has already been deregistered.")})
    resident.left_on, resident.leave_reason = left_on, reason
    ResidentEvent.objects.create(
        resident=resident,
        kind=EventKind.LEFT,
        happened_on=left_on,
        from_housing=resident.housing,
        actor=_user(actor),
    )
    audit.record(actor, AuditAction.LEAVE, resident=resident)
    return resident


# Retention ------------------------------------------------------------------------------------

PERSONAL_FIELDS = {
    "name": "",
    "id_number_encrypted": "",
    "id_number_hash": None,
    "id_number_masked": "",
    "gender": "",
    "birth_date": None,
    "origin": "",
    "phone": "",
    "joined_person": "",
    "relation": "",
    "school": "",
    "course": "",
    "address": "",
    "leave_reason": "",
    "over_beds_reason": "",
}


def purge_cutoff(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.RESIDENTS_RETENTION_DAYS)


@transaction.atomic
def purge_departed(today: dt.date | None = None) -> int:
    """Clear the personal fields of registrations deregistered more than RESIDENTS_RETENTION_DAYS
    ago; the rows stay (community, category, dates) so the figures keep their counts. Idempotent:
    a purged row is marked and never picked again. One audit row per community purged, holding
    that community and its count, so each community's officers see their own purges."""
    cutoff = purge_cutoff(today)
    due = Resident.objects.filter(left_on__lt=cutoff, purged_at__isnull=True)
    rows = list(due.select_for_update(skip_locked=True).values_list("pk", "community_id"))
    by_community: dict[int, list[int]] = {}
    for pk, community_id in rows:
        by_community.setdefault(community_id, []).append(pk)
    now = timezone.now()
    total = 0
    for community_id, ids in sorted(by_community.items()):
        count = Resident.objects.filter(pk__in=ids, purged_at__isnull=True).update(
            purged_at=now, **PERSONAL_FIELDS
        )
        if count:
            audit.record_purge(community_id, cutoff, count)
            total += count
    return total


# Housing and landlords live in residents.services_housing; imported here for older callers.
from .services_housing import add_housing, add_landlord  # noqa: E402, F401
