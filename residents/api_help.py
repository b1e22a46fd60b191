"""The help-request API under /api/residents/.

- help-requests/: staff-scoped list and detail (residents.access_help.handled_requests; others'
  rows 404), and the actions assign / accept / progress / close (services_help with
  actor=request.user: 400 with the Chinese reason, 403).
- help-requests/public/ (POST, no login needed): file a request; answers its tracking code once.
- help-requests/status/ (POST, no login needed): a request's status and steps by tracking code.
Both public endpoints share the web form's rate limits per client address (429).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import ratelimit
from orgchart.models import Organisation

from . import access_help as access
from . import services_help as services
from .models_help import HelpChannel, HelpRequest, HelpStep, ServiceItem
from .views_help import LOOKUPS_PER_HOUR, SUBMISSIONS_PER_HOUR, _streets


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: _(
            "Refused or invalid: the reason in Chinese under non_field_errors or by field; nothing written."
        ),
        401: _("Sign in first."),
        403: _("Not yours to change."),
        404: _("Not found, or not yours to see."),
        429: _("Too many attempts from this address; wait an hour."),
    }
    return {code: OpenApiResponse(description=text[code]) for code in codes}


class StepSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = HelpStep
        fields = ["kind", "kind_display", "note", "at"]


class HelpRequestSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True, default="")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = HelpRequest
        fields = [
            "id", "item", "item_name", "community", "community_name", "street", "status",
            "status_display", "description", "address", "channel", "requester_name", "phone_masked",
            "created_at", "due_at", "accepted_at", "closed_at", "outcome", "escalated_at", "overdue", "steps",
        ]  # fmt: skip
        read_only_fields = fields


class PublicStatusSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    answered_by = serializers.CharField(source="answering_organisation.name", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = HelpRequest
        fields = ["item_name", "status", "status_display", "answered_by", "due_at", "steps"]
        read_only_fields = fields


class AssignSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1, max_value=2**31)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, trim_whitespace=False)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000, allow_blank=True, required=False, trim_whitespace=False)


class CreateSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31)
    description = serializers.CharField(max_length=4000, allow_blank=True, trim_whitespace=False)
    address = serializers.CharField(max_length=400, allow_blank=True, trim_whitespace=False)
    name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    street = serializers.IntegerField(min_value=1, max_value=2**31, required=False)


class CreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


@extend_schema(tags=["residents"], responses={200: HelpRequestSerializer, **_errors(401, 404)})
class HelpRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Help requests (求助) you answer for: your communities', and for the street, all of them."""

    serializer_class = HelpRequestSerializer
    queryset = HelpRequest.objects.none()

    def get_queryset(self) -> QuerySet[HelpRequest]:
        return (
            access.handled_requests(self.request.user)
            .select_related("item", "community")
            .prefetch_related("steps")
            .order_by("-created_at", "-pk")
        )

    def _done(self, help_request: HelpRequest) -> Response:
        return Response(HelpRequestSerializer(self.get_queryset().get(pk=help_request.pk)).data)

    @extend_schema(
        request=AssignSerializer, responses={200: HelpRequestSerializer, **_errors(400, 401, 403, 404)}
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk=None) -> Response:
        help_request = self.get_object()
        params = AssignSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        community = Organisation.objects.filter(pk=params.validated_data["community"]).first()
        return self._done(services.assign(help_request, community, actor=request.user))

    @extend_schema(request=None, responses={200: HelpRequestSerializer, **_errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        return self._done(services.accept(self.get_object(), actor=request.user))

    @extend_schema(
        request=NoteSerializer, responses={200: HelpRequestSerializer, **_errors(400, 401, 403, 404)}
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk=None) -> Response:
        params = NoteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        note = params.validated_data.get("note", "")
        return self._done(services.record_progress(self.get_object(), note, actor=request.user))

    @extend_schema(
        request=OutcomeSerializer, responses={200: HelpRequestSerializer, **_errors(400, 401, 403, 404)}
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        params = OutcomeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        outcome = params.validated_data.get("outcome", "")
        return self._done(services.close(self.get_object(), outcome, actor=request.user))


def _throttle(request: Request, scope: str, setting: str, default: int) -> None:
    if not ratelimit.allow(
        scope, ratelimit.client_address(request), limit=getattr(settings, setting, default), seconds=3600
    ):
        raise Throttled(
            detail=_("Too many attempts from your network. Please wait an hour, or call the help line.")
        )


class PublicCreateView(APIView):
    """File a help request without logging in (a logged-in member files as themself)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["residents"], request=CreateSerializer, responses={201: CreatedSerializer, **_errors(400, 429)}
    )
    def post(self, request: Request) -> Response:
        _throttle(request, "help-request", "RESIDENTS_HELP_SUBMISSIONS_PER_HOUR", SUBMISSIONS_PER_HOUR)
        params = CreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        streets = _streets()
        street = (
            next((s for s in streets if s.pk == data.get("street")), None)
            if "street" in data
            else (streets[0] if streets else None)
        )
        if street is None:
            raise serializers.ValidationError({"street": [_("Choose a street.")]})
        help_request, code = services.submit_request(
            actor=request.user,
            street=street,
            item=ServiceItem.objects.select_related("series__organisation").filter(pk=data["item"]).first(),
            description=data["description"],
            address=data["address"],
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            channel=HelpChannel.WEB,
        )
        body = {
            "id": help_request.pk,
            "code": code,
            "status": help_request.status,
            "due_at": help_request.due_at,
        }
        return Response(CreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class PublicStatusView(APIView):
    """A help request's status and steps by its tracking code (POSTed, so never in a log)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["residents"],
        request=CodeSerializer,
        responses={200: PublicStatusSerializer, **_errors(400, 404, 429)},
    )
    def post(self, request: Request) -> Response:
        _throttle(request, "help-status", "RESIDENTS_HELP_LOOKUPS_PER_HOUR", LOOKUPS_PER_HOUR)
        params = CodeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        found = services.find_by_code(params.validated_data["code"])
        if found is None:
            raise NotFound(_("No help request has this tracking code. Check the code and type it again."))
        return Response(PublicStatusSerializer(found).data)
