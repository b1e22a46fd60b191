"""The secret of a personal calendar feed.

A calendar app fetches the feed without signing in, so the URL itself is the credential. The
token in it is derived, never stored: `HMAC(SECRET_KEY, "calendar-feed" | user id | nonce)`,
where `nonce` is random (secrets.token_urlsafe) and stored. The row also keeps a keyed hash of
the token to find it. So the portal can show a person their URL again, while a copy of the
database alone (nonces and hashes, without the server key) gives no feed. Resetting draws a new
nonce and so a new token and hash; the old URL finds nothing from that moment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart import access as org_access

from ..models import CalendarToken

# Tokens are 43 URL-safe characters (256 bits); anything else is not looked up at all.
TOKEN_LENGTH = 43


def _mac(label: bytes, value: str) -> bytes:
    key = hmac.new(settings.SECRET_KEY.encode(), label, hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).digest()


def _token(row: CalendarToken) -> str:
    raw = _mac(b"portal.calendar-feed.token", f"{row.user_id}:{row.nonce}")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _hash(token: str) -> str:
    return _mac(b"portal.calendar-feed.lookup", token).hex()


def _check_actor(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to use your calendar feed."))


def _fill(row: CalendarToken) -> CalendarToken:
    row.nonce = secrets.token_urlsafe(32)
    row.token_hash = _hash(_token(row))
    return row


def feed_token(*, actor: AbstractBaseUser) -> str:
    """The token of `actor`'s own feed, created on first use."""
    _check_actor(actor)
    row = CalendarToken.objects.filter(user=actor).first()
    if row is None:
        try:
            with transaction.atomic():
                row = _fill(CalendarToken(user=actor))
                row.save()
        except IntegrityError:  # created meanwhile by a concurrent first use
            row = CalendarToken.objects.get(user=actor)
    return _token(row)


@transaction.atomic
def reset_feed_token(*, actor: AbstractBaseUser) -> str:
    """A new token for `actor`'s own feed; the old URL stops working at once."""
    _check_actor(actor)
    row = CalendarToken.objects.select_for_update().filter(user=actor).first()
    if row is None:
        row = _fill(CalendarToken(user=actor))
        row.save()
        return _token(row)
    _fill(row)
    row.reset_at = timezone.now()
    row.save(update_fields=["nonce", "token_hash", "reset_at"])
    return _token(row)


def user_for_token(token: str):
    """The user whose feed `token` opens, if they may still sign in; else None (one query)."""
    if len(token) != TOKEN_LENGTH:
        return None
    row = CalendarToken.objects.filter(token_hash=_hash(token)).select_related("user", "user__member").first()
    # Like a session or an API token: not for a deactivated login, nor once the member left.
    if row is None or not org_access.login_allowed(row.user):
        return None
    # A constant-time check that the token is this row's current one (the hash found it).
    return row.user if hmac.compare_digest(_token(row), token) else None
