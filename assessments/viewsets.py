"""The assessment in the Wagtail admin: cycles (settings, indicators and rating questions inline,
phase history, the move to the next phase), objections during 公示 and the working-day calendar.

Cycles are scoped by assessments.access (the street's post-holders; superusers all), other
cycles answer 404; every write is a service call whose refusal is shown on the form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy

from core.admin.columns import DayColumn
from core.admin.filters import AdminFilterSet, choice_filter
from core.admin.forms import ServiceErrorsMixin
from core.admin.policies import EDIT_ACTIONS, AccessRulePolicy
from core.admin.views import ObjectFormView, ScopedSingleObjectMixin, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet
from orgchart import access as org_access

from . import access, services
from .models import (
    CYCLE_DATE_FIELDS,
    CYCLE_SETTINGS_FIELDS,
    AssessmentCycle,
    Holiday,
    HolidayKind,
    Objection,
    ObjectionStatus,
    Phase,
)

SETTINGS_FIELDS = list(CYCLE_SETTINGS_FIELDS)
DATE_FIELDS = list(CYCLE_DATE_FIELDS)


# Policies -------------------------------------------------------------------------------------


class CyclePolicy(AccessRulePolicy):
    """Street post-holders act on their street's cycles (assessments.access); no one else here."""

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.actions and access.is_assessment_manager(user)

    def scope(self, user, action: str) -> QuerySet:
        return access.manageable_cycles(user)

    def in_scope(self, user, action: str, instance: AssessmentCycle) -> bool:
        return access.can_manage_cycle(user, instance)


class ObjectionPolicy(CyclePolicy):
    """Objections of the cycles one manages: read and answered (never added or deleted here)."""

    def scope(self, user, action: str) -> QuerySet:
        return Objection.objects.filter(cycle__in=access.manageable_cycles(user))

    def in_scope(self, user, action: str, instance: Objection) -> bool:
        return access.can_manage_cycle(user, instance.cycle)


