"""API tokens that end: with the password, the login, the member's place in the street, and time.

- A token expires API_TOKEN_DAYS days after it was issued (settings, from the environment).
- A password change or reset, a disabled login and a logout delete the user's tokens
  (the receivers below, connected in OrgchartConfig.ready; services.disable_login too).
- A member who left the street is refused like a disabled login (access.login_allowed).
- /api/token/ (orgchart.api.ObtainExpiringAuthToken) hands out a fresh token for an expired one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from . import access


def left_street_message() -> str:
    return gettext(
        "Your party membership has been transferred out of this street, so your login is "
        "disabled; if you have questions, contact the street party working committee."
    )


def locked_out_message() -> str:
    return gettext(
        "Too many wrong passwords: signing in with this user name is locked for a while. "
        "Try again later, or ask your community party organisation to reset your password."
    )


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_DAYS)


def token_expired(token: Token) -> bool:
    return token.created < timezone.now() - token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "user__member").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not access.login_allowed(token.user):
            raise exceptions.AuthenticationFailed(left_street_message())
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; sign in again for a new one."))
        return (token.user, token)


def revoke_tokens(user) -> int:
    """End every API token of `user`; a new one is issued at the next sign-in."""
    if user is None or user.pk is None:
        return 0
    return Token.objects.filter(user=user).delete()[0]


def _password_saved(sender, instance, created: bool, **kwargs) -> None:
    # AbstractBaseUser.set_password keeps the raw password in `_password` until the save is done.
    if not created and getattr(instance, "_password", None) is not None:
        revoke_tokens(instance)


def _logged_out(sender, request, user, **kwargs) -> None:
    revoke_tokens(user)


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    post_save.connect(_password_saved, sender=get_user_model(), dispatch_uid="orgchart.tokens.password")
    user_logged_out.connect(_logged_out, dispatch_uid="orgchart.tokens.logout")
