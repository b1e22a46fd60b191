"""The street's 三会一课 requirements in the Wagtail admin: meetings per period, 学时 per year.

Only managers of a whole street (or superusers) see them, and only their street's rows. The rows
are written with the defaults of DOMAIN.md on first use (opening the listing); they are edited,
never added or deleted: there is one row per meeting type and one 学时 figure per street.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from core.admin.forms import ServiceErrorsMixin
from core.admin.policies import AccessRulePolicy
from core.admin.views import ScopedSingleObjectMixin, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet
from orgchart import access as org_access

from . import access, services
from .models import MeetingRequirement, StudyRequirement

CHANGE_ONLY = frozenset({"change", "view"})


class StreetRequirementPolicy(AccessRulePolicy):
    """The access rule on the row's street, for street managers only; edit, never add or delete."""

    actions = CHANGE_ONLY

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.actions and org_access.is_street_manager(user)


POLICIES = {
    MeetingRequirement: StreetRequirementPolicy(MeetingRequirement, org_field="street"),
    StudyRequirement: StreetRequirementPolicy(StudyRequirement, org_field="street"),
}


class _EnsureDefaultsIndexView(generic.IndexView):
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet:
        for street in access.compliance_roots(self.request.user).filter(depth=1):
            services.ensure_requirements(street)
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "change"
        ).select_related("street")


class MeetingRequirementIndexView(_EnsureDefaultsIndexView):
    @cached_property
    def columns(self):
        return [
            self._get_title_column("meeting_type", accessor="get_meeting_type_display"),
            Column("org_kind", label=_("Held by"), accessor="get_org_kind_display"),
            Column("count", label=_("Meetings required")),
            Column("period", label=_("Per"), accessor="get_period_display"),
            Column("street", label=_("Street"), accessor="street.name"),
        ]


class StudyRequirementIndexView(_EnsureDefaultsIndexView):
    @cached_property
    def columns(self):
        return [
            self._get_title_column("street", accessor="street.name"),
            Column("hours_per_year", label=_("Study hours per member per year")),
        ]


class RequirementEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    fields_saved: tuple[str, ...] = ()

    def call_service(self, form):
        return services.save_requirement(
            self.object, actor=self.request.user, **{f: form.cleaned_data[f] for f in self.fields_saved}
        )


class MeetingRequirementEditView(RequirementEditView):
    fields_saved = ("count", "period")


class StudyRequirementEditView(RequirementEditView):
    fields_saved = ("hours_per_year",)


class MeetingRequirementForm(ServiceErrorsMixin, WagtailAdminModelForm):
    class Meta:
        model = MeetingRequirement
        fields = ["count", "period"]


class StudyRequirementForm(ServiceErrorsMixin, WagtailAdminModelForm):
    class Meta:
        model = StudyRequirement
        fields = ["hours_per_year"]


class _EditOnly(ScopedModelViewSet):
    add_to_reference_index = False
    inspect_view_enabled = False

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in ("add", "delete")]


class MeetingRequirementViewSet(_EditOnly):
    model = MeetingRequirement
    name = "sanhui_meetings"
    url_prefix = "sanhui/meetings"
    icon = "date"
    menu_order = 100
    index_view_class = MeetingRequirementIndexView
    edit_view_class = MeetingRequirementEditView

    def get_form_class(self, for_update=False):
        return MeetingRequirementForm


class StudyRequirementViewSet(_EditOnly):
    model = StudyRequirement
    name = "sanhui_study"
    url_prefix = "sanhui/study"
    icon = "doc-full"
    menu_order = 200
    index_view_class = StudyRequirementIndexView
    edit_view_class = StudyRequirementEditView

    def get_form_class(self, for_update=False):
        return StudyRequirementForm


class SanhuiViewSetGroup(ModelViewSetGroup):
    items = (MeetingRequirementViewSet, StudyRequirementViewSet)
    menu_icon = "list-ul"
    menu_order = 170

    @cached_property
    def menu_label(self):
        return _("Organisation-life requirements")