class HolidayPolicy(BasePermissionPolicy):
    """The national working-day calendar: every street manager may edit it."""

    actions = EDIT_ACTIONS | {"delete"}

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.actions and access.can_edit_holidays(user)

    def user_has_any_permission(self, user, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        return org_access.manager_users()

    def user_has_permission_for_instance(self, user, action: str, instance) -> bool:
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        if self.user_has_any_permission(user, actions):
            return Holiday.objects.all()
        return Holiday.objects.none()

    def users_with_any_permission_for_instance(self, actions: Iterable[str], instance) -> QuerySet:
        return org_access.manager_users()


POLICIES = {
    AssessmentCycle: CyclePolicy(AssessmentCycle, org_field="street"),
    Objection: ObjectionPolicy(Objection, org_field="cycle__street", actions=EDIT_ACTIONS - {"add"}),
    Holiday: HolidayPolicy(Holiday),
}


# Cycles ---------------------------------------------------------------------------------------


class StreetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CycleCreateForm(ServiceErrorsMixin, WagtailAdminModelForm):
    street = StreetChoiceField(label=gettext_lazy("Street"), queryset=AssessmentCycle.objects.none())
    copy_from = forms.ModelChoiceField(
        label=gettext_lazy("Copy indicators from"),
        queryset=AssessmentCycle.objects.none(),
        required=False,
        empty_label=gettext_lazy("The default indicator set"),
    )

    class Meta:
        model = AssessmentCycle
        fields = ["street", "year", *DATE_FIELDS, *SETTINGS_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = access.manageable_streets(self.for_user).order_by("path")
        self.fields["copy_from"].queryset = (
            access.manageable_cycles(self.for_user).select_related("street").order_by("-year")
        )


class CycleEditForm(ServiceErrorsMixin, WagtailAdminModelForm):
    """The cycle's dates and settings with its indicators inline (modelcluster keeps them in
    memory until the service saves, so a refusal writes nothing)."""


class CycleFilterSet(AdminFilterSet):
    phase = choice_filter(gettext_lazy("Phase"), Phase.choices)

    class Meta:
        model = AssessmentCycle
        fields = ["phase"]


class CycleIndexView(generic.IndexView):
    advance_url_name: str | None = None
    copy_indicators_url_name: str | None = None
    filterset_class = CycleFilterSet
    search_fields = ["street__name"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[AssessmentCycle]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("street")
            .order_by("-year", "street__path")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("__str__"),
            Column("year", label=gettext_lazy("Year")),
            Column("phase", label=gettext_lazy("Phase"), accessor="get_phase_display"),
            DayColumn("publicity_on", label=gettext_lazy("Public notice starts on")),
        ]

    def get_list_more_buttons(self, instance) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.phase != Phase.FINAL:
            url = reverse(self.advance_url_name, args=(quote(instance.pk),))
            buttons.append(
                MenuItem(_("Move to the next phase"), url, icon_name="arrow-right-full", priority=15)
            )
        return buttons


class CycleCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form) -> AssessmentCycle:
        data = {name: form.cleaned_data[name] for name in ["street", "year", *DATE_FIELDS, *SETTINGS_FIELDS]}
        return services.create_cycle(
            actor=self.request.user, copy_from=form.cleaned_data["copy_from"], **data
        )


class CycleEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    advance_url_name: str | None = None
    copy_indicators_url_name: str | None = None

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = list(super().header_more_buttons)
        if self.object.phase != Phase.FINAL:
            url = reverse(self.advance_url_name, args=(quote(self.object.pk),))
            buttons.append(
                Button(
                    _("Move to the next phase / phase history"),
                    url=url,
                    icon_name="arrow-right-full",
                    priority=30,
                )
            )
        if self.object.phase == Phase.DRAFT:
            url = reverse(self.copy_indicators_url_name, args=(quote(self.object.pk),))
            buttons.append(Button(_("Replace the indicators"), url=url, icon_name="copy", priority=31))
        return buttons

    def call_service(self, form) -> AssessmentCycle:
        cycle = form.save(commit=False)
        return services.save_cycle(cycle, actor=self.request.user)


class AdvanceForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class AdvanceView(ObjectFormView):
    """Move a cycle to its next phase now, by hand, through services.advance; shows the history."""

    form_class = AdvanceForm
    template_name = "assessments/admin/advance.html"
    page_title = gettext_lazy("Move to the next phase")
    header_icon = "arrow-right-full"
    submit_button_label = gettext_lazy("Move on")
    log_action = "assessments.advance"

    def perform(self, form) -> str:
        moved = services.advance_by_hand(
            self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        if moved is None:
            return _("The cycle had already moved on; nothing was changed.")
        return _("%(cycle)s is now in the phase %(phase)s.") % {
            "cycle": self.object,
            "phase": moved.get_to_phase_display(),
        }

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycle = self.object
        following = Phase.values.index(cycle.phase) + 1
        context.update(
            cycle=cycle,
            next_phase=Phase(Phase.values[following]).label if following < len(Phase.values) else None,
            window_end=services.publicity_window_end(cycle),
            open_objections=cycle.objections.filter(status=ObjectionStatus.OPEN).count(),
            transitions=cycle.transitions.select_related("actor"),
        )
        return context


class CopyIndicatorsForm(forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("Copy indicators from"),
        queryset=AssessmentCycle.objects.none(),
        required=False,
        empty_label=gettext_lazy("The default indicator set"),
    )

    def __init__(self, *args, cycle: AssessmentCycle, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            access.manageable_cycles(user).exclude(pk=cycle.pk).select_related("street").order_by("-year")
        )


class CopyIndicatorsView(ObjectFormView):
    """Replace a draft cycle's indicators with another cycle's (e.g. last year's) or the default set."""

    form_class = CopyIndicatorsForm
    page_title = gettext_lazy("Replace the indicators")
    header_icon = "copy"
    submit_button_label = gettext_lazy("Replace the indicators")
    intro = gettext_lazy("Only while the cycle is a draft. The current indicators are replaced.")
    log_action = "assessments.copy_indicators"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cycle": self.object, "user": self.request.user}

    def perform(self, form) -> str:
        source = form.cleaned_data["source"]
        if source is None:
            services.restore_default_indicators(self.object, actor=self.request.user)
        else:
            services.copy_indicators(source, self.object, actor=self.request.user)
        return _("The indicators of %(cycle)s were replaced.") % {"cycle": self.object}


class CycleViewSet(ScopedModelViewSet):
    """Assessment cycles of the streets the user holds a post in; never deleted (history hangs on them)."""

    model = AssessmentCycle
    name = "assessments_cycle"
    url_prefix = "assessments/cycles"
    icon = "list-ol"
    menu_order = 100
    index_view_class = CycleIndexView
    add_view_class = CycleCreateView
    edit_view_class = CycleEditView
    add_to_reference_index = False
    extra_views = {
        "advance": (AdvanceView, "advance"),
        "copy_indicators": (CopyIndicatorsView, "copy-indicators"),
    }
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel(name) for name in DATE_FIELDS])],
                heading=gettext_lazy("Phase dates"),
            ),
            MultiFieldPanel([FieldPanel(name) for name in SETTINGS_FIELDS], heading=gettext_lazy("Settings")),
            InlinePanel("indicators", heading=gettext_lazy("Indicators"), label=gettext_lazy("Indicator")),
            InlinePanel(
                "rating_questions",
                heading=gettext_lazy("Rating questions"),
                label=gettext_lazy("Rating question"),
                help_text=gettext_lazy("Editable until rating starts; ratings answer these questions."),
                panels=[FieldPanel("code"), FieldPanel("text"), FieldPanel("order")],
            ),
        ],
        base_form_class=CycleEditForm,
    )

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(panel=None, form_class=CycleCreateForm, **kwargs)

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name != "delete"]


