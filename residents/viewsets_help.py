"""The service catalogue in the Wagtail admin: series, items, and the estates and roads that route
help requests, in a "Help requests" menu group with links to the staff pages and figures.

Scoped by AccessRulePolicy on the row's community (residents.access_help's rule): a community's
post-holders edit their community's catalogue only (another community's rows and forged ids: 404;
choices offer only their own community); the street's edit every community's and keep street-wide
series on the street itself. Series and items are written through residents.catalogue (its
checks and Chinese messages shown on the form); nothing is deleted that requests point at: an
item is stopped by unticking "offered", and only an unused item or series is deleted (the delete
page of a used one goes back to its edit page with the reason). An estate or road may be deleted.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from core.admin.forms import ServiceErrorsMixin
from core.admin.policies import AccessRulePolicy
from core.admin.views import ScopedSingleObjectMixin, ServiceDeleteMixin, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet

from . import access_help as access
from . import catalogue
from .models_help import ServiceArea, ServiceItem, ServiceSeries

HELP_POLICIES = {
    ServiceSeries: AccessRulePolicy(
        ServiceSeries, org_field="organisation", actions={"add", "change", "view", "delete"}
    ),
    ServiceItem: AccessRulePolicy(
        ServiceItem, org_field="series__organisation", actions={"add", "change", "view", "delete"}
    ),
    ServiceArea: AccessRulePolicy(
        ServiceArea, org_field="community", actions={"add", "change", "view", "delete"}
    ),
}


class CatalogueForm(ServiceErrorsMixin, WagtailAdminModelForm):
    """Organisation and series choices are those the user may edit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = access.catalogue_organisations(user).order_by("path")
        if "community" in self.fields:
            self.fields["community"].queryset = (
                access.catalogue_organisations(user).filter(depth=2).order_by("path")
            )
        if "series" in self.fields:
            self.fields["series"].queryset = access.manageable_series(user).select_related("organisation")
            self.fields["series"].label_from_instance = lambda s: f"{s.organisation.name} · {s.name}"

    def _get_validation_exclusions(self):
        """Series and item names are checked by residents.catalogue (its message names the
        series; the model's unique-constraint message does not); estates and roads, saved by the
        form itself, keep the model's checks."""
        exclude = super()._get_validation_exclusions()
        if self._meta.model is not ServiceArea:
            exclude.add("name")
        return exclude


def _service_kwargs(form) -> dict:
    return {name: form.cleaned_data.get(name) for name in form.fields}


class SeriesCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form) -> ServiceSeries:
        return catalogue.save_series(actor=self.request.user, **_service_kwargs(form))


class SeriesEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    def call_service(self, form) -> ServiceSeries:
        return catalogue.save_series(actor=self.request.user, series=self.object, **_service_kwargs(form))


class SeriesDeleteView(ScopedSingleObjectMixin, ServiceDeleteMixin, generic.DeleteView):
    def refusal_reason(self) -> str | None:
        return catalogue.series_refusal(self.object)

    def call_service(self) -> None:
        catalogue.delete_series(self.object, actor=self.request.user)


class ItemCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form) -> ServiceItem:
        return catalogue.save_item(actor=self.request.user, **_service_kwargs(form))


class ItemEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    def call_service(self, form) -> ServiceItem:
        return catalogue.save_item(actor=self.request.user, item=self.object, **_service_kwargs(form))


class ItemDeleteView(ScopedSingleObjectMixin, ServiceDeleteMixin, generic.DeleteView):
    def refusal_reason(self) -> str | None:
        return catalogue.item_refusal(self.object)

    def call_service(self) -> None:
        catalogue.delete_item(self.object, actor=self.request.user)


class ScopedEditView(ScopedSingleObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedSingleObjectMixin, generic.DeleteView):
    pass


class CatalogueViewSet(ScopedModelViewSet):
    add_to_reference_index = False
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    form_fields: tuple[str, ...] = ()
    deletable = False

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(self.model, form=CatalogueForm, fields=self.form_fields)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        if not self.deletable:
            view_kwargs["delete_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        dropped = set() if self.deletable else {"delete"}
        return [p for p in super().get_urlpatterns() if p.name not in dropped]


class SeriesIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[ServiceSeries]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("organisation")
            .annotate(item_count=Count("items"))
            .order_by("organisation__path", "order", "pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name"),
            Column("organisation", label=gettext_lazy("Community"), accessor="organisation.name"),
            Column("item_count", label=gettext_lazy("Items")),
        ]


class ServiceSeriesViewSet(CatalogueViewSet):
    model = ServiceSeries
    icon = "list-ul"
    name = "residents_service_series"
    url_prefix = "residents/service-series"
    index_view_class = SeriesIndexView
    add_view_class = SeriesCreateView
    edit_view_class = SeriesEditView
    delete_view_class = SeriesDeleteView
    form_fields = ("organisation", "name", "order")
    deletable = True


class ItemIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[ServiceItem]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("series__organisation")
            .order_by("series__organisation__path", "series__order", "order", "pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name"),
            Column("series", label=gettext_lazy("Series"), accessor="series.name"),
            Column("organisation", label=gettext_lazy("Community"), accessor="series.organisation.name"),
            Column("due_display", label=gettext_lazy("Answer within")),
            Column("active", label=gettext_lazy("Offered")),
        ]


class ServiceItemViewSet(CatalogueViewSet):
    model = ServiceItem
    icon = "tasks"
    name = "residents_service_items"
    url_prefix = "residents/service-items"
    index_view_class = ItemIndexView
    add_view_class = ItemCreateView
    edit_view_class = ItemEditView
    delete_view_class = ItemDeleteView
    form_fields = (
        "series",
        "name",
        "description",
        "due_unit",
        "due_hours",
        "due_working_days",
        "active",
        "order",
    )
    deletable = True


class AreaIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[ServiceArea]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("community")
            .order_by("community__path", "name")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name"),
            Column("community", label=gettext_lazy("Community"), accessor="community.name"),
        ]


class ServiceAreaViewSet(CatalogueViewSet):
    model = ServiceArea
    icon = "site"
    name = "residents_service_areas"
    url_prefix = "residents/service-areas"
    index_view_class = AreaIndexView
    form_fields = ("community", "name")
    deletable = True


class HelpViewSetGroup(ModelViewSetGroup):
    items = (ServiceSeriesViewSet, ServiceItemViewSet, ServiceAreaViewSet)
    menu_icon = "help"
    menu_order = 178

    @cached_property
    def menu_label(self):
        return gettext_lazy("Service catalogue")


def staff_page_urls() -> dict[str, str]:
    return {"requests": reverse("residents_help:index"), "figures": reverse("residents_help:figures")}
