"""Registering and changing members, with the member checks forms, API and import share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..models import (
    Member,
    Transfer,
    TransferKind,
)
from ..validators import clean_id_number, clean_mobile, clean_name, validate_birth_date
from .base import _require_manage

# Members ------------------------------------------------------------------------------------


# Fields whose errors the member checks report, in this order of checking.
_CLEANERS: tuple[tuple[str, Callable[[Any], Any]], ...] = (("name", clean_name), ("mobile", clean_mobile))


def id_number_taken_message(actor, holder: Member) -> str:
    """What `actor` is told when an identity number is already held by `holder`.

    Only someone who may see `holder` learns that the number is registered; anyone else gets a
    neutral answer, so a member-edit right cannot be used to test whether a person is a member.
    """
    if actor is None or access.can_view_member(actor, holder):
        return _("A member with this ID number is already registered.")
    return _("This ID number cannot be used; please contact the street office.")


def check_member(
    member: Member,
    id_number: str | None = None,
    *,
    actor=None,
    exclude: Collection[str] = (),
    look_up_id_number: bool = True,
) -> None:
    """The member rules, written once: the admin form, the API and the roster import end here.

    Normalises (NFKC) and checks the name, mobile and birth date, checks the identity number and
    sets it on `member`, then runs the model's own checks. Fields named in `exclude` are not
    checked (the import leaves out cells that did not parse, and the organisation it looked up
    itself). The identity number is looked up among registered members unless
    `look_up_id_number` is False: the import looks up a whole batch in one query and reports
    with `id_number_taken_message`. Raises ValidationError keyed by field name, with every
    problem found.
    """
    errors: dict[str, list[str]] = {}
    skip = set(exclude)
    for name, cleaner in _CLEANERS:
        if name not in skip:
            try:
                setattr(member, name, cleaner(getattr(member, name)))
            except ValidationError as exc:
                errors[name] = exc.messages
    if "birth_date" not in skip:
        try:
            validate_birth_date(member.birth_date)
        except ValidationError as exc:
            errors["birth_date"] = exc.messages
    if id_number and "id_number" not in skip:
        try:
            member.set_id_number(clean_id_number(id_number, member.birth_date))
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            if look_up_id_number:
                holder = (
                    Member.objects.filter(id_number_hash=member.id_number_hash)
                    .exclude(pk=member.pk)
                    .select_related("organisation")
                    .first()
                )
                if holder is not None:
                    errors["id_number"] = [id_number_taken_message(actor, holder)]
    # The identity number is looked up above (or per batch), never by validate_unique: its
    # message would name the hash field and tell anyone that the number is registered.
    skip |= set(errors) | {"id_number_masked", "id_number_hash"}
    try:
        member.full_clean(exclude=sorted(skip), validate_unique=look_up_id_number)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            # Model.clean re-checks a stored number even when the new one failed: one answer a field.
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_member(*, id_number: str | None = None, actor=None, **fields: Any) -> Member:
    """Register a member; `organisation` must be a branch or a party group the actor manages."""
    member = Member(**fields)
    if member.organisation_id:
        _require_manage(actor, member.organisation)
    check_member(member, id_number, actor=actor)
    member.save()
    return member


@transaction.atomic
def update_member(member: Member, *, id_number: str | None = None, actor=None, **fields: Any) -> Member:
    """Change a member's details. Moving between branches goes through transfer_member."""
    _require_manage(actor, member.organisation)
    if "organisation" in fields or "organisation_id" in fields:
        raise ValidationError(_("Use a transfer to move a member to another branch."))
    for name, value in fields.items():
        setattr(member, name, value)
    check_member(member, id_number, actor=actor)
    member.save()
    return member


@transaction.atomic
def transfer_in(
    *,
    outside_organisation: str,
    on: dt.date | None = None,
    reason: str = "",
    actor=None,
    id_number=None,
    **fields,
) -> Member:
    """Register a member whose organisational relation comes from outside the street."""
    if not outside_organisation.strip():
        raise ValidationError(_("Give the organisation the member comes from."))
    member = create_member(id_number=id_number, actor=actor, **fields)
    Transfer.objects.create(
        member=member,
        kind=TransferKind.IN,
        to_organisation=member.organisation,
        outside_organisation=outside_organisation.strip(),
        transferred_on=on or timezone.localdate(),
        reason=reason,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    return member
