"""Admin views that look objects up in the user's scope and write through services.

Objects outside what the permission policy allows the user are looked up in a scoped queryset,
so they answer 404 as if they did not exist. Writes are service calls: Wagtail's own hooks
(`save_instance` on create and edit views, `delete_action` on delete views) call the service,
and a ValidationError or PermissionDenied it raises is shown on the form instead of a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.log_actions import log

from .forms import add_service_error

SERVICE_ERRORS = (ValidationError, PermissionDenied)


class ScopedObjectMixin:
    """Look objects up only among those the permission policy allows for `scope_action`."""

    scope_action = "change"

    def get_scoped_queryset(self) -> QuerySet:
        return self.permission_policy.instances_user_has_permission_for(self.request.user, self.scope_action)

    def get_base_object_queryset(self) -> QuerySet:  # Wagtail's BaseObjectMixin: history, actions
        return self.get_scoped_queryset()


class ScopedSingleObjectMixin(ScopedObjectMixin):
    """For Django's SingleObjectMixin views (Wagtail's edit and delete views)."""

    def get_queryset(self) -> QuerySet:
        return self.get_scoped_queryset()


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_action = "view"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_scoped_queryset(), pk=self.pk)


class _ServiceRefused(Exception):
    """Carries a service's ValidationError / PermissionDenied out of Wagtail's `delete_action`."""

    def __init__(self, error: ValidationError | PermissionDenied):
        super().__init__(error)
        self.error = error


class ServiceSaveMixin:
    """Create and edit views whose save is a service call; its ValidationError becomes form errors.

    Subclasses write `call_service(form)` returning the saved object. The service runs before
    Wagtail's `form_valid`, outside the transaction Wagtail opens around `save_instance`: services
    own their transactions (a tree write retries what the database aborts, which it cannot do
    inside a caller's transaction). Wagtail's `save_instance` hook then logs the saved object as
    `log_action` and hands it on to Wagtail's success message, redirect and after-hooks.
    """

    log_action = "wagtail.edit"

    def call_service(self, form) -> Model:
        raise NotImplementedError

    def form_valid(self, form) -> HttpResponse:
        try:
            self.saved_instance = self.call_service(form)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return super().form_valid(form)

    def save_instance(self) -> Model:
        log(self.saved_instance, self.log_action, user=self.request.user)
        return self.saved_instance


class ServiceDeleteMixin:
    """Delete views whose delete is a service call, refused with a reason the user reads.

    Subclasses write `refusal_reason()` (None when the object may be deleted; asked before the
    confirmation page is shown) and `call_service()`. A refusal, asked or raised by the service,
    is shown as an error message on `get_refused_url()` (the edit page by default).
    """

    def refusal_reason(self) -> str | None:
        return None

    def call_service(self) -> None:
        raise NotImplementedError

    def get_refused_url(self) -> str:
        return reverse(self.edit_url_name, args=(quote(self.object.pk),))

    def refuse(self, reason: str) -> HttpResponse:
        messages.error(self.request, reason)
        return redirect(self.get_refused_url())

    def get(self, request, *args, **kwargs) -> HttpResponse:
        if reason := self.refusal_reason():
            return self.refuse(reason)
        return super().get(request, *args, **kwargs)

    def delete_action(self) -> None:
        try:
            self.call_service()
        except SERVICE_ERRORS as exc:
            raise _ServiceRefused(exc) from exc

    def form_valid(self, form) -> HttpResponse:
        try:
            return super().form_valid(form)
        except _ServiceRefused as refused:
            error = refused.error
            return self.refuse(" ".join(getattr(error, "messages", [str(error)])))


class ObjectFormView(
    ScopedObjectMixin, PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, FormView
):
    """An admin page with a small form acting on one object through a service (move, close...)."""

    template_name = "core/admin/action_form.html"
    permission_required = "change"
    model = None
    index_url_name = None
    edit_url_name = None
    inspect_url_name = None
    header_icon = ""
    submit_button_label = gettext_lazy("Save")
    intro = ""
    log_action = ""

    def perform(self, form) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_back_url(self) -> str:
        if self.edit_url_name:
            return reverse(self.edit_url_name, args=(quote(self.object.pk),))
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=(quote(self.object.pk),))
        return reverse(self.index_url_name)

    def get_success_url(self) -> str:
        return self.get_back_url()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": self.get_back_url(), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form) -> HttpResponse:
        try:
            message = self.perform(form)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if self.log_action:
            log(self.object, self.log_action, user=self.request.user)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def form_invalid(self, form) -> HttpResponse:
        messages.validation_error(self.request, _("The form could not be saved due to errors."), form)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["action_url"] = self.request.path
        context["submit_button_label"] = self.submit_button_label
        context["submit_button_active_label"] = self.submit_button_label
        context["media"] = context["form"].media
        context["intro"] = self.intro
        context["back_url"] = self.get_back_url()
        return context
