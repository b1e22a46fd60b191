"""Correcting a current registration (更正登记信息) instead of deregistering and registering again.

Officers of the resident's community (or the street) correct any detail: name, ID number, gender,
birth date, origin, mobile, category and its own fields, arrival date; always with a reason. A
landlord corrects their own current tenant's mobile only (they never read the full record, and the
other details are checked against the papers at the community office). The same checks as a new
registration (services._clean_registration), a changed ID number re-checked for a duplicate; one
history event (kind "corrected", which fields changed) and one audit row per correction; nothing
written on any refusal. Deregistered or purged registrations are not corrected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.masking import mask_id_number, mask_mobile
from orgchart.models import Gender

from . import access, audit
from .models import AuditAction, Category, EventKind, Resident, ResidentEvent
from .services import (
    Registration,
    _check_duplicate,
    _clean_registration,
    _lost_race_message,
    _text,
    _user,
)

# What may be corrected, in the order changes are listed.
FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "origin",
    "phone",
    "category",
    "joined_person",
    "relation",
    "school",
    "course",
    "arrived_on",
)
LANDLORD_FIELDS = frozenset({"phone"})
_CATEGORY_FIELDS = {Category.FAMILY: ("joined_person", "relation"), Category.STUDY: ("school", "course")}


def current_values(resident: Resident) -> dict:
    """The correctable details as they stand (the ID number decrypted: officers' forms only)."""
    return {field: getattr(resident, field) for field in FIELDS}


def _shown(field: str, value) -> str:
    """How a value is kept in the history: the ID number and mobile masked, dates as ISO."""
    if value in (None, ""):
        return ""
    if field == "id_number":
        return mask_id_number(value)
    if field == "phone":
        return mask_mobile(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if field == "category":
        return str(Category(value).label)
    if field == "gender":
        return str(Gender(value).label) if value in Gender.values else str(value)
    return str(value)


def _locked_current(resident: Resident) -> Resident:
    """The row, locked, still current: a deregistration or purge meanwhile ends the correction."""
    locked = (
        Resident.objects.select_for_update()
        .filter(pk=resident.pk, left_on__isnull=True, purged_at__isnull=True)
        .first()
    )
    if locked is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This registration has been deregistered; it can no longer be corrected.")}
        )
    return locked


def _check_arrival_against_moves(resident: Resident, arrived_on: dt.date | None, errors: dict) -> None:
    first_move = (
        resident.events.filter(kind=EventKind.MOVED)
        .order_by("happened_on")
        .values_list("happened_on", flat=True)
    ).first()
    if (
        arrived_on is not None
        and first_move is not None
        and arrived_on > first_move
        and "arrived_on" not in errors
    ):
        errors["arrived_on"] = _("The arrival date cannot be after a recorded move (%(day)s).") % {
            "day": first_move.isoformat()
        }


@transaction.atomic
def correct(actor, resident: Resident, changes: Mapping[str, object], reason: str) -> ResidentEvent:
    """Correct `resident`'s details: `changes` maps field names of FIELDS to new raw values (fields
    left out keep theirs). Returns the history event; raises PermissionDenied or ValidationError."""
    if not access.can_correct_phone(actor, resident):
        raise PermissionDenied(_("You may not correct this registration."))
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({NON_FIELD_ERRORS: _("These details cannot be corrected here.")})
    if not access.can_correct(actor, resident) and set(changes) - LANDLORD_FIELDS:
        raise PermissionDenied(
            _("A landlord may correct a tenant's mobile only; ask the community office for the rest.")
        )
    resident = _locked_current(resident)
    if not access.can_correct_phone(actor, resident):  # moved out of reach meanwhile
        raise PermissionDenied(_("You may not correct this registration."))
    before = current_values(resident)
    wanted = {**before, **changes}
    errors: dict = {}
    reason = _text(reason, 200)
    if not reason:
        errors["reason"] = _("Give the reason for the correction.")
    data = Registration(
        **{f: wanted[f] for f in FIELDS}, housing=resident.housing, over_beds_reason=resident.over_beds_reason
    )
    cleaned = _clean_registration(data, errors)
    _check_arrival_against_moves(resident, data.arrived_on, errors)
    after = {
        "name": cleaned.get("name"),
        "id_number": cleaned.get("id_number"),
        "gender": data.gender,
        "birth_date": data.birth_date,
        "origin": cleaned.get("origin"),
        "phone": cleaned.get("phone"),
        "category": data.category,
        "arrived_on": data.arrived_on,
    }
    for field in ("joined_person", "relation", "school", "course"):
        own = field in _CATEGORY_FIELDS.get(data.category, ())
        after[field] = cleaned.get(field, "") if own else ""
    changed = [f for f in FIELDS if (after[f] or "") != (before[f] or "")]
    if not errors and not changed:
        errors[NON_FIELD_ERRORS] = _("Nothing to correct: change at least one detail.")
    if "id_number" in changed and after["id_number"]:
        _check_duplicate(actor, after["id_number"], errors, exclude_pk=resident.pk)
    if errors:
        raise ValidationError(errors)
    for field in changed:
        if field == "id_number":
            resident.set_id_number(after["id_number"])
        else:
            setattr(resident, field, after[field])
    update_fields = [f for f in changed if f != "id_number"]
    if "id_number" in changed:
        update_fields += ["id_number_encrypted", "id_number_hash", "id_number_masked"]
    try:
        with transaction.atomic():
            resident.save(update_fields=update_fields)
    except IntegrityError as exc:  # the same person registered meanwhile under the new ID number
        raise ValidationError(
            {"id_number": _lost_race_message(actor, resident.id_number_hash, exclude_pk=resident.pk)}
        ) from exc
    event = ResidentEvent.objects.create(
        resident=resident,
        kind=EventKind.CORRECTED,
        happened_on=timezone.localdate(),
        actor=_user(actor),
        changes=[{"field": f, "old": _shown(f, before[f]), "new": _shown(f, after[f])} for f in changed],
        reason=reason,
    )
    audit.record(actor, AuditAction.CORRECT, resident=resident, detail=", ".join(changed) + f" · {reason}")
    return event
