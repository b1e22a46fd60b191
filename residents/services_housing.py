"""Landlords, their logins and rented housing: record, edit, and the landlord's login actions.

Officers of the landlord's (housing's) community or the street act here (residents.access); a
landlord never edits their own row, housing or beds. Each function checks `actor`, validates
everything before writing and writes one audit row (old → new values; phones masked, never an ID
number) in the same transaction; a refusal is a ValidationError per field or PermissionDenied and
writes nothing. A landlord's login is created new (orgchart.services.new_login: the members'
checks), never linked to an existing one, so no answer tells whether a login exists beyond "this
user name is already taken".
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.masking import mask_mobile
from core.text import normalise
from orgchart.models import Member, Organisation
from orgchart.services import change_password, new_login, set_login_active
from orgchart.validators import clean_mobile, clean_name

from . import access, audit
from .models import AuditAction, Housing, Landlord, Resident

NAME_MAX = 50
ADDRESS_MAX = 200
REASON_MAX = 200


def _text(value: str | None, limit: int) -> str:
    return normalise(value)[:limit]


def _changes(model: type[models.Model], pairs: list[tuple[str, object, object]]) -> str:
    """`field: old → new` for each (field, old, new) that changed, labelled as the model labels it."""
    return "; ".join(
        f"{model._meta.get_field(field).verbose_name}: {old} → {new}"
        for field, old, new in pairs
        if old != new
    )


def _clean_landlord(name: str, phone: str, errors: dict) -> dict:
    cleaned: dict = {}
    for field, clean, value in (("name", clean_name, name), ("phone", clean_mobile, phone)):
        try:
            cleaned[field] = clean(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if "name" not in errors:
        if not cleaned.get("name"):
            errors["name"] = _("Give the landlord's name.")
        elif len(cleaned["name"]) > NAME_MAX:
            errors["name"] = _("A name has at most %(max)d characters.") % {"max": NAME_MAX}
    return cleaned


def _require_landlord_manager(actor, landlord: Landlord) -> None:
    if not access.can_manage_landlord(actor, landlord):
        raise PermissionDenied(_("You may not manage landlords of this community."))


def _locked_landlord(landlord: Landlord) -> Landlord:
    return (
        Landlord.objects.select_for_update(of=("self",))
        .select_related("community", "user")
        .get(pk=landlord.pk)
    )


# Landlords ------------------------------------------------------------------------------------


@transaction.atomic
def add_landlord(
    actor, community: Organisation, name: str, phone: str, *, username: str = "", password: str = ""
) -> Landlord:
    """Record a landlord of `community` (an officer's act); a user name creates their login."""
    if not access.is_officer_of(actor, community):
        raise PermissionDenied(_("You may not record landlords in this community."))
    errors: dict = {}
    cleaned = _clean_landlord(name, phone, errors)
    username = (username or "").strip()
    if password and not username:
        errors["username"] = _("Give a user name with the password, or leave both empty.")
    if errors:
        raise ValidationError(errors)
    landlord = Landlord.objects.create(community=community, name=cleaned["name"], phone=cleaned["phone"])
    audit.record(
        actor, AuditAction.LANDLORD, community=community, detail=f"{landlord.name} {landlord.masked_phone}"
    )
    if username:
        _create_login(actor, landlord, username, password)
    return landlord


@transaction.atomic
def update_landlord(actor, landlord: Landlord, name: str, phone: str) -> Landlord:
    """Change a landlord's name and contact phone; one audit row with old → new (phones masked)."""
    _require_landlord_manager(actor, landlord)
    landlord = _locked_landlord(landlord)
    errors: dict = {}
    cleaned = _clean_landlord(name, phone, errors)
    if errors:
        raise ValidationError(errors)
    if (landlord.name, landlord.phone) == (cleaned["name"], cleaned["phone"]):
        return landlord
    detail = _changes(Landlord, [("name", landlord.name, cleaned["name"])])
    if landlord.phone != cleaned["phone"]:  # masked: the audit trail is no copy of the numbers
        label = Landlord._meta.get_field("phone").verbose_name
        changed_phone = f"{label}: {landlord.masked_phone} → {mask_mobile(cleaned['phone'])}"
        detail = f"{detail}; {changed_phone}" if detail else changed_phone
    landlord.name, landlord.phone = cleaned["name"], cleaned["phone"]
    landlord.save(update_fields=["name", "phone"])
    audit.record(actor, AuditAction.LANDLORD, community=landlord.community, detail=detail)
    return landlord


def _create_login(actor, landlord: Landlord, username: str, password: str) -> AbstractBaseUser:
    user = new_login(username, password, full_name=landlord.name)
    landlord.user = user
    landlord.save(update_fields=["user"])
    audit.record(
        actor,
        AuditAction.LOGIN,
        community=landlord.community,
        detail=_("%(name)s: login %(username)s created") % {"name": landlord.name, "username": user.username},
    )
    return user


@transaction.atomic
def create_landlord_login(actor, landlord: Landlord, username: str, password: str) -> AbstractBaseUser:
    """Give a landlord without one a new login (not staff, not superuser)."""
    _require_landlord_manager(actor, landlord)
    landlord = _locked_landlord(landlord)
    if landlord.user_id is not None:
        raise ValidationError(_("This landlord already has a login."))
    return _create_login(actor, landlord, username, password)


def _landlords_own_login(actor, landlord: Landlord) -> AbstractBaseUser:
    """The landlord's login, if it is theirs alone: an officer manages no one else's through it."""
    _require_landlord_manager(actor, landlord)
    landlord = _locked_landlord(landlord)
    user = landlord.user
    if user is None:
        raise ValidationError(_("This landlord has no login."))
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own login here."))
    # A login linked before logins were created here may be a member's or an administrator's.
    if user.is_staff or user.is_superuser or Member.objects.filter(user=user).exists():
        raise ValidationError(
            _("This login is also a party member's or an administrator's; it is managed with the members.")
        )
    return user


def _login_audit(actor, landlord: Landlord, what: str) -> None:
    audit.record(actor, AuditAction.LOGIN, community=landlord.community, detail=f"{landlord.name}: {what}")


@transaction.atomic
def reset_landlord_password(actor, landlord: Landlord, password: str) -> AbstractBaseUser:
    """A new password for the landlord's login; their API tokens end; a disabled login stays so."""
    user = change_password(_landlords_own_login(actor, landlord), password)
    _login_audit(actor, landlord, _("password reset"))
    return user


@transaction.atomic
def set_landlord_login_active(actor, landlord: Landlord, active: bool) -> AbstractBaseUser:
    """Disable the landlord's login (they stopped letting; tokens end) or enable it again."""
    user = _landlords_own_login(actor, landlord)
    if user.is_active != active:
        set_login_active(user, active)
        _login_audit(actor, landlord, _("login enabled") if active else _("login disabled"))
    return user


# Housing --------------------------------------------------------------------------------------


def _clean_housing(address: str, rooms: int | None, beds: int | None, errors: dict) -> str:
    address = _text(address, ADDRESS_MAX + 1)
    if not address:
        errors["address"] = _("Give the address.")
    elif len(address) > ADDRESS_MAX:
        errors["address"] = _("An address has at most %(max)d characters.") % {"max": ADDRESS_MAX}
    if rooms is None or not (1 <= rooms <= 100):
        errors["rooms"] = _("Rooms must be between 1 and 100.")
    if beds is None or not (1 <= beds <= 500):
        errors["beds"] = _("Beds must be between 1 and 500.")
    return address


@transaction.atomic
def add_housing(actor, landlord: Landlord, address: str, rooms: int, beds: int) -> Housing:
    """Record rented housing of `landlord` in the landlord's community (an officer's act)."""
    if not access.is_officer_of(actor, landlord.community):
        raise PermissionDenied(_("You may not record housing in this community."))
    errors: dict = {}
    address = _clean_housing(address, rooms, beds, errors)
    if errors:
        raise ValidationError(errors)
    housing = Housing.objects.create(
        community=landlord.community, landlord=landlord, address=address, rooms=rooms, beds=beds
    )
    audit.record(
        actor,
        AuditAction.HOUSING,
        community=landlord.community,
        detail=f"{address} ({landlord.name}): {rooms} / {beds}",
    )
    return housing


@transaction.atomic
def update_housing(
    actor,
    housing: Housing,
    *,
    landlord: Landlord,
    address: str,
    rooms: int,
    beds: int,
    over_beds_reason: str = "",
) -> Housing:
    """Change housing's address, rooms, beds or landlord (one of the same community).

    定人定床: fewer beds than its registered tenants needs a reason (the flat then shows as 群租);
    the reason goes into the audit row. A new address is also the current tenants' address."""
    if not access.can_edit_housing(actor, housing):
        raise PermissionDenied(_("You may not change housing in this community."))
    # The same lock as a registration's: the tenant count cannot change under this check.
    housing = Housing.objects.select_for_update(of=("self",)).select_related("landlord").get(pk=housing.pk)
    errors: dict = {}
    address = _clean_housing(address, rooms, beds, errors)
    reason = _text(over_beds_reason, REASON_MAX)
    if landlord.community_id != housing.community_id or not access.can_manage_landlord(actor, landlord):
        errors["landlord"] = _("Choose a landlord of the housing's own community.")
    tenants = Resident.objects.registered().filter(housing=housing).count()
    if "beds" not in errors and beds != housing.beds and beds < tenants and not reason:
        errors["over_beds_reason"] = _(
            "%(address)s has %(tenants)s registered tenants: %(beds)s beds is fewer beds than tenants "
            "(overcrowded). Give the reason, or keep at least %(tenants)s beds."
        ) % {"address": housing.address, "tenants": tenants, "beds": beds}
    if errors:
        raise ValidationError(errors)
    detail = _changes(
        Housing,
        [
            ("address", housing.address, address),
            ("rooms", housing.rooms, rooms),
            ("beds", housing.beds, beds),
            ("landlord", housing.landlord.name, landlord.name)
            if housing.landlord_id != landlord.pk
            else ("landlord", "", ""),
        ],
    )
    if not detail:
        return housing
    if beds != housing.beds and beds < tenants:
        detail += "; " + _("reason for fewer beds than tenants: %(reason)s") % {"reason": reason}
    moved = 0
    if address != housing.address:
        moved = Resident.objects.registered().filter(housing=housing).update(address=address)
    housing.address, housing.rooms, housing.beds, housing.landlord = address, rooms, beds, landlord
    housing.save(update_fields=["address", "rooms", "beds", "landlord"])
    audit.record(actor, AuditAction.HOUSING, community=housing.community, detail=detail, count=moved)
    return housing
