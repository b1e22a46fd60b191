"""Shared machinery of the orgchart admin: scoped views, the object form view, the viewset base."""

from typing import Any

import django_filters
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from ..admin_forms import add_service_error


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


class ServiceSaveMixin:
    """Create and edit views whose save is a service call; its ValidationError becomes form errors."""

    log_action = "wagtail.edit"

    def call_service(self, form):
        raise NotImplementedError

    def save_instance(self):
        return self.call_service(self.form)

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        log(self.object, self.log_action, user=self.request.user)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_action = "view"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_scoped_queryset(), pk=self.pk)


class ObjectFormView(
    ScopedObjectMixin, PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, FormView
):
    """An admin page with a small form acting on one object through a service (move, close...)."""

    template_name = "orgchart/admin/action_form.html"
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
        except (ValidationError, PermissionDenied) as exc:
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


def choice_filter(label, choices, method=None) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label=label, choices=choices, method=method, empty_label=_("All"))


class OrgchartViewSet(ModelViewSet):
    """Common ground: no copy, no usage page, no Django permission rows (the access rule decides).

    `extra_views` maps a URL name to (view class, URL suffix) for actions on one object.
    """

    copy_view_enabled = False
    # Saving members must not also re-index references: roster imports save thousands.
    add_to_reference_index = False
    history_view_class = ScopedHistoryView
    inspect_view_class = ScopedInspectView
    extra_views: dict[str, tuple[type, str]] = {}
    read_only = False

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs["usage_url_name"] = None
        for name in self.extra_views:
            view_kwargs[f"{name}_url_name"] = self.get_url_name(name)
        if self.read_only:
            view_kwargs.update(
                add_url_name=None, edit_url_name=None, delete_url_name=None, history_url_name=None
            )
        return view_kwargs

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def register_admin_url_finder(self):
        if not self.read_only:
            super().register_admin_url_finder()

    def get_urlpatterns(self):
        if self.read_only:
            urlpatterns = [
                path("", self.index_view, name="index"),
                path("results/", self.index_results_view, name="index_results"),
            ]
            if self.inspect_view_enabled:
                urlpatterns.append(path("inspect/<int:pk>/", self.inspect_view, name="inspect"))
        else:
            urlpatterns = [p for p in super().get_urlpatterns() if p.name != "usage"]
        for name, (view_class, suffix) in self.extra_views.items():
            view = self.construct_view(view_class)
            urlpatterns.append(path(f"{suffix}/<int:pk>/", view, name=name))
        return urlpatterns
