"""A member's login: create, reset, disable, enable — under the login rank rule."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import access
from ..authentication import revoke_tokens
from ..models import (
    Member,
)

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


def new_login(username: str, password: str, *, full_name: str = "") -> AbstractBaseUser:
    """Create a plain login (not staff, not superuser): the one check of a new login's user name
    (length, the user model's validator, taken in any letter case) and password (the validators,
    also against `full_name`). Refusals are ValidationErrors on "username" / "password"; the only
    thing said about other logins is "this user name is already taken". Call inside a transaction."""
    User = get_user_model()
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
    user = User(username=username, last_name=full_name[:1], first_name=full_name[1:150])
    _validate_password(password, user)
    user.set_password(password)
    user.is_staff = user.is_superuser = False
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # taken by a concurrent request since the check above
        raise ValidationError({"username": taken}) from exc
    return user


def change_password(user: AbstractBaseUser, password: str) -> AbstractBaseUser:
    """Set a checked new password on `user` and end its API tokens (the caller checked who may)."""
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_tokens(user)
    return user


def set_login_active(user: AbstractBaseUser, active: bool) -> AbstractBaseUser:
    """Let `user` sign in again, or stop it (its API tokens end too); idempotent."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    if not active:
        revoke_tokens(user)
    return user


@transaction.atomic
def create_login(member: Member, *, username: str, password: str, actor=None) -> AbstractBaseUser:
    """Give `member` a login (not staff, not superuser) with `username` and `password`."""
    member = _locked_member(member)
    _require_login_manager(actor, member)
    if member.user_id is not None:
        raise ValidationError(_("This member already has a login account."))
    if not member.is_active:
        raise ValidationError(_("This member has left the street and cannot be given a login."))
    user = new_login(username, password, full_name=member.name)
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
    return change_password(user, password)


@transaction.atomic
def disable_login(member: Member, *, actor=None) -> AbstractBaseUser:
    """Stop `member`'s login from signing in; the account stays linked to the member for history."""
    if actor is not None and member.user_id == actor.pk:  # said before "you do not outrank yourself"
        raise ValidationError(_("You cannot disable your own login."))
    _member, user = _member_login(member, actor)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot disable your own login."))
    return set_login_active(user, False)


@transaction.atomic
def enable_login(member: Member, *, actor=None) -> AbstractBaseUser:
    """Let a disabled login sign in again; a member who left the street stays without one."""
    member, user = _member_login(member, actor)
    if not member.is_active:
        raise ValidationError(_("This member has left the street; their login stays disabled."))
    return set_login_active(user, True)
