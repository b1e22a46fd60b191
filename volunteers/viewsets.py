"""Activities and volunteer teams in the Wagtail admin, scoped by the access rule (recurring
series: viewsets_series).

Both live here (not in activities/) because editing an activity touches its sign-ups (places may
be offered to the waiting list) and teams belong to this app; activities/ stays below volunteers/.
Listings show what the user manages (AccessRulePolicy on the organiser / the team's organisation);
saving calls the services, whose refusals are shown on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets import AdminDateTimeInput

from activities import services as activity_services
from activities.models import Activity, ActivityState
from core.admin.columns import MomentColumn
from core.admin.filters import AdminFilterSet, choice_filter
from core.admin.forms import ServiceErrorsMixin
from core.admin.policies import AccessRulePolicy
from core.admin.views import ScopedSingleObjectMixin, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet
from core.tree import paths_q
from orgchart import access as org_access
from orgchart.models import Organisation

from . import services
from .models import Team
from .viewsets_series import POLICIES as SERIES_POLICIES
from .viewsets_series import SeriesViewSet

ACTIVITY_FIELDS = [
    "kind",
    "meeting_type",
    "title",
    "description",
    "place",
    "starts_at",
    "ends_at",
    "capacity",
    "signup_deadline",
    "cancel_cutoff_hours",
    "eligibility",
]

POLICIES = {
    Activity: AccessRulePolicy(Activity, org_field="organiser"),
    Team: AccessRulePolicy(Team, org_field="organisation"),
    **SERIES_POLICIES,
}


class TreeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.indented_name


def _organisers(user) -> QuerySet[Organisation]:
    return org_access.manageable_organisations(user).open().order_by("path")


class ActivityForm(ServiceErrorsMixin, WagtailAdminModelForm):
    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS
        widgets = {
            "starts_at": AdminDateTimeInput,
            "ends_at": AdminDateTimeInput,
            "signup_deadline": AdminDateTimeInput,
        }


class ActivityCreateForm(ActivityForm):
    organiser = TreeChoiceField(label=_("Organiser"), queryset=Organisation.objects.none())
    open_now = forms.BooleanField(label=_("Open for sign-up at once"), required=False)

    class Meta(ActivityForm.Meta):
        fields = ["organiser", *ACTIVITY_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = _organisers(self.for_user)


class ActivityFilterSet(AdminFilterSet):
    state = choice_filter(_("State"), ActivityState.choices)

    class Meta:
        model = Activity
        fields = ["state"]


class ActivityIndexView(generic.IndexView):
    filterset_class = ActivityFilterSet
    search_fields = ["title", "place"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Activity]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("organiser")
            .order_by("-starts_at", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("title"),
            Column("organiser", label=_("Organiser"), accessor="organiser.name"),
            MomentColumn("starts_at", label=_("Starts at")),
            Column("state", label=_("State"), accessor="get_state_display"),
        ]


class ActivityCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form) -> Activity:
        return activity_services.create_activity(
            actor=self.request.user,
            organiser=form.cleaned_data["organiser"],
            open_now=form.cleaned_data["open_now"],
            **{name: form.cleaned_data[name] for name in ACTIVITY_FIELDS},
        )


class ActivityEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    def call_service(self, form) -> Activity:
        data = {name: form.cleaned_data[name] for name in ACTIVITY_FIELDS}
        return services.update_activity(self.object, actor=self.request.user, **data)


class _NoDelete:
    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name != "delete"]


class ActivityViewSet(_NoDelete, ScopedModelViewSet):
    """Activities of the organisations the user manages; cancelled on the organiser's page, never
    deleted (sign-ups and hours hang on them)."""

    model = Activity
    name = "volunteers_activity"
    url_prefix = "volunteers/activities"
    icon = "date"
    menu_order = 100
    list_per_page = 50
    index_view_class = ActivityIndexView
    add_view_class = ActivityCreateView
    edit_view_class = ActivityEditView
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return ActivityForm if for_update else ActivityCreateForm


def _people(user):
    """Logins a manager may put in a team: members and volunteers of the subtrees they manage."""
    paths = org_access.managed_paths(user)
    return (
        get_user_model()
        .objects.filter(
            Q(is_active=True)
            & (paths_q(paths, "member__organisation__path") | paths_q(paths, "volunteer__community__path"))
        )
        .order_by("username")
    )


class TeamForm(ServiceErrorsMixin, WagtailAdminModelForm):
    organisation = TreeChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    class Meta:
        model = Team
        fields = ["organisation", "name", "kind", "description", "leaders", "members", "activities"]
        widgets = {
            "leaders": forms.CheckboxSelectMultiple,
            "members": forms.CheckboxSelectMultiple,
            "activities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisers(self.for_user)
        people = _people(self.for_user)
        self.fields["leaders"].queryset = people
        self.fields["members"].queryset = people
        self.fields["activities"].queryset = (
            Activity.objects.in_subtrees(org_access.managed_paths(self.for_user))
            .exclude(state=ActivityState.CANCELLED)
            .order_by("-starts_at")
        )


class TeamIndexView(generic.IndexView):
    search_fields = ["name"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Team]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("organisation")
            .order_by("organisation__path", "name")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name"),
            Column("organisation", label=_("Organisation"), accessor="organisation.name"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
        ]


class TeamCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form) -> Team:
        return services.save_team(form.instance, actor=self.request.user, **_team_relations(form))


class TeamEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    def call_service(self, form) -> Team:
        return services.save_team(form.instance, actor=self.request.user, **_team_relations(form))


def _team_relations(form) -> dict:
    return {name: form.cleaned_data[name] for name in ("leaders", "members", "activities")}


class TeamViewSet(_NoDelete, ScopedModelViewSet):
    model = Team
    name = "volunteers_team"
    url_prefix = "volunteers/teams"
    icon = "group"
    menu_order = 200
    index_view_class = TeamIndexView
    add_view_class = TeamCreateView
    edit_view_class = TeamEditView
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return TeamForm


class VolunteerViewSetGroup(ModelViewSetGroup):
    items = (ActivityViewSet, SeriesViewSet, TeamViewSet)
    menu_icon = "date"
    menu_order = 160

    @cached_property
    def menu_label(self):
        return _("Volunteer service")
