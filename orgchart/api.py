"""JSON API views for the organisation tree, members and the current user.

Thin: parse with orgchart.serializers, ask orgchart.access who may, call orgchart.services to
change anything (always with actor=request.user, so the service checks again), render.
Services raise Django's ValidationError / PermissionDenied; core.api.exception_handler turns
them into 400 / 403.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, status, throttling, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.parsers import DepthLimitedJSONParser

from . import access, services
from .authentication import locked_out_message, token_expired
from .models import Member, Organisation, Tenure, Transfer
from .queries import attach_parent_pks, member_list, statistics_for, tree_rows, with_parent_pk
from .serializers import (
    MemberCreateSerializer,
    MemberDetailSerializer,
    MemberFilterSerializer,
    MemberSerializer,
    MemberTransferSerializer,
    MemberUpdateSerializer,
    MeSerializer,
    OrganisationCloseSerializer,
    OrganisationCreateSerializer,
    OrganisationDetailSerializer,
    OrganisationMoveSerializer,
    OrganisationSerializer,
    OrganisationUpdateSerializer,
    StatisticsSerializer,
    TransferDecisionSerializer,
    TransferFilterSerializer,
    TransferRecordSerializer,
    TransferSerializer,
    TreeFilterSerializer,
    statistics_labels,
)

# Error fields named after model columns, renamed to the API field a client sent.


class ManagesOrganisation(permissions.BasePermission):
    """Reading the tree is open to any signed-in user; changing it needs a post above the node."""

    message = _("You do not manage this organisation.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS or view.action != "create":
            return True
        # Refuse early those who manage nothing; the service checks the chosen parent.
        return access.is_manager(request.user)

    def has_object_permission(self, request: Request, view, obj: Organisation) -> bool:
        return request.method in permissions.SAFE_METHODS or access.can_manage(request.user, obj)


class EditsMember(permissions.BasePermission):
    """Who may see a member is settled by the queryset (others get 404); this decides writes."""

    message = _("You may view this member but not change their record.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS or view.action != "create":
            return True
        return access.is_manager(request.user)

    def has_object_permission(self, request: Request, view, obj: Member) -> bool:
        return request.method in permissions.SAFE_METHODS or access.can_edit_member(request.user, obj)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Documented error answers; every one is a JSON object (by field for 400, `detail` otherwise)."""
    text = {
        400: _("Invalid input: messages by field, or under non_field_errors; nothing was written."),
        403: _("You may not do this: you do not manage the organisation or member concerned."),
        404: _("Not found, or not yours to see."),
    }
    return {code: OpenApiResponse(description=text[code]) for code in codes}


def _organisation_response(org: Organisation, http_status: int = status.HTTP_200_OK) -> Response:
    """The organisation as it is now in the database, with its parent id."""
    fresh = with_parent_pk(Organisation.objects.filter(pk=org.pk)).get()
    return Response(OrganisationDetailSerializer(fresh).data, status=http_status)


