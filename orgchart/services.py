"""Every operation that changes the organisation tree, members, posts and transfers.

Tree writes are serialised: treebeard computes new paths from what it reads, so two concurrent
writers can pick the same path or leave `numchild` wrong. Each tree write runs in its own
transaction holding one PostgreSQL advisory lock, re-reads the nodes it touches under the lock,
and is retried when the database aborts it (deadlock, serialisation failure, SQLite busy).

Functions that take `actor` check the access rule (orgchart.access) for that user and raise
PermissionDenied; callers acting as the system (seed, tasks already checked) pass None.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tree import path_prefix_q

from . import access, queries
from .authentication import revoke_tokens
from .models import (
    Member,
    Organisation,
    OrgKind,
    Post,
    Tenure,
    Transfer,
    TransferKind,
    current_tenure_q,
    kind_may_sit_under,
)
from .signals import organisation_changed, posts_changed
from .transfers import (  # noqa: F401  (transfer services live in transfers.py; re-exported)
    accept_transfer,
    decline_transfer,
    transfer_member,
    withdraw_transfer,
)
from .validators import clean_id_number, clean_mobile, clean_name, validate_birth_date

log = logging.getLogger(__name__)
T = TypeVar("T")

TREE_LOCK_KEY = 7_201_100  # any constant; names the "organisation tree" advisory lock
MAX_ATTEMPTS = 8


def _lock_tree() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])


def run_tree_write(fn: Callable[[], T]) -> T:
    """Run `fn` in a transaction holding the tree lock; retry what the database aborts."""
    if connection.in_atomic_block:
        # Inside a caller's transaction a retry cannot restart the work; lock and run once.
        _lock_tree()
        return fn()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                _lock_tree()
                return fn()
        except (OperationalError, IntegrityError) as exc:
            if attempt == MAX_ATTEMPTS:
                raise
            log.warning("tree write aborted (%s), retry %d", exc, attempt)
            time.sleep(min(0.05 * 2**attempt, 1.0) * random.random())
    raise AssertionError("unreachable")


def _require_manage(actor, org: Organisation) -> None:
    if actor is not None and not access.can_manage(actor, org):
        raise PermissionDenied(_("You do not manage this organisation."))


def _fresh(org: Organisation) -> Organisation:
    return Organisation.objects.get(pk=org.pk)


def _changed(org: Organisation, action: str) -> Organisation:
    """Tell the apps mirroring the tree (orgchart.signals), inside this write's transaction."""
    organisation_changed.send(sender=Organisation, organisation=org, action=action)
    return org


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
        node.delete()

    run_tree_write(write)


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


# Posts --------------------------------------------------------------------------------------


def ensure_post(org: Organisation, title: str, *, actor=None) -> Post:
    """The post `title` of `org`, created if it does not exist yet."""
    _require_manage(actor, org)
    post, _created = Post.objects.get_or_create(organisation=org, title=title)
    return post


@transaction.atomic
def appoint(
    post: Post,
    member: Member,
    *,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    actor=None,
) -> Tenure:
    """Give `post` to `member`, ending whoever held it the day before."""
    post = Post.objects.select_for_update().select_related("organisation").get(pk=post.pk)
    _require_manage(actor, post.organisation)
    started_on = started_on or timezone.localdate()
    if post.organisation.is_closed:
        raise ValidationError(_("This organisation is closed."))
    if not member.is_active:
        raise ValidationError(_("This member has left the street and cannot hold a post."))
    tenure = Tenure(post=post, member=member, started_on=started_on, ended_on=ended_on)
    tenure.full_clean()
    previous = Tenure.objects.filter(current_tenure_q(day=started_on), post=post)
    holders = [member.user_id, *previous.values_list("member__user_id", flat=True)]
    previous.update(ended_on=started_on - dt.timedelta(days=1))
    tenure.save()
    posts_changed.send(sender=Tenure, user_ids=holders)
    if actor is not None:
        access.forget(actor)
    return tenure