# Objections -----------------------------------------------------------------------------------


class ObjectionAnswerForm(ServiceErrorsMixin, WagtailAdminModelForm):
    class Meta:
        model = Objection
        fields = ["answer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].required = True


class ObjectionIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Objection]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("cycle__street")
            .order_by("status", "-filed_at")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("text"),
            Column("cycle", label=gettext_lazy("Assessment cycle"), accessor="cycle"),
            DateColumn("filed_at", label=gettext_lazy("Filed at")),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        ]


class ObjectionAnswerView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    def call_service(self, form) -> Objection:
        return services.answer_objection(self.object, form.cleaned_data["answer"], actor=self.request.user)


class ObjectionViewSet(ScopedModelViewSet):
    """Objections filed during 公示, answered by the street's post-holders."""

    model = Objection
    name = "assessments_objection"
    url_prefix = "assessments/objections"
    icon = "warning"
    menu_order = 200
    index_view_class = ObjectionIndexView
    edit_view_class = ObjectionAnswerView
    form_fields = ["answer"]
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return ObjectionAnswerForm

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in {"add", "delete"}]


# Holidays -------------------------------------------------------------------------------------


class HolidayForm(WagtailAdminModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "kind", "name"]


class HolidayFilterSet(AdminFilterSet):
    kind = choice_filter(gettext_lazy("Kind"), HolidayKind.choices)

    class Meta:
        model = Holiday
        fields = ["kind"]


class HolidayIndexView(generic.IndexView):
    filterset_class = HolidayFilterSet
    search_fields = ["name"]
    search_backend_name = None
    default_ordering = "-date"

    @cached_property
    def columns(self):
        return [
            self._get_title_column("date"),
            Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display"),
            Column("name", label=gettext_lazy("Name")),
            Column("source", label=gettext_lazy("Source"), accessor="get_source_display"),
        ]


class HolidaySaveMixin(ServiceSaveMixin):
    def call_service(self, form) -> Holiday:
        return services.save_holiday(form.instance, actor=self.request.user)


class HolidayCreateView(HolidaySaveMixin, generic.CreateView):
    log_action = "wagtail.create"


class HolidayEditView(HolidaySaveMixin, generic.EditView):
    pass


class HolidayViewSet(ScopedModelViewSet):
    """The working-day calendar the 公示 window is counted in (seeded by `seed_holidays`)."""

    model = Holiday
    name = "assessments_holiday"
    url_prefix = "assessments/holidays"
    icon = "calendar"
    menu_order = 300
    list_per_page = 50
    index_view_class = HolidayIndexView
    add_view_class = HolidayCreateView
    edit_view_class = HolidayEditView
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return HolidayForm


class AssessmentViewSetGroup(ModelViewSetGroup):
    items = (CycleViewSet, ObjectionViewSet, HolidayViewSet)
    menu_icon = "list-ol"
    menu_order = 180

    @cached_property
    def menu_label(self):
        return gettext_lazy("三型 secretary assessment")