@extend_schema(tags=["organisations"])
@extend_schema_view(
    list=extend_schema(
        summary=_("The organisation tree"),
        description=_(
            "Every organisation as a flat list in tree (path) order; `parent` links each row to its "
            "parent. Open to any signed-in user: the tree holds no personal data."
        ),
        parameters=[TreeFilterSerializer],
        responses={200: OrganisationSerializer(many=True), **_errors(400)},
    ),
    retrieve=extend_schema(summary=_("One organisation")),
    create=extend_schema(
        summary=_("Add an organisation under a parent you manage"),
        request=OrganisationCreateSerializer,
        responses={201: OrganisationDetailSerializer, **_errors(400, 403)},
    ),
    partial_update=extend_schema(
        summary=_("Change an organisation's own fields"),
        description=_("Name, code, address and so on; its place in the tree changes by move or close."),
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationDetailSerializer, **_errors(400, 403, 404)},
    ),
    destroy=extend_schema(
        summary=_("Delete a mistaken organisation"),
        description=_(
            "Only a leaf that never had members, posts or transfers; anything else is closed instead. "
            "A refusal answers 400 with the reason."
        ),
        responses={204: None, **_errors(400, 403, 404)},
    ),
)
class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Organisation.objects.all()
    serializer_class = OrganisationDetailSerializer
    permission_classes = [permissions.IsAuthenticated, ManagesOrganisation]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    pagination_class = None  # the tree is read whole; one query whatever its size

    def get_queryset(self) -> QuerySet[Organisation]:
        return with_parent_pk(Organisation.objects.all())

    def list(self, request: Request, *args, **kwargs) -> Response:
        params = TreeFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        root = params.validated_data.get("root")
        rows = tree_rows(root, include_closed=params.validated_data["include_closed"])
        if root is not None:
            # The root's parent is outside the fetched rows; it came annotated with the root.
            for row in rows:
                if row.pk == root.pk:
                    row.parent_pk = root.parent_pk
        return Response(OrganisationSerializer(attach_parent_pks(rows), many=True).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = OrganisationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = services.create_organisation(actor=request.user, **serializer.validated_data)
        return _organisation_response(org, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        org = self.get_object()
        serializer = OrganisationUpdateSerializer(org, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        org = services.update_organisation(org, actor=request.user, **serializer.validated_data)
        return _organisation_response(org)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        # The service gives the reason it refuses (members, posts or transfers on record, a
        # sub-organisation, pages in its section): answered as a 400 with that reason.
        services.delete_organisation(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Figures for an organisation and its subtree"),
        description=_(
            "Active members, share aged 60 and over, share with junior high school or below, counts by "
            "category, gender and education, posts filled and vacant, organisations by kind. The keys "
            "of each breakdown are codes; `labels` gives their display names. For a group of fewer "
            "than 5 members that you do not manage, the breakdowns are null (`breakdowns_hidden`)."
        ),
        responses={200: StatisticsSerializer, **_errors(404)},
    )
    @action(detail=True, methods=["get"])
    def statistics(self, request: Request, pk: str | None = None) -> Response:
        org = self.get_object()
        data = statistics_for(request.user, org).as_dict()
        data["breakdowns_note"] = _("Fewer than 5") if data["breakdowns_hidden"] else ""
        data["organisation"] = OrganisationSerializer(org).data
        data["labels"] = statistics_labels()
        return Response(StatisticsSerializer(data).data)

    @extend_schema(
        summary=_("Move an organisation and its subtree under another parent"),
        description=_("You must manage both the organisation and its new parent."),
        request=OrganisationMoveSerializer,
        responses={200: OrganisationDetailSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        org = self.get_object()
        serializer = OrganisationMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = services.move_organisation(org, serializer.validated_data["parent"], actor=request.user)
        return _organisation_response(org)

    @extend_schema(
        summary=_("Close an organisation and its subtree"),
        description=_("Refused while active members still belong to it: transfer them first."),
        request=OrganisationCloseSerializer,
        responses={200: OrganisationDetailSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        org = self.get_object()
        serializer = OrganisationCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = services.close_organisation(
            org, on=serializer.validated_data.get("closed_on"), actor=request.user
        )
        return _organisation_response(org)


@extend_schema(tags=["members"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Members you may see"),
        description=_(
            "Members of the subtrees you manage, and your own record; active members unless "
            "`include_left` is set. ID number and mobile are masked unless you may see the member's "
            "personal data."
        ),
        parameters=[MemberFilterSerializer],
        responses={200: MemberSerializer(many=True), **_errors(400)},
    ),
    retrieve=extend_schema(
        summary=_("One member"),
        responses={200: MemberDetailSerializer, **_errors(404)},
    ),
    create=extend_schema(
        summary=_("Register a member in a branch you manage"),
        request=MemberCreateSerializer,
        responses={201: MemberDetailSerializer, **_errors(400, 403)},
    ),
    partial_update=extend_schema(
        summary=_("Change a member's details"),
        request=MemberUpdateSerializer,
        responses={200: MemberDetailSerializer, **_errors(400, 403, 404)},
    ),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Member.objects.none()  # real rows come from access.visible_members in get_queryset
    serializer_class = MemberDetailSerializer
    permission_classes = [permissions.IsAuthenticated, EditsMember]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Member]:
        # A member the user may not see is simply not there: 404, never 403, so nothing leaks.
        return access.visible_members(self.request.user).select_related("organisation")

    def get_serializer_class(self):
        return MemberSerializer if self.action == "list" else MemberDetailSerializer

    def _detail(self, member_pk: int, http_status: int = status.HTTP_200_OK) -> Response:
        transfers = Transfer.objects.order_by("-transferred_on", "-pk")
        member = (
            Member.objects.select_related("organisation")
            .prefetch_related(
                Prefetch("transfers", queryset=transfers),
                Prefetch(
                    "tenures",
                    queryset=Tenure.objects.select_related("post__organisation", "from_organisation"),
                ),
            )
            .get(pk=member_pk)
        )
        return Response(
            MemberDetailSerializer(member, context=self.get_serializer_context()).data, status=http_status
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        params = MemberFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(member_list(request.user, params.validated_data))
        return self.get_paginated_response(
            MemberSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return self._detail(self.get_object().pk)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = MemberCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.create_member(actor=request.user, **serializer.validated_data)
        return self._detail(member.pk, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        member = self.get_object()
        serializer = MemberUpdateSerializer(member, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_member(member, actor=request.user, **serializer.validated_data)
        return self._detail(member.pk)

    @extend_schema(
        summary=_("Transfer a member to another branch, or out of the street"),
        description=_(
            "Give `to_organisation` (a branch or party group in the street) or `outside_organisation`. "
            "A transfer within the street is `pending` until the receiving organisation accepts it "
            "(see /api/transfers/), unless you manage the receiving organisation too; the member "
            "stays where they are until then and cannot be transferred again meanwhile. A transfer "
            "out of the street takes effect at once."
        ),
        request=MemberTransferSerializer,
        responses={201: TransferRecordSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        member = self.get_object()
        serializer = MemberTransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = services.transfer_member(member, actor=request.user, **serializer.validated_data)
        return Response(TransferRecordSerializer(transfer).data, status=status.HTTP_201_CREATED)


def _decision_schema(summary: str, description: str):
    return extend_schema(
        summary=summary,
        description=description,
        request=TransferDecisionSerializer,
        responses={200: TransferSerializer, **_errors(400, 403, 404)},
    )


@extend_schema(tags=["transfers"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Transfers into or out of the organisations you manage"),
        description=_("Newest first; `status=pending` lists those awaiting a decision."),
        parameters=[TransferFilterSerializer],
        responses={200: TransferSerializer(many=True), **_errors(400)},
    ),
    retrieve=extend_schema(summary=_("One transfer"), responses={200: TransferSerializer, **_errors(404)}),
)
class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Transfers are history: read, and a pending one decided once; never edited or deleted."""

    queryset = Transfer.objects.none()  # real rows come from access.visible_transfers
    serializer_class = TransferSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Transfer]:
        # A transfer outside the user's subtrees is simply not there: 404, never 403.
        return (
            access.visible_transfers(self.request.user)
            .select_related("member", "from_organisation", "to_organisation")
            .order_by("-transferred_on", "-pk")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        params = TransferFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        transfers = self.get_queryset()
        if params.validated_data.get("status"):
            transfers = transfers.filter(status=params.validated_data["status"])
        page = self.paginate_queryset(transfers)
        return self.get_paginated_response(TransferSerializer(page, many=True).data)

    def _decide(self, request: Request, decide) -> Response:
        transfer = self.get_object()
        serializer = TransferDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide(transfer, serializer.validated_data.get("reason", ""))
        return Response(TransferSerializer(self.get_queryset().get(pk=transfer.pk)).data)

    @_decision_schema(
        _("Accept a pending transfer"),
        _("For a manager of the receiving organisation (or the street): the member moves now."),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, lambda t, _reason: services.accept_transfer(t, actor=request.user))

    @_decision_schema(
        _("Decline a pending transfer"),
        _("For a manager of the receiving organisation (or the street); `reason` is required."),
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(
            request, lambda t, reason: services.decline_transfer(t, reason=reason, actor=request.user)
        )

    @_decision_schema(
        _("Withdraw a pending transfer"),
        _("For a manager of the member's current organisation, the sending side."),
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(
            request, lambda t, reason: services.withdraw_transfer(t, reason=reason, actor=request.user)
        )


class MeView(APIView):
    """The signed-in user: their member record and the organisations they manage."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["me"], summary=_("Your record and the organisations you manage"), responses=MeSerializer
    )
    def get(self, request: Request) -> Response:
        user = request.user
        paths = access.managed_paths(user)
        manages_everything = "" in paths
        if manages_everything:
            managed = Organisation.objects.filter(depth=1)
        else:
            managed = Organisation.objects.filter(path__in=paths)
        member = Member.objects.select_related("organisation").filter(user=user).first()
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "is_superuser": user.is_superuser,
            "member": member,
            "manages_everything": manages_everything,
            "managed_organisations": attach_parent_pks(managed),
        }
        return Response(MeSerializer(data, context={"request": request}).data)


class ObtainExpiringAuthToken(ObtainAuthToken):
    """DRF's /api/token/, replacing an expired token instead of handing it back; throttled
    (scope "token") and locked out by django-axes like the login pages."""

    throttle_scope = "token"
    parser_classes = [DepthLimitedJSONParser, parsers.FormParser, parsers.MultiPartParser]
    throttle_classes = [throttling.ScopedRateThrottle, throttling.AnonRateThrottle]  # DRF's view has none

    def post(self, request, *args, **kwargs):
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        if isinstance(username, str) and not AxesProxyHandler.is_allowed(
            request._request, {"username": username}
        ):
            # Locked out before this attempt (django-axes): the right password is refused too.
            return Response({"detail": locked_out_message()}, status=429)
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, created = Token.objects.get_or_create(user=user)
        if not created and token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})
