"""Posts in the admin: listing with holders, create, inspect, appoint and vacate."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from core.admin.filters import AdminFilterSet, choice_filter
from core.admin.views import ObjectFormView, ScopedInspectView, ServiceSaveMixin

from .. import admin_forms, queries, services
from ..models import (
    OrgKind,
    Post,
    PostTitle,
    Tenure,
)
from .base import OrgchartViewSet

# Part-time (兼职) posts are held in the street or a community committee.
PART_TIME_POST_KINDS = (OrgKind.STREET, OrgKind.COMMUNITY)


class HolderColumn(Column):
    """The current holder, or a clearly visible "vacant" tag."""

    cell_template_name = "orgchart/admin/holder_cell.html"


class PostFilterSet(AdminFilterSet):
    title = choice_filter(gettext_lazy("Post"), PostTitle.choices)
    vacancy = choice_filter(
        gettext_lazy("Holder"),
        [("vacant", gettext_lazy("Vacant")), ("filled", gettext_lazy("Filled"))],
        method="filter_vacancy",
    )

    class Meta:
        model = Post
        fields = ["title"]

    def filter_vacancy(self, queryset, name, value):
        if not value:
            return queryset
        filled = queries.post_filled_exists()
        return queryset.filter(filled if value == "filled" else ~filled)


class PostIndexView(generic.IndexView):
    filterset_class = PostFilterSet
    search_fields = ["organisation__name"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Post]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("organisation")
            .annotate(**queries.current_holder())
            .order_by("organisation__path", "title")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("title"),
            Column("organisation", label=_("Organisation"), accessor="organisation.indented_name"),
            HolderColumn("holder_name", label=_("Current holder")),
        ]


class PostCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"
    inspect_url_name = None

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if org := self.request.GET.get("organisation"):
            initial["organisation"] = org
        return initial

    def call_service(self, form) -> Post:
        # The choices are already the user's subtree; the service checks again next to the write.
        return services.ensure_post(
            form.cleaned_data["organisation"], form.cleaned_data["title"], actor=self.request.user
        )

    def get_success_url(self) -> str:
        return reverse(self.inspect_url_name, args=(quote(self.object.pk),))

    def get_success_buttons(self) -> list:
        return []


class PostInspectView(ScopedInspectView):
    template_name = "orgchart/admin/post_inspect.html"
    appoint_url_name = None
    appoint_part_time_url_name = None
    vacate_url_name = None
    scope_action = "change"

    @cached_property
    def current_tenure(self) -> Tenure | None:
        tenure = self.object.current_tenure()
        if tenure is not None and tenure.part_time:
            tenure = Tenure.objects.select_related("member", "from_organisation").get(pk=tenure.pk)
        return tenure

    @cached_property
    def header_more_buttons(self) -> list:
        pk = quote(self.object.pk)
        if self.object.organisation.is_closed:
            return []
        buttons = [Button(_("Appoint"), url=reverse(self.appoint_url_name, args=(pk,)), icon_name="user")]
        if self.object.organisation.kind in PART_TIME_POST_KINDS:
            buttons.append(
                Button(
                    _("Appoint part-time"),
                    url=reverse(self.appoint_part_time_url_name, args=(pk,)),
                    icon_name="group",
                )
            )
        if self.current_tenure:
            buttons.append(
                Button(_("Vacate"), url=reverse(self.vacate_url_name, args=(pk,)), icon_name="cross")
            )
        return buttons

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["current_tenure"] = self.current_tenure
        context["tenures"] = self.object.tenures.select_related("member__organisation", "from_organisation")
        return context


class AppointView(ObjectFormView):
    form_class = admin_forms.AppointForm
    page_title = gettext_lazy("Appoint")
    header_icon = "user"
    submit_button_label = gettext_lazy("Appoint")
    intro = gettext_lazy("The current holder's term ends the day before the new term starts.")
    log_action = "orgchart.appoint"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.appoint(
            self.object,
            data["member"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            actor=self.request.user,
        )
        return _("%(member)s appointed %(post)s.") % {"member": data["member"].name, "post": self.object}


class AppointPartTimeView(ObjectFormView):
    """Cross-holding (双向进入、交叉任职): a unit's leader takes a part-time post here."""

    form_class = admin_forms.PartTimeAppointForm
    page_title = gettext_lazy("Appoint part-time")
    header_icon = "group"
    submit_button_label = gettext_lazy("Appoint")
    intro = gettext_lazy(
        "A member of a unit party organisation of the street holds this post part-time (兼职). "
        "They manage what the post manages while the term runs, and no longer once it ends."
    )
    log_action = "orgchart.appoint"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "origins": services.part_time_origins(self.object),
            "candidates": services.part_time_candidates(self.object),
        }

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.appoint(
            self.object,
            data["member"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            from_organisation=data["from_organisation"],
            actor=self.request.user,
        )
        return _("%(member)s appointed %(post)s (part-time).") % {
            "member": data["member"].name,
            "post": self.object,
        }


class VacateView(ObjectFormView):
    form_class = admin_forms.VacateForm
    page_title = gettext_lazy("Vacate")
    header_icon = "cross"
    submit_button_label = gettext_lazy("Leave the post vacant")
    intro = gettext_lazy("The holder's last day is the day before the date given.")
    log_action = "orgchart.vacate"

    def perform(self, form) -> str:
        ended = services.vacate(self.object, on=form.cleaned_data["on"], actor=self.request.user)
        if not ended:
            return _("%(post)s was already vacant.") % {"post": self.object}
        return _("%(post)s is now vacant.") % {"post": self.object}


class PostViewSet(OrgchartViewSet):
    """A post's page is its inspect view: holder, holders over time, appoint and vacate."""

    model = Post
    name = "orgchart_post"
    url_prefix = "orgchart/posts"
    icon = "tag"
    menu_order = 300
    list_per_page = 50
    inspect_view_enabled = True
    index_view_class = PostIndexView
    add_view_class = PostCreateView
    inspect_view_class = PostInspectView
    extra_views = {
        "appoint": (AppointView, "appoint"),
        "appoint_part_time": (AppointPartTimeView, "appoint-part-time"),
        "vacate": (VacateView, "vacate"),
    }

    def get_form_class(self, for_update=False):
        return admin_forms.PostCreateForm

    def get_common_view_kwargs(self, **kwargs):
        # No edit page (organisation and title are what a post is); listings link to inspect.
        return {**super().get_common_view_kwargs(**kwargs), "edit_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [
            p
            for p in super().get_urlpatterns()
            if p.name not in {"edit", "delete", "history", "history_results"}
        ]

    def register_admin_url_finder(self):
        pass
