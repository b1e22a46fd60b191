"""Signing in: the login forms say why a member who left the street cannot sign in, and a
locked-out sign-in (django-axes) is answered in Chinese on every login entry point."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from orgchart import access
from orgchart.authentication import left_street_message, locked_out_message


class LeftStreetReasonMixin:
    """When the sign-in fails, and only for the right password of a login that is otherwise
    active, say that it failed because the member left the street."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if self._left_street():
                raise ValidationError(left_street_message(), code="left_street") from None
            raise

    def _left_street(self) -> bool:
        if getattr(self.request, "axes_locked_out", False):
            return False  # a locked-out sign-in learns nothing about the password
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        User = get_user_model()
        user = (
            User._default_manager.select_related("member").filter(**{User.USERNAME_FIELD: username}).first()
        )
        if user is None or not user.is_active or access.login_allowed(user):
            return False
        return user.check_password(password)


class LoginForm(LeftStreetReasonMixin, AuthenticationForm):
    pass


class AdminLoginForm(LeftStreetReasonMixin, WagtailLoginForm):
    pass


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer: JSON for the API, the login page with the reason otherwise."""
    status = 429
    message = locked_out_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    form = LoginForm(request, data=None)
    form.cleaned_data = {}
    form.add_error(None, message)
    return render(request, "registration/login.html", {"form": form, "locked_out": True}, status=status)
