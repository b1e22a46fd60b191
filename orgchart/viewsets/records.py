"""Records in the admin: transfers (history, read-only, but a pending one is accepted, declined
or withdrawn here) and roster import jobs (read-only)."""

from __future__ import annotations

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button, HeaderButton

from core.admin.filters import AdminFilterSet, choice_filter
from core.admin.views import ObjectFormView, ScopedInspectView

from .. import access, admin_forms, services
from ..models import ImportJob, Transfer, TransferKind, TransferStatus
from .base import OrgchartViewSet

ROSTER_JOB_URL_NAME = "orgchart:roster_job"


AWAITING_CHOICES = [
    ("receive", gettext_lazy("Awaiting my acceptance")),
    ("send", gettext_lazy("Sent by me, awaiting acceptance")),
]


class TransferFilterSet(AdminFilterSet):
    kind = choice_filter(gettext_lazy("Kind"), TransferKind.choices)
    status = choice_filter(gettext_lazy("Status"), TransferStatus.choices)
    awaiting = choice_filter(gettext_lazy("Awaiting a decision"), AWAITING_CHOICES, method="filter_awaiting")

    class Meta:
        model = Transfer
        fields = ["kind", "status"]

    def filter_awaiting(self, queryset: QuerySet[Transfer], name: str, value: str) -> QuerySet[Transfer]:
        if not value:
            return queryset
        return queryset.filter(pk__in=access.transfers_awaiting(self.request.user, value).values("pk"))


def transfer_destination(transfer: Transfer) -> str:
    return str(transfer.to_organisation) if transfer.to_organisation else transfer.outside_organisation


def transfer_origin(transfer: Transfer) -> str:
    return str(transfer.from_organisation) if transfer.from_organisation else transfer.outside_organisation


def transfer_decision_buttons(view, transfer: Transfer) -> list[tuple[str, str, str]]:
    """(label, url, icon) of the decisions `view.request.user` may take on a pending `transfer`."""
    if not transfer.is_pending:
        return []
    user, args = view.request.user, (quote(transfer.pk),)
    buttons = []
    if access.can_receive_transfer(user, transfer):
        buttons += [
            (_("Accept"), reverse(view.accept_url_name, args=args), "success"),
            (_("Decline"), reverse(view.decline_url_name, args=args), "cross"),
        ]
    if access.can_withdraw_transfer(user, transfer):
        buttons.append((_("Withdraw"), reverse(view.withdraw_url_name, args=args), "undo"))
    return buttons


class TransferIndexView(generic.IndexView):
    filterset_class = TransferFilterSet
    search_fields = ["member__name"]
    search_backend_name = None
    accept_url_name = decline_url_name = withdraw_url_name = None

    def get_list_more_buttons(self, instance: Transfer) -> list:
        return [
            MenuItem(label, url, icon_name=icon, priority=10 + i)
            for i, (label, url, icon) in enumerate(transfer_decision_buttons(self, instance))
        ]

    @cached_property
    def header_buttons(self) -> list:
        url = reverse(self.index_url_name)
        return [
            HeaderButton(_("Awaiting my acceptance"), url=f"{url}?awaiting=receive", icon_name="time"),
        ]

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
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda transfer: transfer.status == TransferStatus.PENDING,
            ),
            Column("from", label=_("From"), accessor=transfer_origin),
            Column("to", label=_("To"), accessor=transfer_destination),
            DateColumn("transferred_on", label=_("Transferred on")),
            Column("reason", label=_("Reason")),
        ]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column_class = self._get_title_column_class(column_class)
        return column_class(field_name, get_url=self.get_inspect_url, **kwargs)


class TransferInspectView(ScopedInspectView):
    accept_url_name = decline_url_name = withdraw_url_name = None

    @cached_property
    def header_more_buttons(self) -> list:
        return [
            *super().header_more_buttons,
            *(
                Button(label, url=url, icon_name=icon)
                for label, url, icon in transfer_decision_buttons(self, self.object)
            ),
        ]


class TransferDecisionView(ObjectFormView):
    """Accept, decline or withdraw one pending transfer, for whoever access.py lets decide it."""

    permission_required = "view"  # the policy lists transfers; who may decide is access.py's rule
    scope_action = "view"
    header_icon = "arrow-right-full"
    log_action = "orgchart.transfer_decision"
    form_class = admin_forms.TransferDecisionForm

    def may_decide(self, user, transfer: Transfer) -> bool:
        raise NotImplementedError

    def decide(self, transfer: Transfer, reason: str) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        if not self.may_decide(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return reverse(self.index_url_name)

    def perform(self, form) -> str:
        self.decide(self.object, form.cleaned_data["reason"])
        return self.done_message % {"member": self.object.member.name}


class AcceptTransferView(TransferDecisionView):
    page_title = submit_button_label = gettext_lazy("Accept")
    intro = gettext_lazy("The member's organisational relation moves to your organisation now.")
    done_message = gettext_lazy("Transfer of %(member)s accepted.")

    def may_decide(self, user, transfer: Transfer) -> bool:
        return access.can_receive_transfer(user, transfer)

    def decide(self, transfer: Transfer, reason: str) -> None:
        services.accept_transfer(transfer, actor=self.request.user)


class DeclineTransferView(AcceptTransferView):
    page_title = submit_button_label = gettext_lazy("Decline")
    intro = gettext_lazy("The member stays in their branch; the sender sees your reason.")
    done_message = gettext_lazy("Transfer of %(member)s declined.")
    form_class = admin_forms.TransferDeclineForm

    def decide(self, transfer: Transfer, reason: str) -> None:
        services.decline_transfer(transfer, reason=reason, actor=self.request.user)


class WithdrawTransferView(TransferDecisionView):
    page_title = submit_button_label = gettext_lazy("Withdraw")
    intro = gettext_lazy("The transfer is withdrawn; the member stays in their branch.")
    done_message = gettext_lazy("Transfer of %(member)s withdrawn.")

    def may_decide(self, user, transfer: Transfer) -> bool:
        return access.can_withdraw_transfer(user, transfer)

    def decide(self, transfer: Transfer, reason: str) -> None:
        services.withdraw_transfer(transfer, reason=reason, actor=self.request.user)


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
        "status",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    index_view_class = TransferIndexView
    inspect_view_class = TransferInspectView
    extra_views = {
        "accept": (AcceptTransferView, "accept"),
        "decline": (DeclineTransferView, "decline"),
        "withdraw": (WithdrawTransferView, "withdraw"),
    }


class ImportJobViewSet(OrgchartViewSet):
    model = ImportJob
    name = "orgchart_importjob"
    url_prefix = "orgchart/roster-imports"
    icon = "upload"
    menu_order = 500
    read_only = True
    index_view_class = ImportJobIndexView
