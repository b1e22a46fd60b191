"""Read-only records in the admin: transfers and roster import jobs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

from core.admin.filters import AdminFilterSet, choice_filter

from ..models import ImportJob, Transfer, TransferKind
from .base import OrgchartViewSet

ROSTER_JOB_URL_NAME = "orgchart:roster_job"


class TransferFilterSet(AdminFilterSet):
    kind = choice_filter(gettext_lazy("Kind"), TransferKind.choices)

    class Meta:
        model = Transfer
        fields = ["kind"]


def transfer_destination(transfer: Transfer) -> str:
    return str(transfer.to_organisation) if transfer.to_organisation else transfer.outside_organisation


def transfer_origin(transfer: Transfer) -> str:
    return str(transfer.from_organisation) if transfer.from_organisation else transfer.outside_organisation


class TransferIndexView(generic.IndexView):
    filterset_class = TransferFilterSet
    search_fields = ["member__name"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Transfer]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("member", "from_organisation", "to_organisation")
            .order_by("-transferred_on", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("member", label=_("Member"), accessor="member.name"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("from", label=_("From"), accessor=transfer_origin),
            Column("to", label=_("To"), accessor=transfer_destination),
            DateColumn("transferred_on", label=_("Transferred on")),
            Column("reason", label=_("Reason")),
        ]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column_class = self._get_title_column_class(column_class)
        return column_class(field_name, get_url=self.get_inspect_url, **kwargs)


def roster_job_url(job) -> str | None:
    """The roster import page for `job`, if that page is installed."""
    try:
        return reverse(ROSTER_JOB_URL_NAME, args=(job.pk,))
    except NoReverseMatch:
        return None


class ImportJobIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("created_by")
            .order_by("-created_at")
        )

    @cached_property
    def columns(self):
        title = self._get_title_column_class(TitleColumn)
        return [
            title("original_name", label=_("File name"), accessor=str, get_url=roster_job_url),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda job: job.status == "succeeded",
            ),
            Column("progress_percent", label=_("Progress (%)")),
            Column("imported_count", label=_("Members imported")),
            Column("created_by", label=_("Uploaded by")),
            DateColumn("created_at", label=_("Uploaded at")),
        ]

    def get_list_more_buttons(self, instance) -> list:
        return []

    @cached_property
    def header_buttons(self) -> list:
        try:
            upload_url = reverse("orgchart:roster_import")
        except NoReverseMatch:
            return []
        return [HeaderButton(_("Import a roster"), url=upload_url, icon_name="upload")]


class TransferViewSet(OrgchartViewSet):
    model = Transfer
    name = "orgchart_transfer"
    url_prefix = "orgchart/transfers"
    icon = "arrow-right-full"
    menu_order = 400
    list_per_page = 50
    read_only = True
    inspect_view_enabled = True
    inspect_view_fields = [
        "member",
        "kind",
        "from_organisation",
        "to_organisation",
        "outside_organisation",
        "transferred_on",
        "reason",
        "recorded_by",
    ]
    index_view_class = TransferIndexView


class ImportJobViewSet(OrgchartViewSet):
    model = ImportJob
    name = "orgchart_importjob"
    url_prefix = "orgchart/roster-imports"
    icon = "upload"
    menu_order = 500
    read_only = True
    index_view_class = ImportJobIndexView
