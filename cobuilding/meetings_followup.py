"""Following joint-meeting decisions up after the meeting: editing one (its text, owner and due
date) and reopening one marked done — by the meeting's managers (cobuilding.meetings_access: the
community's post-holders, and the street's).

A moved due date needs a written reason and is kept in the decision's history (DecisionChange:
who, when, old → new date, reason); a reopening too (the reason, and what had been recorded as
done: date, note, by whom), and an edit of the text or owner (what they were). The overdue task's
cause key carries the due date, so a decision moved after it was flagged is flagged again when
the new date passes. Refusals are ValidationError with a code (or PermissionDenied); nothing is
written then.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from . import meetings_access
from .meetings import _clean_owner
from .models import Decision, DecisionChange, DecisionChangeKind, DecisionStatus
from .services import _invalid, clean_text

REASON_MAX = 500


def _locked(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("meeting__activity", "meeting__community", "owner_user", "owner_unit_org")
        .select_related("owner_outside_unit", "done_by")
        .get(pk=decision.pk)
    )


def _require_manager(actor, decision: Decision) -> None:
    if actor is not None and not meetings_access.can_manage_meeting(actor, decision.meeting):
        raise PermissionDenied(
            _("Only the post-holders of this community or of the street change its meeting's decisions.")
        )


def _reason(reason: str | None) -> str:
    reason = clean_text(reason, "reason", max_length=REASON_MAX)
    if not reason:
        raise _invalid(_("Write the reason for the change."), "reason_missing", "reason")
    return reason


def _by(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _label(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@transaction.atomic
def edit_decision(
    decision: Decision,
    *,
    actor,
    text: str | None = None,
    due_on: dt.date | None = None,
    reason: str = "",
    owner_user=None,
    owner_unit_org=None,
    owner_outside_unit=None,
) -> Decision:
    """Change an open decision's text, owner (give exactly one of the owner_* to change it) and/or
    due date (with a written reason). Each change is kept in the decision's history."""
    decision = _locked(decision)
    _require_manager(actor, decision)
    if decision.status == DecisionStatus.DONE:
        raise _invalid(_("Reopen the decision before changing it."), "done")
    changes: list[DecisionChange] = []
    fields: list[str] = []
    before: list[str] = []
    if text is not None:
        text = clean_text(text, "text", max_length=2000)
        if not text:
            raise _invalid(_("Write what was decided."), "text_missing", "text")
        if text != decision.text:
            before.append(_("Text: %(text)s") % {"text": decision.text})
            decision.text = text
            fields.append("text")
    if any(x is not None for x in (owner_user, owner_unit_org, owner_outside_unit)):
        _clean_owner(decision.meeting, owner_user, owner_unit_org, owner_outside_unit)
        new_owner = (
            getattr(owner_user, "pk", None),
            getattr(owner_unit_org, "pk", None),
            getattr(owner_outside_unit, "pk", None),
        )
        old_owner = (decision.owner_user_id, decision.owner_unit_org_id, decision.owner_outside_unit_id)
        if new_owner != old_owner:
            before.append(_("Owner: %(owner)s") % {"owner": decision.owner_label})
            decision.owner_user, decision.owner_unit_org = owner_user, owner_unit_org
            decision.owner_outside_unit = owner_outside_unit
            fields += ["owner_user", "owner_unit_org", "owner_outside_unit"]
    if due_on is not None and due_on != decision.due_on:
        if due_on < decision.meeting.held_on:
            raise _invalid(_("The due date cannot be before the meeting."), "due_before_meeting", "due_on")
        changes.append(
            DecisionChange(
                decision=decision,
                kind=DecisionChangeKind.DUE,
                changed_by=_by(actor),
                old_due_on=decision.due_on,
                new_due_on=due_on,
                reason=_reason(reason),
            )
        )
        decision.due_on = due_on
        fields.append("due_on")
    if not fields:
        raise _invalid(_("Nothing was changed."), "no_change")
    if before:
        changes.insert(
            0,
            DecisionChange(
                decision=decision,
                kind=DecisionChangeKind.EDITED,
                changed_by=_by(actor),
                reason=clean_text(reason, "reason", max_length=REASON_MAX),
                detail="\n".join(before),
            ),
        )
    decision.save(update_fields=fields)
    DecisionChange.objects.bulk_create(changes)
    return decision


@transaction.atomic
def reopen_decision(decision: Decision, *, actor, reason: str) -> Decision:
    """Open a done decision again (with a reason): its done date, note and marker are cleared, and
    kept in its history."""
    decision = _locked(decision)
    _require_manager(actor, decision)
    if decision.status != DecisionStatus.DONE:
        raise _invalid(_("Only a decision marked done can be reopened."), "not_done")
    reason = _reason(reason)
    detail = _("Done on %(date)s by %(who)s: %(note)s") % {
        "date": decision.done_on.isoformat(),
        "who": _label(decision.done_by) or "—",
        "note": decision.done_note or "—",
    }
    DecisionChange.objects.create(
        decision=decision,
        kind=DecisionChangeKind.REOPENED,
        changed_by=_by(actor),
        reason=reason,
        detail=detail,
    )
    decision.status = DecisionStatus.OPEN
    decision.done_on = None
    decision.done_note = ""
    decision.done_by = None
    decision.save(update_fields=["status", "done_on", "done_note", "done_by"])
    return decision
