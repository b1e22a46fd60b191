"""GET /api/cobuilding/figures/?org=<id>: the street figures (queries.street_figures) of a street
or community the caller manages, as the page /cobuilding/figures/ shows them.

Same rule as the page (cobuilding.access.choosable_communities): no `org` → the first one the
caller manages; an id not among those (junk, another street's, forged) → 400 with the Chinese
reason under `org`, reading like an unknown id so nothing leaks; a caller who manages no street
or community → 403. Constant queries: the choosable organisations, then street_figures' six.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access
from .models import ResourceKind
from .queries import street_figures
from .views_figures import FiguresForm


class ResourceKindCountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class StreetFiguresSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(help_text=gettext_lazy("The street or community counted."))
    organisation_name = serializers.CharField()
    as_of = serializers.DateField()
    agreements_active = serializers.IntegerField(help_text=gettext_lazy("Agreements in force today."))
    resources = serializers.IntegerField(help_text=gettext_lazy("Resources on the lists, all kinds."))
    resources_by_kind = ResourceKindCountSerializer(many=True)
    needs_open = serializers.IntegerField()
    needs_met = serializers.IntegerField()
    projects_done = serializers.IntegerField()
    report_ins_current = serializers.IntegerField(help_text=gettext_lazy("Members reported in today."))
    decisions_due = serializers.IntegerField(
        help_text=gettext_lazy("Joint-meeting decisions due this year up to today.")
    )
    decisions_done_on_time = serializers.IntegerField()


def _data(root, today) -> dict:
    totals = street_figures(root, today)
    by_kind = [
        {"kind": kind.value, "label": str(kind.label), "count": totals.resources_by_kind.get(kind.value, 0)}
        for kind in ResourceKind
    ]
    return {
        "organisation": root.pk,
        "organisation_name": root.name,
        "as_of": today,
        "agreements_active": totals.agreements_active,
        "resources": sum(row["count"] for row in by_kind),
        "resources_by_kind": by_kind,
        "needs_open": totals.needs_open,
        "needs_met": totals.needs_met,
        "projects_done": totals.projects_done,
        "report_ins_current": totals.report_ins_current,
        "decisions_due": totals.decisions_due,
        "decisions_done_on_time": totals.decisions_done_on_time,
    }


class FiguresAPIView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["cobuilding"],
        summary=gettext_lazy("Co-building figures of a street or community you manage"),
        description=gettext_lazy(
            "As the page /cobuilding/figures/: agreements in force, resources by kind, needs open and "
            "met, projects done, members reported in, joint-meeting decisions done on time. Without "
            "`org`: the first street or community you manage."
        ),
        parameters=[
            OpenApiParameter(
                "org", int, description=gettext_lazy("A street or community you manage."), required=False
            )
        ],
        responses={
            200: StreetFiguresSerializer,
            400: OpenApiResponse(description=gettext_lazy("`org` is not a street or community you manage.")),
            401: OpenApiResponse(description=gettext_lazy("Sign in first.")),
            403: OpenApiResponse(description=gettext_lazy("You manage no street or community.")),
        },
    )
    def get(self, request: Request) -> Response:
        organisations = list(access.choosable_communities(request.user).order_by("path"))
        if not organisations:
            raise PermissionDenied(
                _("Only post-holders of the street or a community see the co-building figures.")
            )
        form = FiguresForm(request.query_params, organisations=organisations)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        today = timezone.localdate()
        return Response(StreetFiguresSerializer(_data(form.cleaned_data["org"], today)).data)
