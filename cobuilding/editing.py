"""Editing co-building rows after creation: an agreement's term and contacts, a resource, a need.

The same checks as creating them (cobuilding.services), under the same locks: an active
agreement's new term may not overlap another active agreement of the pair; an ended agreement
is not edited (its record stays as it was); a need is edited while it is open. What a row *is* —
its community and its unit — does not change: end it and record a new one. Each function takes
`actor` (None: the system); refusals are ValidationError (English msgid, Chinese in the
catalogue, a `code`) or PermissionDenied, and nothing is written then.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import normalise
from orgchart.models import Organisation

from .models import Agreement, AgreementStatus, Need, NeedStatus, OutsideUnit, Resource
from .services import (
    _check_manager,
    _invalid,
    _lock,
    _save_active,
    clean_kind,
    clean_phone,
    clean_text,
    clean_unit,
)

AGREEMENT_FIELDS = (
    "starts_on",
    "ends_on",
    "signed_on",
    "community_contact",
    "community_contact_phone",
    "unit_contact",
    "unit_contact_phone",
    "content",
)
RESOURCE_FIELDS = ("kind", "description", "quantity", "available_from", "available_until")
NEED_FIELDS = ("kind", "description", "wanted_from", "wanted_until")


def _unknown_fields(given: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:  # a programming error, not user input: the forms and the API send known fields
        raise TypeError(f"cannot change {', '.join(unknown)}")


@transaction.atomic
def update_agreement(agreement: Agreement, *, actor, **changes) -> Agreement:
    """Change an agreement's term, signing date, contacts or content (AGREEMENT_FIELDS).

    A draft or active agreement only; an active one's new term is checked for overlap with the
    community's row locked, as when it was put in force."""
    _unknown_fields(changes, AGREEMENT_FIELDS)
    fresh = _lock(Agreement, agreement.pk)
    _check_manager(actor, fresh.community)
    if fresh.status == AgreementStatus.ENDED:
        raise ValidationError(_("An ended agreement is not edited; record a new one."), code="ended")
    values = {name: changes.get(name, getattr(fresh, name)) for name in AGREEMENT_FIELDS}
    if values["starts_on"] is None or values["ends_on"] is None:
        raise ValidationError(_("An agreement needs a start and an end date."), code="term_missing")
    if values["ends_on"] < values["starts_on"]:
        raise _invalid(_("The term cannot end before it starts."), "term_order", "ends_on")
    signed_on = values["signed_on"]
    if signed_on is not None and signed_on > timezone.localdate():
        raise _invalid(_("The signing date cannot be in the future."), "signed_future", "signed_on")
    fresh.starts_on = values["starts_on"]
    fresh.ends_on = values["ends_on"]
    fresh.signed_on = signed_on
    for name in ("community_contact", "unit_contact"):
        setattr(fresh, name, clean_text(values[name], name, max_length=50))
    for name in ("community_contact_phone", "unit_contact_phone"):
        setattr(fresh, name, clean_phone(values[name], name))
    fresh.content = clean_text(values["content"], "content")
    _save_active(fresh)  # the overlap check when active; the PostgreSQL constraint's error too
    return fresh


@transaction.atomic
def update_resource(resource: Resource, *, actor, **changes) -> Resource:
    """Change a resource's kind, description, quantity or availability (RESOURCE_FIELDS).

    A resource that a project uses keeps its kind (the project was made because it fitted)."""
    _unknown_fields(changes, RESOURCE_FIELDS)
    fresh = _lock(Resource, resource.pk)
    _check_manager(actor, fresh.community)
    return apply_resource_changes(fresh, changes)


def apply_resource_changes(fresh: Resource, changes: dict) -> Resource:
    """Check and save RESOURCE_FIELDS changes on a locked resource (whoever the actor may be)."""
    values = {name: changes.get(name, getattr(fresh, name)) for name in RESOURCE_FIELDS}
    kind = clean_kind(values["kind"])
    if kind != fresh.kind and fresh.projects.exists():
        raise _invalid(_("A project uses this resource: its kind cannot change."), "kind_in_project", "kind")
    available_from, available_until = values["available_from"], values["available_until"]
    if available_from is None:
        raise _invalid(_("Say from when it is available."), "window_missing", "available_from")
    if available_until is not None and available_until < available_from:
        raise _invalid(_("Availability cannot end before it starts."), "window_order", "available_until")
    quantity = values["quantity"]
    if quantity is None or int(quantity) < 1:
        raise _invalid(_("The quantity is at least 1."), "quantity", "quantity")
    fresh.kind = kind
    fresh.description = clean_text(values["description"], "description")
    fresh.quantity = int(quantity)
    fresh.available_from = available_from
    fresh.available_until = available_until
    fresh.save()
    return fresh


@transaction.atomic
def update_need(
    need: Need,
    *,
    actor,
    published_to: Iterable[Organisation | OutsideUnit] | None = None,
    **changes,
) -> Need:
    """Change an open need's kind, description or period (NEED_FIELDS), and, when given, the
    units it is published to (replacing the list)."""
    _unknown_fields(changes, NEED_FIELDS)
    fresh = _lock(Need, need.pk)
    _check_manager(actor, fresh.community)
    if fresh.status != NeedStatus.OPEN:
        raise ValidationError(_("Only an open need can be edited."), code="need_not_open")
    values = {name: changes.get(name, getattr(fresh, name)) for name in NEED_FIELDS}
    if not normalise(values["kind"]):
        raise _invalid(_("A need must say what kind of help it asks for."), "kind_missing", "kind")
    kind = clean_kind(values["kind"])
    description = clean_text(values["description"], "description", required=True)
    wanted_from, wanted_until = values["wanted_from"], values["wanted_until"]
    if wanted_from is None or wanted_until is None:
        raise ValidationError(_("Say from when to when the help is wanted."), code="window_missing")
    if wanted_until < wanted_from:
        raise _invalid(_("The period cannot end before it starts."), "window_order", "wanted_until")
    orgs, outside = None, None
    if published_to is not None:
        orgs, outside = [], []
        for unit in published_to:
            if isinstance(unit, OutsideUnit):
                clean_unit(fresh.community, None, unit)
                outside.append(unit)
            else:
                clean_unit(fresh.community, unit, None)
                orgs.append(unit)
    fresh.kind = kind
    fresh.description = description
    fresh.wanted_from = wanted_from
    fresh.wanted_until = wanted_until
    fresh.save()
    if orgs is not None:
        fresh.published_to_orgs.set(orgs)
        fresh.published_to_outside.set(outside)
    return fresh
