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


class OfficerIndexView(generic.IndexView):
    """A listing of the rows the officer keeps, joined with `related`, in `ordering` (no search)."""

    search_fields = None
    search_backend_name = None
    related: tuple[str, ...] = ("community",)
    ordering: tuple[str, ...] = ("community__path", "pk")

    def get_base_queryset(self) -> QuerySet:
        return self.annotate(
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related(*self.related)
            .order_by(*self.ordering)
        )

    def annotate(self, rows: QuerySet) -> QuerySet:
        return rows


class OfficerViewSet(ScopedModelViewSet):
    """A read-only listing of `model` under residents/<slug> with the officers' policy."""

    read_only = True
    slug = ""

    def __init__(self, name=None, **kwargs):
        super().__init__(name or f"residents_{self.slug}", **kwargs)

    @cached_property
    def url_prefix(self) -> str:
        return f"residents/{self.slug}"

    @cached_property
    def permission_policy(self):
        return POLICIES[self.model]


class ResidentIndexView(OfficerIndexView):
    related = ("community", "housing")
    ordering = ("community__path", "-arrived_on", "pk")

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


class ResidentViewSet(OfficerViewSet):
    model = Resident
    slug = "registrations"
    inspect_view_enabled = True
    index_view_class = ResidentIndexView
    inspect_view_class = ResidentInspectView
    inspect_view_fields = ResidentInspectView.FIELDS
    icon = "user"
    menu_label = gettext_lazy("Migrant residents")


class HousingIndexView(OfficerIndexView):
    related = ("community", "landlord")
    ordering = ("community__path", "address")

    def annotate(self, rows: QuerySet) -> QuerySet:
        return queries.with_tenant_counts(rows)

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


class HousingViewSet(OfficerViewSet):
    model = Housing
    slug = "housing"
    index_view_class = HousingIndexView
    icon = "home"
    menu_label = gettext_lazy("Rented housing")


class LandlordIndexView(OfficerIndexView):
    related = ("community", "user")
    ordering = ("community__path", "name")

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


class LandlordViewSet(OfficerViewSet):
    model = Landlord
    slug = "landlords"
    index_view_class = LandlordIndexView
    icon = "key"
    menu_label = gettext_lazy("Landlords")


class ResidentsViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Migrant residents")
    menu_icon = "group"
    menu_order = 175
    items = (ResidentViewSet, HousingViewSet, LandlordViewSet)
