"""Pages of the organisation chart: a node's members, a member's record, the user's own record.

The tree and each node's statistics are the Wagtail OrgChartPage (portal.models). Every view here
needs a login; who may see what is orgchart.access's decision, never restated here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from . import access
from .models import Member, Organisation

MEMBERS_PER_PAGE = 30


@login_required
def org_members(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The active members of a node's subtree, paginated; only for those who manage the node."""
    org = get_object_or_404(Organisation, pk=org_pk)
    if not access.can_view_members_of(request.user, org):
        raise PermissionDenied(_("You may only see the members of organisations you manage."))
    members = (
        Member.objects.active()
        .in_subtree(org)
        .select_related("organisation")
        .order_by("organisation__path", "name", "pk")
    )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgchart/org_members.html",
        {"org": org, "page_obj": page, "members": page.object_list},
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One member's record: posts held and transfers. Hidden (404) from those who may not see it."""
    member = get_object_or_404(Member.objects.select_related("organisation"), pk=pk)
    if not access.can_view_member(request.user, member):
        # 404, not 403: do not confirm to a stranger that the record exists.
        raise Http404(_("No such member."))
    personal = access.can_see_personal_data(request.user, member)
    tenures = member.tenures.select_related("post__organisation").order_by("-started_on")
    transfers = member.transfers.select_related("from_organisation", "to_organisation")
    return render(
        request,
        "orgchart/member_detail.html",
        {
            "member": member,
            "show_personal": personal,
            "id_number": member.id_number if personal else member.id_number_masked,
            "mobile": member.mobile if personal else member.masked_mobile,
            "age": member.age_on(),
            "tenures": list(tenures),
            "transfers": list(transfers),
            "can_view_branch_members": access.can_view_members_of(request.user, member.organisation),
        },
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """Send the user to their own record, or explain that their account has none."""
    member = access.member_for(request.user)
    if member is not None:
        return redirect("orgchart:member_detail", pk=member.pk)
    return render(request, "orgchart/no_record.html")


urlpatterns = [
    path("<int:org_pk>/members/", org_members, name="org_members"),
    path("members/<int:pk>/", member_detail, name="member_detail"),
    path("me/", my_record, name="my_record"),
]
