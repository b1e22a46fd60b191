"""Co-building in the Wagtail admin: outside units, agreements (put in force, end), the three lists
(resources, needs with their matching suggestions, projects) and report-ins (双报到).

Every listing is scoped by cobuilding.access through the permission policies (a community's
post-holders see its rows, the street's everything under it); rows outside answer 404. Every
write is a service call whose refusal is shown on the form and writes nothing. Phones are masked
in lists, as members' mobiles are.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from core.admin.columns import DayColumn
from core.admin.filters import AdminFilterSet, choice_filter
from core.admin.forms import BoundedModelMultipleChoiceField, ServiceErrorsMixin
from core.admin.policies import READ_ONLY, AccessRulePolicy
from core.admin.views import ObjectFormView, ScopedSingleObjectMixin, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet

from . import access, matching, services, viewsets_meetings
from .models import (
    Agreement,
    AgreementStatus,
    Need,
    NeedStatus,
    OutsideUnit,
    Project,
    ProjectStatus,
    ReportIn,
    Resource,
    ResourceKind,
    UnitContact,
)
from .viewsets_answers import AgreementInspectView, AnswersView
from .viewsets_contacts import POLICY as UNIT_CONTACT_POLICY
from .viewsets_contacts import UnitContactViewSet
from .viewsets_editing import EditAgreementView, EditNeedView, EditResourceView

ADD_AND_VIEW = frozenset({"add", "view", "change"})

POLICIES = {
    OutsideUnit: AccessRulePolicy(OutsideUnit, org_field="organisation", actions=ADD_AND_VIEW),
    Agreement: AccessRulePolicy(Agreement, org_field="community", actions=ADD_AND_VIEW),
    Resource: AccessRulePolicy(Resource, org_field="community", actions=ADD_AND_VIEW),
    Need: AccessRulePolicy(Need, org_field="community", actions=ADD_AND_VIEW),
    Project: AccessRulePolicy(Project, org_field="need__community", actions=READ_ONLY | {"change"}),
    # The residence community and the member's home branch both see (and may end) a report-in.
    ReportIn: AccessRulePolicy(
        ReportIn, org_field=("community", "member__organisation"), actions=ADD_AND_VIEW
    ),
    **viewsets_meetings.POLICIES,
    UnitContact: UNIT_CONTACT_POLICY,
}


class ScopedChoicesForm(ServiceErrorsMixin, WagtailAdminModelForm):
    """A create form whose organisation and unit choices are those the user may pick."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        choices = {
            "community": access.choosable_communities(user),
            "organisation": access.choosable_communities(user),
            "unit_org": access.choosable_unit_orgs(user),
            "outside_unit": access.choosable_outside_units(user),
            "published_to_orgs": access.choosable_unit_orgs(user),
            "published_to_outside": access.choosable_outside_units(user),
            "member": access.choosable_report_in_members(user),
        }
        for name, queryset in choices.items():
            if name not in self.fields:
                continue
            field = self.fields[name]
            if isinstance(field, forms.ModelMultipleChoiceField):
                self.fields[name] = BoundedModelMultipleChoiceField.replacing(field, queryset)
            else:
                field.queryset = queryset


def _data(form, names) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in names}


