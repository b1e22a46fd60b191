"""Services for transfers of organisational relation (组织关系转接); re-exported by services.

Within the street a transfer waits for the receiving side: the sender (a manager of the member's
branch) records it PENDING, the member stays where they are, and a manager of the receiving
organisation (or the street) accepts or declines it, or the sender withdraws it. A sender who
also manages the receiving organisation (the street, or a community moving a member between its
own branches) accepts it as they record it. Transfers out of the street stay immediate.

A transfer is decided once: the decision is a conditional UPDATE on `status = pending`, so two
deciders racing (accept against withdraw) leave exactly one outcome; the loser is told it was
already decided. Each function takes `actor` and checks it with orgchart.access; None is the
system (seed, tasks), which may do everything.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, part_time
from ..models import (
    MEMBER_ORG_KINDS,
    Member,
    Organisation,
    Tenure,
    Transfer,
    TransferKind,
    TransferStatus,
    current_tenure_q,
)
from ..signals import posts_changed


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _pending_error() -> ValidationError:
    return ValidationError(
        _("This member has a transfer awaiting acceptance; it must be decided or withdrawn first.")
    )


@transaction.atomic
def transfer_member(
    member: Member,
    *,
    to_organisation: Organisation | None = None,
    outside_organisation: str = "",
    on: dt.date | None = None,
    reason: str = "",
    actor=None,
) -> Transfer:
    """Transfer a member to another branch in the street (pending until the receiving side
    accepts, unless the actor manages it too), or out of the street (at once); history is kept."""
    member = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    on = on or timezone.localdate()
    if actor is not None and not access.can_manage(actor, member.organisation):
        raise PermissionDenied(_("You do not manage this organisation."))
    if not member.is_active:
        raise ValidationError(_("This member has already left the street."))
    if Transfer.objects.pending().filter(member=member).exists():
        raise _pending_error()
    if to_organisation is None and not outside_organisation.strip():
        raise ValidationError(_("Give the branch to transfer to, or the organisation outside the street."))
    if on > timezone.localdate():
        raise ValidationError(_("A transfer cannot be dated in the future."))
    transfer = Transfer(
        member=member,
        from_organisation=member.organisation,
        transferred_on=on,
        reason=reason,
        recorded_by=_user(actor),
    )
    if to_organisation is not None:
        # The sender need manage only the member's branch; the receiving side decides.
        if actor is not None and not access.is_manager(actor):
            raise PermissionDenied(_("You do not manage this organisation."))
        if to_organisation.kind not in MEMBER_ORG_KINDS:
            raise ValidationError(_("A member must belong to a party branch or a party group."))
        if to_organisation.is_closed:
            raise ValidationError(_("This organisation is closed; choose an open branch."))
        if to_organisation.pk == member.organisation_id:
            raise ValidationError(_("The member already belongs to this branch."))
        transfer.kind = TransferKind.WITHIN
        transfer.to_organisation = to_organisation
        if actor is None or access.can_manage(actor, to_organisation):
            transfer.status = TransferStatus.ACCEPTED
            transfer.decided_by, transfer.decided_at = _user(actor), timezone.now()
            member.organisation = to_organisation
        else:
            transfer.status = TransferStatus.PENDING
    else:
        transfer.kind = TransferKind.OUT
        transfer.outside_organisation = outside_organisation.strip()
        member.left_on = on
        part_time.end_left_unit(member, on)  # their listeners told; then every other post ends too
        Tenure.objects.filter(current_tenure_q(), member=member).update(ended_on=on - dt.timedelta(days=1))
        posts_changed.send(sender=Tenure, user_ids=[member.user_id])
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as exc:  # a pending transfer recorded concurrently
        raise _pending_error() from exc
    if transfer.status == TransferStatus.ACCEPTED:
        _move(member, member.organisation, on, fields=["organisation", "left_on", "updated_at"])
    return transfer


def _move(member: Member, target: Organisation, on: dt.date, *, fields: list[str]) -> None:
    """The one place a member's organisation changes within the street: saved, and a part-time
    post held from a unit they no longer belong to ends (orgchart.part_time)."""
    member.organisation = target
    member.save(update_fields=fields)
    part_time.end_left_unit(member, on, target)


def _decide(transfer: Transfer, status: str, actor, reason: str = "") -> Transfer:
    """Record the decision on a still-pending transfer, or refuse: exactly one decision wins."""
    decided = Transfer.objects.pending().filter(pk=transfer.pk)
    now = timezone.now()
    if not decided.update(status=status, decided_by=_user(actor), decided_at=now, decision_reason=reason):
        raise ValidationError(_("This transfer has already been decided."))
    transfer.status, transfer.decided_by, transfer.decided_at = status, _user(actor), now
    transfer.decision_reason = reason
    return transfer


def _locked_transfer(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_organisation", "to_organisation")
        .get(pk=transfer.pk)
    )


def _require_pending(transfer: Transfer) -> None:
    if not transfer.is_pending:
        raise ValidationError(_("This transfer has already been decided."))


@transaction.atomic
def accept_transfer(transfer: Transfer, *, actor=None) -> Transfer:
    """The receiving side accepts a pending transfer: the member moves to the new branch now."""
    transfer = _locked_transfer(transfer)
    if actor is not None and not access.can_receive_transfer(actor, transfer):
        raise PermissionDenied(_("Only the receiving organisation may accept or decline this transfer."))
    _require_pending(transfer)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    target = Organisation.objects.get(pk=transfer.to_organisation_id)
    if target.is_closed:
        raise ValidationError(_("The receiving organisation has closed; decline the transfer instead."))
    if not member.is_active or member.organisation_id != transfer.from_organisation_id:
        raise ValidationError(_("The member is no longer in the branch the transfer comes from."))
    transfer = _decide(transfer, TransferStatus.ACCEPTED, actor)
    _move(member, target, timezone.localdate(), fields=["organisation", "updated_at"])
    return transfer


@transaction.atomic
def decline_transfer(transfer: Transfer, *, reason: str, actor=None) -> Transfer:
    """The receiving side declines a pending transfer, saying why; the member stays."""
    transfer = _locked_transfer(transfer)
    if actor is not None and not access.can_receive_transfer(actor, transfer):
        raise PermissionDenied(_("Only the receiving organisation may accept or decline this transfer."))
    _require_pending(transfer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the transfer is declined.")})
    return _decide(transfer, TransferStatus.DECLINED, actor, reason)


@transaction.atomic
def withdraw_transfer(transfer: Transfer, *, reason: str = "", actor=None) -> Transfer:
    """The sending side withdraws a pending transfer; the member stays."""
    transfer = _locked_transfer(transfer)
    if actor is not None and not access.can_withdraw_transfer(actor, transfer):
        raise PermissionDenied(_("Only the sending organisation may withdraw this transfer."))
    _require_pending(transfer)
    return _decide(transfer, TransferStatus.WITHDRAWN, actor, (reason or "").strip())
