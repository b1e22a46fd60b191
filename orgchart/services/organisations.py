"""Creating, changing, moving, closing, reopening and deleting organisations (tree writes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tree import path_prefix_q

from .. import access, queries
from ..models import (
    Member,
    Organisation,
    OrgKind,
    Tenure,
    current_tenure_q,
    kind_may_sit_under,
)
from ..signals import posts_changed
from .base import _changed, _fresh, _require_manage, run_tree_write


def _validate_org_fields(org: Organisation, exclude: list[str] | None = None) -> None:
    org.full_clean(exclude=["path", "depth", "numchild", *(exclude or [])])


def create_organisation(
    *, parent: Organisation | None, name: str, kind: str, code: str, actor=None, **fields: Any
) -> Organisation:
    """Add an organisation under `parent` (or a new street root when parent is None)."""
    if parent is None:
        if actor is not None and not actor.is_superuser:
            raise PermissionDenied(_("Only a system administrator may create a new street."))
    else:
        _require_manage(actor, parent)

    def write() -> Organisation:
        fresh_parent = _fresh(parent) if parent is not None else None
        if fresh_parent is not None and fresh_parent.is_closed:
            raise ValidationError({"parent": _("The parent organisation is closed.")})
        if not kind_may_sit_under(kind, fresh_parent.kind if fresh_parent else None):
            raise ValidationError({"kind": _kind_error(kind, fresh_parent)})
        candidate = Organisation(name=name, kind=kind, code=code, **fields)
        _validate_org_fields(candidate)
        if fresh_parent is None:
            org = Organisation.add_root(instance=candidate)
        else:
            org = fresh_parent.add_child(instance=candidate)
        return _changed(org, "created")

    return run_tree_write(write)


def _kind_error(kind: str, parent: Organisation | None) -> str:
    label = OrgKind(kind).label if kind in OrgKind.values else kind
    if parent is None:
        return _("A %(kind)s cannot be a top-level organisation; only a street committee can.") % {
            "kind": label
        }
    return _("A %(kind)s cannot sit under a %(parent)s.") % {
        "kind": label,
        "parent": parent.get_kind_display(),
    }


def update_organisation(org: Organisation, *, actor=None, **fields: Any) -> Organisation:
    """Change an organisation's own fields (name, code, address...) — not its place in the tree."""
    _require_manage(actor, org)
    forbidden = {"path", "depth", "numchild", "kind", "closed_on"} & fields.keys()
    if forbidden:
        raise ValidationError(
            _("Use move or close to change %(fields)s.") % {"fields": ", ".join(sorted(forbidden))}
        )

    def write() -> Organisation:
        fresh = _fresh(org)
        for name, value in fields.items():
            setattr(fresh, name, value)
        _validate_org_fields(fresh)
        fresh.save(update_fields=[*fields.keys(), "updated_at"])
        return _changed(fresh, "updated")

    return run_tree_write(write)


def rename_organisation(org: Organisation, name: str, *, actor=None) -> Organisation:
    return update_organisation(org, name=name, actor=actor)


def move_organisation(org: Organisation, new_parent: Organisation, *, actor=None) -> Organisation:
    """Move `org` and its subtree to the last place under `new_parent`."""
    _require_manage(actor, org)
    _require_manage(actor, new_parent)

    def write() -> Organisation:
        node, target = _fresh(org), _fresh(new_parent)
        if target.path.startswith(node.path):
            raise ValidationError(
                {"parent": _("An organisation cannot be moved under itself or its own subtree.")}
            )
        if target.is_closed:
            raise ValidationError({"parent": _("The parent organisation is closed.")})
        if not kind_may_sit_under(node.kind, target.kind):
            raise ValidationError({"parent": _kind_error(node.kind, target)})
        node.move(target, pos="last-child")
        return _changed(_fresh(node), "moved")

    return run_tree_write(write)


def close_organisation(org: Organisation, *, on: dt.date | None = None, actor=None) -> Organisation:
    """Close `org` and its open descendants; history (members' transfers, posts) is kept.

    Refused while active members still belong to the subtree: transfer them first.
    """
    _require_manage(actor, org)
    on = on or timezone.localdate()

    def write() -> Organisation:
        node = _fresh(org)
        if node.is_closed:
            raise ValidationError(_("This organisation is already closed."))
        active = Member.objects.active().in_subtree(node).count()
        if active:
            raise ValidationError(
                _("%(count)d active members still belong to this organisation; transfer them first.")
                % {"count": active}
            )
        Organisation.objects.in_subtree(node).filter(closed_on__isnull=True).update(closed_on=on)
        in_subtree = path_prefix_q(node.path, "post__organisation__path")
        ending = Tenure.objects.filter(current_tenure_q(), in_subtree)
        holders = list(ending.values_list("member__user_id", flat=True))
        ending.update(ended_on=on - dt.timedelta(days=1))
        posts_changed.send(sender=Tenure, user_ids=holders)
        return _changed(_fresh(node), "closed")

    return run_tree_write(write)


def reopen_organisation(org: Organisation, *, actor=None) -> Organisation:
    _require_manage(actor, org)

    def write() -> Organisation:
        node = _fresh(org)
        parent = node.get_parent()
        if parent is not None and parent.is_closed:
            raise ValidationError(_("Reopen the parent organisation first."))
        Organisation.objects.filter(pk=node.pk).update(closed_on=None)
        return _changed(_fresh(node), "reopened")

    return run_tree_write(write)


def organisation_deletion_refusal(
    org: Organisation, *, actor=None, has_history: bool | None = None
) -> str | None:
    """Why `org` may not be deleted by `actor`, or None when it may.

    Only mistakes are deleted: a leaf that never had members, transfers or posts; anything else
    is closed instead. The admin listing passes `has_history` when it annotated it already.
    """
    if actor is not None and not access.can_manage(actor, org):
        return _("You do not manage this organisation.")
    if org.numchild:
        return _("This organisation has sub-organisations; move or delete them first.")
    if has_history is None:
        has_history = queries.organisation_has_history(org)
    if has_history:
        return _(
            "This organisation has members, posts or transfers on record; close it instead of deleting it."
        )
    return None


def delete_organisation(org: Organisation, *, actor=None) -> None:
    """Delete a mistaken organisation; refused with the reason `organisation_deletion_refusal` gives."""
    _require_manage(actor, org)

    def write() -> None:
        node = _fresh(org)
        if reason := organisation_deletion_refusal(node):
            raise ValidationError(reason)
        _changed(node, "deleted")
        try:
            with transaction.atomic():
                node.delete()
        except ProtectedError as exc:
            # Rows of later apps (activities, teams, volunteers) protect what they point at.
            # ProtectedError is an IntegrityError: uncaught, run_tree_write would retry it in vain.
            raise ValidationError(
                _("Activities, teams or other records refer to this organisation; close it instead.")
            ) from exc

    run_tree_write(write)