class CreateThroughService(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"
    service = None
    service_fields: tuple[str, ...] = ()

    def get_success_buttons(self) -> list:
        return []  # rows are not edited freely: no "Edit" button

    def get_success_url(self) -> str:
        return reverse(self.index_url_name)

    def call_service(self, form):
        return type(self).service(actor=self.request.user, **_data(form, self.service_fields))


class CobuildingViewSet(ScopedModelViewSet):
    """Rows are added through a service and then acted on by named actions, never edited freely."""

    add_to_reference_index = False
    inspect_view_enabled = True
    create_form_fields: tuple[str, ...] = ()

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(self.model, form=ScopedChoicesForm, fields=self.create_form_fields)

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "edit_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in {"edit", "delete", "history"}]


# Outside units -------------------------------------------------------------------------------


class OutsideUnitIndexView(generic.IndexView):
    search_fields = ["name", "contact_name"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[OutsideUnit]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("organisation")
            .order_by("name", "pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name"),
            Column("organisation", label=gettext_lazy("Recorded by"), accessor="organisation.name"),
            Column("contact_name", label=gettext_lazy("Contact person")),
            Column("masked_contact_phone", label=gettext_lazy("Contact phone")),
        ]


class OutsideUnitCreateView(CreateThroughService):
    service = services.record_outside_unit
    service_fields = ("organisation", "name", "address", "contact_name", "contact_phone")


class OutsideUnitViewSet(CobuildingViewSet):
    model = OutsideUnit
    name = "cobuilding_outsideunit"
    url_prefix = "cobuilding/outside-units"
    icon = "site"
    menu_order = 100
    index_view_class = OutsideUnitIndexView
    add_view_class = OutsideUnitCreateView
    create_form_fields = OutsideUnitCreateView.service_fields
    inspect_view_fields = ["organisation", "name", "address", "contact_name"]


# Agreements ----------------------------------------------------------------------------------


class AgreementFilterSet(AdminFilterSet):
    status = choice_filter(gettext_lazy("Status"), AgreementStatus.choices)

    class Meta:
        model = Agreement
        fields = ["status"]


def expiry_mark(agreement: Agreement) -> str:
    return _("Ends soon") if agreement.expires_soon else ""


class AgreementIndexView(generic.IndexView):
    filterset_class = AgreementFilterSet
    activate_url_name: str | None = None
    end_url_name: str | None = None
    change_url_name: str | None = None

    def get_base_queryset(self) -> QuerySet[Agreement]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("community", "unit_org", "outside_unit")
            .order_by("-starts_on", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("__str__"),
            DayColumn("starts_on", label=gettext_lazy("Term starts")),
            DayColumn("ends_on", label=gettext_lazy("Term ends")),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
            Column("expires_soon", label=gettext_lazy("Ends within 30 days"), accessor=expiry_mark),
            Column("unit_contact", label=gettext_lazy("Unit contact")),
            Column("masked_unit_contact_phone", label=gettext_lazy("Unit contact phone")),
        ]

    def get_list_more_buttons(self, instance) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.status != AgreementStatus.ENDED:
            url = reverse(self.change_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Edit"), url, icon_name="edit", priority=14))
        if instance.status == AgreementStatus.DRAFT:
            url = reverse(self.activate_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Put in force"), url, icon_name="check", priority=15))
        if instance.status != AgreementStatus.ENDED:
            url = reverse(self.end_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("End the agreement"), url, icon_name="cross", priority=16))
        return buttons


class AgreementCreateView(CreateThroughService):
    service = services.create_agreement
    service_fields = (
        "community",
        "unit_org",
        "outside_unit",
        "starts_on",
        "ends_on",
        "signed_on",
        "community_contact",
        "community_contact_phone",
        "unit_contact",
        "unit_contact_phone",
        "content",
        "status",
    )


class ConfirmForm(forms.Form):
    pass


class EndForm(forms.Form):
    ended_on = forms.DateField(
        label=gettext_lazy("Ended on"), required=False, help_text=gettext_lazy("Today if left empty.")
    )


class ActivateAgreementView(ObjectFormView):
    form_class = ConfirmForm
    page_title = gettext_lazy("Put the agreement in force")
    submit_button_label = gettext_lazy("Put in force")
    header_icon = "check"
    log_action = "cobuilding.activate"

    def perform(self, form) -> str:
        services.activate_agreement(self.object, actor=self.request.user)
        return _("The agreement is in force.")


class EndObjectView(ObjectFormView):
    """Ends a row (an agreement, a report-in) on a date through its service: `end_service(obj,
    actor=, ended_on=)`; says `done_message`."""

    form_class = EndForm
    header_icon = "cross"
    end_service = None
    done_message = ""

    def perform(self, form) -> str:
        self.end_service(self.object, actor=self.request.user, ended_on=form.cleaned_data["ended_on"])
        return str(self.done_message)


class EndAgreementView(EndObjectView):
    page_title = gettext_lazy("End the agreement")
    submit_button_label = gettext_lazy("End the agreement")
    log_action = "cobuilding.end"
    end_service = staticmethod(services.end_agreement)
    done_message = gettext_lazy("The agreement has ended.")


class AgreementViewSet(CobuildingViewSet):
    model = Agreement
    name = "cobuilding_agreement"
    url_prefix = "cobuilding/agreements"
    icon = "doc-full"
    menu_order = 200
    index_view_class = AgreementIndexView
    add_view_class = AgreementCreateView
    inspect_view_class = AgreementInspectView
    create_form_fields = AgreementCreateView.service_fields
    inspect_view_fields = [
        "community",
        "unit_org",
        "outside_unit",
        "starts_on",
        "ends_on",
        "signed_on",
        "status",
        "community_contact",
        "unit_contact",
        "content",
        "part_time_posts",
    ]
    extra_views = {
        "activate": (ActivateAgreementView, "activate"),
        "end": (EndAgreementView, "end"),
        "change": (EditAgreementView, "change"),
    }


# Resources -------------------------------------------------------------------------------------


class KindFilterSet(AdminFilterSet):
    kind = choice_filter(gettext_lazy("Kind"), ResourceKind.choices)


class ResourceFilterSet(KindFilterSet):
    class Meta:
        model = Resource
        fields = ["kind"]


class ResourceIndexView(generic.IndexView):
    filterset_class = ResourceFilterSet
    change_url_name: str | None = None

    def get_list_more_buttons(self, instance) -> list:
        url = reverse(self.change_url_name, args=(quote(instance.pk),))
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(_("Edit"), url, icon_name="edit", priority=14),
        ]

    def get_base_queryset(self) -> QuerySet[Resource]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("community", "unit_org", "outside_unit")
            .order_by("kind", "available_from", "pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("__str__"),
            Column("community", label=gettext_lazy("List of"), accessor="community.name"),
            Column("quantity", label=gettext_lazy("Quantity")),
            DayColumn("available_from", label=gettext_lazy("Available from")),
            DayColumn("available_until", label=gettext_lazy("Available until")),
        ]


class ResourceCreateView(CreateThroughService):
    service = services.add_resource
    service_fields = (
        "community",
        "unit_org",
        "outside_unit",
        "kind",
        "description",
        "quantity",
        "available_from",
        "available_until",
    )


class ResourceViewSet(CobuildingViewSet):
    model = Resource
    name = "cobuilding_resource"
    url_prefix = "cobuilding/resources"
    icon = "folder-open-inverse"
    menu_order = 300
    index_view_class = ResourceIndexView
    add_view_class = ResourceCreateView
    create_form_fields = ResourceCreateView.service_fields
    extra_views = {"change": (EditResourceView, "change")}


# Needs and their suggestions -------------------------------------------------------------------


class NeedFilterSet(KindFilterSet):
    status = choice_filter(gettext_lazy("Status"), NeedStatus.choices)

    class Meta:
        model = Need
        fields = ["kind", "status"]


class NeedIndexView(generic.IndexView):
    filterset_class = NeedFilterSet
    match_url_name: str | None = None
    change_url_name: str | None = None
    answers_url_name: str | None = None

    def get_base_queryset(self) -> QuerySet[Need]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("community")
            .order_by("-wanted_from", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("__str__"),
            Column("description", label=gettext_lazy("Description")),
            DayColumn("wanted_from", label=gettext_lazy("Wanted from")),
            DayColumn("wanted_until", label=gettext_lazy("Wanted until")),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        ]

    def get_list_more_buttons(self, instance) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.status == NeedStatus.OPEN:
            url = reverse(self.match_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Suggestions"), url, icon_name="search", priority=15))
            url = reverse(self.change_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Edit"), url, icon_name="edit", priority=14))
        url = reverse(self.answers_url_name, args=(quote(instance.pk),))
        buttons.append(MenuItem(_("Answers from units"), url, icon_name="mail", priority=16))
        return buttons


class NeedCreateView(CreateThroughService):
    service_fields = ("community", "kind", "description", "wanted_from", "wanted_until")

    def call_service(self, form) -> Need:
        published = [
            *(form.cleaned_data.get("published_to_orgs") or []),
            *(form.cleaned_data.get("published_to_outside") or []),
        ]
        return services.add_need(
            actor=self.request.user, published_to=published, **_data(form, self.service_fields)
        )


def resource_label(suggestion: matching.Suggestion, resource: Resource) -> str:
    until = f"{resource.available_until:%Y-%m-%d}" if resource.available_until else ""
    return (
        f"{suggestion.unit} · {resource.get_kind_display()} ×{resource.quantity} · "
        f"{resource.available_from:%Y-%m-%d}–{until}"
    )


class MatchForm(forms.Form):
    resources = BoundedModelMultipleChoiceField(
        label=gettext_lazy("Resources"), queryset=Resource.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=gettext_lazy("Project title"), required=False, max_length=200)

    def __init__(self, *args, suggestions: list[matching.Suggestion], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["resources"]
        field.queryset = Resource.objects.filter(pk__in=[r.pk for s in suggestions for r in s.resources])
        # Best suggestion first, each unit's resources together.
        field.choices = [(r.pk, resource_label(s, r)) for s in suggestions for r in s.resources]


class MatchView(ObjectFormView):
    """The need's matching suggestions, best first; ticking resources makes the project in one step."""

    form_class = MatchForm
    template_name = "cobuilding/admin/match.html"
    page_title = gettext_lazy("Suggestions")
    submit_button_label = gettext_lazy("Make a project")
    header_icon = "search"
    log_action = "cobuilding.project"

    @cached_property
    def suggestions(self) -> list[matching.Suggestion]:
        need = Need.objects.select_related("community").get(pk=self.object.pk)
        return matching.suggestions_for(need, actor=self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "suggestions": self.suggestions}

    def perform(self, form) -> str:
        project = services.make_project_from_match(
            self.object,
            form.cleaned_data["resources"],
            actor=self.request.user,
            title=form.cleaned_data["title"],
        )
        return _("Project “%(title)s” made.") % {"title": project.title}

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "suggestions": self.suggestions}


class NeedViewSet(CobuildingViewSet):
    model = Need
    name = "cobuilding_need"
    url_prefix = "cobuilding/needs"
    icon = "help"
    menu_order = 400
    index_view_class = NeedIndexView
    add_view_class = NeedCreateView
    create_form_fields = (*NeedCreateView.service_fields, "published_to_orgs", "published_to_outside")
    extra_views = {
        "match": (MatchView, "match"),
        "change": (EditNeedView, "change"),
        "answers": (AnswersView, "answers"),
    }


# Projects ----------------------------------------------------------------------------------------


class ProjectFilterSet(AdminFilterSet):
    status = choice_filter(gettext_lazy("Status"), ProjectStatus.choices)

    class Meta:
        model = Project
        fields = ["status"]


class ProjectIndexView(generic.IndexView):
    filterset_class = ProjectFilterSet

    def get_base_queryset(self) -> QuerySet[Project]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("need__community")
            .order_by("-created_at", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("title"),
            Column("need", label=gettext_lazy("Need"), accessor="need"),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        ]


class ProjectForm(ServiceErrorsMixin, WagtailAdminModelForm):
    class Meta:
        model = Project
        fields = ["status", "outcome"]


class ProjectEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    def call_service(self, form) -> Project:
        return services.update_project(
            self.object,
            actor=self.request.user,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
        )


class ProjectViewSet(ScopedModelViewSet):
    """Projects are made from a need's suggestions; here their status and outcome move on."""

    model = Project
    name = "cobuilding_project"
    url_prefix = "cobuilding/projects"
    icon = "tasks"
    menu_order = 500
    index_view_class = ProjectIndexView
    edit_view_class = ProjectEditView
    inspect_view_enabled = True
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return ProjectForm

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in {"add", "delete"}]


# Report-ins (双报到) -------------------------------------------------------------------------------


class ReportInIndexView(generic.IndexView):
    end_url_name: str | None = None

    def get_base_queryset(self) -> QuerySet[ReportIn]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("member__organisation", "community")
            .order_by("-reported_on", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("member"),
            Column("home", label=gettext_lazy("Home branch"), accessor="member.organisation.name"),
            Column("community", label=gettext_lazy("Residence community"), accessor="community.name"),
            DayColumn("reported_on", label=gettext_lazy("Reported in on")),
            Column("skills", label=gettext_lazy("Skills offered")),
            DayColumn("ended_on", label=gettext_lazy("Ended on")),
        ]

    def get_list_more_buttons(self, instance) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.ended_on is None:
            url = reverse(self.end_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("End the report-in"), url, icon_name="cross", priority=15))
        return buttons


class ReportInCreateView(CreateThroughService):
    service = services.report_in
    service_fields = ("member", "community", "reported_on", "skills")


class EndReportInView(EndObjectView):
    page_title = gettext_lazy("End the report-in")
    submit_button_label = gettext_lazy("End the report-in")
    log_action = "cobuilding.end_report_in"
    end_service = staticmethod(services.end_report_in)
    done_message = gettext_lazy("The report-in has ended.")


class ReportInViewSet(CobuildingViewSet):
    model = ReportIn
    name = "cobuilding_reportin"
    url_prefix = "cobuilding/report-ins"
    icon = "user"
    menu_order = 600
    index_view_class = ReportInIndexView
    add_view_class = ReportInCreateView
    create_form_fields = ReportInCreateView.service_fields
    extra_views = {"end": (EndReportInView, "end")}


class CobuildingViewSetGroup(ModelViewSetGroup):
    items = (
        AgreementViewSet,
        ResourceViewSet,
        NeedViewSet,
        ProjectViewSet,
        ReportInViewSet,
        viewsets_meetings.MeetingViewSet,
        viewsets_meetings.DecisionViewSet,
        OutsideUnitViewSet,
        UnitContactViewSet,
    )
    menu_icon = "group"
    menu_order = 190

    @cached_property
    def menu_label(self):
        return gettext_lazy("Co-building")
