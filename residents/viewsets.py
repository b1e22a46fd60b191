"""Residents in the Wagtail admin, read-only: registrations listed masked, the full record on the
inspect page (each opening is one audit row, as on the site's record page), rented housing with
its tenant count and overcrowding, landlords with masked phones. Officers only (residents.access);
changes go through the site's forms, which call residents.services; housing and landlords link to
their site pages (residents.views_housing)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from core.admin.policies import READ_ONLY, AccessRulePolicy
from core.admin.views import ScopedInspectView
from core.admin.viewsets import ScopedModelViewSet
from core.tree import paths_q

from . import access, audit, queries
from .models import Housing, Landlord, Resident


class OfficerPolicy(AccessRulePolicy):
    """Rows of the communities an officer keeps (residents.access.officer_paths)."""

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.actions and access.is_officer(user)

    def scope(self, user, action: str) -> QuerySet:
        q = paths_q(access.officer_paths(user), "community__path")
        return self.model._default_manager.filter(q)

    def in_scope(self, user, action: str, instance) -> bool:
        return access.is_officer_of(user, instance.community)


POLICIES = {
    model: OfficerPolicy(model, org_field="community", actions=READ_ONLY)
    for model in (Resident, Housing, Landlord)
}


class ResidentIndexView(generic.IndexView):
    search_fields = None
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Resident]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("community", "housing")
            .order_by("community__path", "-arrived_on", "pk")
        )

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "masked_name",
                label=gettext_lazy("Full name"),
                accessor="masked_name",
                get_url=lambda r: reverse(self.inspect_url_name, args=[r.pk]),
            ),
            Column("id_number_masked", label=gettext_lazy("ID number"), accessor="id_number_masked"),
            Column("masked_phone", label=gettext_lazy("Mobile"), accessor="masked_phone"),
            Column("category", label=gettext_lazy("Category"), accessor="get_category_display"),
            Column("community", label=gettext_lazy("Community"), accessor="community.name"),
            DateColumn("arrived_on", label=gettext_lazy("Arrived on")),
            DateColumn("left_on", label=gettext_lazy("Left on")),
        ]


class ResidentInspectView(ScopedInspectView):
    """The full record; opening it writes one audit row."""

    FIELDS = [
        "name",
        "id_number",
        "gender",
        "birth_date",
        "origin",
        "phone",
        "category",
        "joined_person",
        "relation",
        "school",
        "course",
        "community",
        "housing",
        "arrived_on",
        "left_on",
        "leave_reason",
    ]

    def get_object(self, queryset=None):
        resident = super().get_object(queryset)
        audit.record_read(self.request.user, resident)
        return resident

    def get_field_label(self, field_name, field):
        if field_name == "id_number":
            return str(gettext_lazy("ID number"))
        return super().get_field_label(field_name, field)


class ResidentViewSet(ScopedModelViewSet):
    model = Resident
    read_only = True
    inspect_view_enabled = True
    index_view_class = ResidentIndexView
    inspect_view_class = ResidentInspectView
    inspect_view_fields = ResidentInspectView.FIELDS
    permission_policy = POLICIES[Resident]
    icon = "user"
    menu_label = gettext_lazy("Migrant residents")
    url_prefix = "residents/registrations"
    name = "residents_registrations"


class HousingIndexView(generic.IndexView):
    search_fields = None
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Housing]:
        return queries.with_tenant_counts(
            self.permission_policy.instances_user_has_permission_for(
                self.request.user, "view"
            ).select_related("community", "landlord")
        ).order_by("community__path", "address")

    @cached_property
    def columns(self):
        return [
            # Changes are made on the site's pages (residents.views_housing); the admin links there.
            TitleColumn(
                "address",
                label=gettext_lazy("Address"),
                get_url=lambda h: reverse("residents:edit_housing", args=[h.pk]),
            ),
            Column("community", label=gettext_lazy("Community"), accessor="community.name"),
            Column("landlord", label=gettext_lazy("Landlord's name"), accessor="landlord.name"),
            Column("beds", label=gettext_lazy("Beds")),
            Column("tenant_count", label=gettext_lazy("Registered tenants"), accessor="tenant_count"),
        ]


class HousingViewSet(ScopedModelViewSet):
    model = Housing
    read_only = True
    index_view_class = HousingIndexView
    permission_policy = POLICIES[Housing]
    icon = "home"
    menu_label = gettext_lazy("Rented housing")
    url_prefix = "residents/housing"
    name = "residents_housing"


class LandlordIndexView(generic.IndexView):
    search_fields = None
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Landlord]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("community", "user")
            .order_by("community__path", "name")
        )

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=gettext_lazy("Landlord's name"),
                get_url=lambda landlord: reverse("residents:landlord_detail", args=[landlord.pk]),
            ),
            Column("masked_phone", label=gettext_lazy("Contact phone"), accessor="masked_phone"),
            Column("community", label=gettext_lazy("Community"), accessor="community.name"),
            Column("login", label=gettext_lazy("Login name"), accessor="user.username"),
        ]


class LandlordViewSet(ScopedModelViewSet):
    model = Landlord
    read_only = True
    index_view_class = LandlordIndexView
    permission_policy = POLICIES[Landlord]
    icon = "key"
    menu_label = gettext_lazy("Landlords")
    url_prefix = "residents/landlords"
    name = "residents_landlords"


class ResidentsViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Migrant residents")
    menu_icon = "group"
    menu_order = 175
    items = (ResidentViewSet, HousingViewSet, LandlordViewSet)