@transaction.atomic
def vacate(post: Post, *, on: dt.date | None = None, actor=None) -> int:
    """Leave `post` vacant from `on` (today by default): the holder's last day is the day before."""
    _require_manage(actor, post.organisation)
    on = on or timezone.localdate()
    ending = Tenure.objects.filter(current_tenure_q(), post=post)
    holders = list(ending.values_list("member__user_id", flat=True))
    count = ending.update(ended_on=on - dt.timedelta(days=1))
    posts_changed.send(sender=Tenure, user_ids=holders)
    return count


# Accounts -----------------------------------------------------------------------------------
# A member's login. Managers create it, reset its password and disable it; the link to the
# member stays when disabled, so the account's history (logs, records it made) keeps its owner.


def _require_login_manager(actor, member: Member) -> None:
    """Rank, not reach: the one rule for logins is access.login_refusal (None = system)."""
    if actor is None:
        return
    if not access.can_view_member(actor, member):
        # Not theirs to see at all: the same refusal as for any organisation they do not manage.
        raise PermissionDenied(_("You do not manage this organisation."))
    refusal = access.login_refusal(actor, member)
    if refusal is not None:
        raise PermissionDenied(refusal)


def _locked_member(member: Member) -> Member:
    # Lock the member row only: the user join is an outer join, which PostgreSQL will not lock.
    return (
        Member.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=member.pk)
    )


def _validate_password(password: str, user) -> None:
    if not password:
        raise ValidationError({"password": _("Enter a password.")})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc


@transaction.atomic
def create_login(member: Member, *, username: str, password: str, actor=None) -> AbstractBaseUser:
    """Give `member` a login (not staff, not superuser) with `username` and `password`."""
    User = get_user_model()
    member = _locked_member(member)
    _require_login_manager(actor, member)
    if member.user_id is not None:
        raise ValidationError(_("This member already has a login account."))
    if not member.is_active:
        raise ValidationError(_("This member has left the street and cannot be given a login."))
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Enter a user name.")})
    max_length = User._meta.get_field(User.USERNAME_FIELD).max_length
    if len(username) > max_length:
        raise ValidationError(
            {"username": _("A user name has at most %(max)d characters.") % {"max": max_length}}
        )
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.error_list}) from exc
    taken = _("This user name is already taken.")
    if User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
        raise ValidationError({"username": taken})
    # Surname and given name as the demo seed stores them, for the similarity check too.
    user = User(username=username, last_name=member.name[:1], first_name=member.name[1:150])
    _validate_password(password, user)
    user.set_password(password)
    user.is_staff = user.is_superuser = False
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # taken by a concurrent request since the check above
        raise ValidationError({"username": taken}) from exc
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    return user


def _member_login(member: Member, actor) -> tuple[Member, AbstractBaseUser]:
    member = _locked_member(member)
    _require_login_manager(actor, member)
    if member.user is None:
        raise ValidationError(_("This member has no login account."))
    return member, member.user


@transaction.atomic
def reset_password(member: Member, *, password: str, actor=None) -> AbstractBaseUser:
    """Set a new password on `member`'s login; a disabled login stays disabled."""
    member, user = _member_login(member, actor)
    if not member.is_active:
        raise ValidationError(_("This member has left the street; disable the login instead."))
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_tokens(user)
    return user


@transaction.atomic
def disable_login(member: Member, *, actor=None) -> AbstractBaseUser:
    """Stop `member`'s login from signing in; the account stays linked to the member for history."""
    if actor is not None and member.user_id == actor.pk:  # said before "you do not outrank yourself"
        raise ValidationError(_("You cannot disable your own login."))
    _member, user = _member_login(member, actor)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot disable your own login."))
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    revoke_tokens(user)
    return user


@transaction.atomic
def enable_login(member: Member, *, actor=None) -> AbstractBaseUser:
    """Let a disabled login sign in again; a member who left the street stays without one."""
    member, user = _member_login(member, actor)
    if not member.is_active:
        raise ValidationError(_("This member has left the street; their login stays disabled."))
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user
