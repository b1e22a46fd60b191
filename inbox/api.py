"""JSON API of the inbox under /api/inbox/: my notifications, the unread count, marking read.

Session or token authentication as the rest of the API. The queryset is the rule: a user's own
notifications only, so another user's id answers 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from . import queries, services
from .models import Notification
from .serializers import (
    InboxFilterSerializer,
    MarkedSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
)

NOT_FOUND = {404: OpenApiResponse(description=_("Not found, or not yours to see."))}


@extend_schema(tags=["inbox"])
@extend_schema_view(
    list=extend_schema(
        summary=_("My notifications"),
        description=_("Newest first, paginated; `unread=true` lists only those not read yet."),
        parameters=[InboxFilterSerializer],
    ),
    retrieve=extend_schema(
        summary=_("One of my notifications"),
        description=_("Reading it here does not mark it read; post to `read/` for that."),
        responses={200: NotificationSerializer, **NOT_FOUND},
    ),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset is the rule

    def get_queryset(self) -> QuerySet[Notification]:
        notifications = queries.inbox_for(self.request.user)
        if self.action == "list":
            params = InboxFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            if params.validated_data["unread"]:
                notifications = notifications.unread()
        return notifications

    @extend_schema(
        summary=_("Mark one of my notifications read"),
        request=None,
        responses={200: NotificationSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = services.mark_read(self.get_object(), actor=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary=_("Mark all my notifications read"), request=None, responses={200: MarkedSerializer}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.mark_all_read(actor=request.user)})

    @extend_schema(
        summary=_("How many of my notifications are unread"), responses={200: UnreadCountSerializer}
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": queries.unread_count(request.user)})
