"""Recurring series in the JSON API: list and read the series you may see (the rule, in words,
the next occurrences), create and change them as their organiser, stop them.

Thin: parse with volunteers.serializers, call volunteers.series (create_series, update_series,
deactivate_series) with actor=request.user, render. Who sees a series is
activities.access.visible_series (others: 404); who changes it, can_manage_series (others:
403); a bad rule is the service's ValidationError, answered 400 by field in Chinese, nothing
written.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from activities import access as activity_access
from activities import queries as activity_queries
from activities.models import ActivitySeries
from orgchart import access as org_access

from . import series as series_services
from .api import _errors
from .serializers import (
    SeriesCreateSerializer,
    SeriesDeactivateSerializer,
    SeriesSerializer,
    SeriesUpdateSerializer,
)

# How many coming occurrences each series lists.
NEXT_OCCURRENCES = 8


class ManagesSeries(permissions.BasePermission):
    """Reading is settled by the queryset (visible_series); writing needs a manager of the
    organiser (the service checks again, and checks the organiser chosen on create)."""

    message = _("You do not manage this organisation.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        return view.action != "create" or org_access.is_manager(request.user)

    def has_object_permission(self, request: Request, view, obj: ActivitySeries) -> bool:
        return request.method in permissions.SAFE_METHODS or activity_access.can_manage_series(
            request.user, obj
        )


@extend_schema(tags=["activities"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Recurring series"),
        description=_(
            "The recurring series you may see (as you see their occurrences): the rule as written and "
            "in words, and the next occurrences."
        ),
        responses={200: SeriesSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("One recurring series"), responses={200: SeriesSerializer, **_errors(404)}
    ),
    create=extend_schema(
        summary=_("Create a recurring series"),
        description=_(
            "For an organisation you manage. The rule is checked and the occurrences of the coming "
            "weeks are generated at once. A bad rule answers 400 with the reason under `rule`."
        ),
        request=SeriesCreateSerializer,
        responses={201: SeriesSerializer, **_errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary=_("Change a recurring series"),
        description=_(
            "Changes the series and its future occurrences only; those signed up to an occurrence whose "
            "time or place changed are told, dates the new rule no longer gives are cancelled."
        ),
        request=SeriesUpdateSerializer,
        responses={200: SeriesSerializer, **_errors(400, 401, 403, 404)},
    ),
)
class SeriesViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SeriesSerializer
    queryset = ActivitySeries.objects.none()
    permission_classes = [ManagesSeries]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ActivitySeries]:
        coming = activity_queries.upcoming_occurrences(self.request.user)[:NEXT_OCCURRENCES]
        return (
            activity_access.visible_series(self.request.user)
            .select_related("organiser")
            .prefetch_related("teams", Prefetch("occurrences", queryset=coming, to_attr="upcoming"))
            .order_by("organiser__path", "title", "pk")
        )

    def _render(self, series: ActivitySeries, http_status: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=series.pk)
        return Response(SeriesSerializer(fresh).data, status=http_status)

    def create(self, request: Request, *args, **kwargs) -> Response:
        params = SeriesCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        series = series_services.create_series(
            actor=request.user, organiser=data.pop("organiser"), teams=data.pop("teams", ()), **data
        )
        return self._render(series, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        series = self.get_object()
        params = SeriesUpdateSerializer(data=request.data, partial=True)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        report = series_services.update_series(request.user, series, teams=data.pop("teams", None), **data)
        return self._render(report.series)

    @extend_schema(
        summary=_("Stop a recurring series"),
        description=_(
            "No new occurrences are generated; with `cancel_future` the occurrences not yet started are "
            "cancelled too and everyone on them told."
        ),
        request=SeriesDeactivateSerializer,
        responses={200: SeriesSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        series = self.get_object()
        params = SeriesDeactivateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        report = series_services.deactivate_series(
            request.user, series, cancel_future=params.validated_data["cancel_future"]
        )
        return self._render(report.series)
