"""JSON API of the volunteer service: activities (list, filter, sign up, check in), my sign-ups
(cancel), confirming an offered place, my hours.

Thin: parse with volunteers.serializers, call volunteers.services with actor=request.user (the
service checks again), render. Refusals are ValidationErrors: core.api answers them 400 with the
Chinese message under `non_field_errors`.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import queries as activity_queries
from activities.models import Activity

from . import queries, services
from .models import SignUp, SignUpStatus
from .serializers import (
    ActivityFilterSerializer,
    ActivitySerializer,
    CheckInSerializer,
    HoursQuerySerializer,
    HoursSerializer,
    OfferSerializer,
    SignUpSerializer,
)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: _(
            "Refused or invalid: the reason in Chinese under non_field_errors or by field; nothing written."
        ),
        401: _("Sign in first."),
        403: _("You may not do this."),
        404: _("Not found, or not yours to see."),
    }
    return {code: OpenApiResponse(description=text[code]) for code in codes}


def _signup_response(signup: SignUp, http_status: int = status.HTTP_200_OK) -> Response:
    signup.position = services.waiting_position(signup)
    signup.message = (
        services.signup_message(signup, signup.position) if signup.is_live else signup.get_status_display()
    )
    return Response(SignUpSerializer(signup).data, status=http_status)


def _with_counts(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.annotate(
        places_taken=Count(
            "signups", filter=Q(signups__status__in=(SignUpStatus.CONFIRMED, SignUpStatus.OFFERED))
        ),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
    )


@extend_schema(tags=["activities"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Activities"),
        description=_(
            "Published activities (and drafts of organisations you manage), soonest first; by default "
            "only those not yet over. Filter by kind, organiser subtree and month."
        ),
        parameters=[ActivityFilterSerializer],
        responses={200: ActivitySerializer(many=True), **_errors(400)},
    ),
    retrieve=extend_schema(summary=_("One activity"), responses={200: ActivitySerializer, **_errors(404)}),
)
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Activity]:
        if self.action in ("sign_up", "check_in"):  # the service counts places under its lock
            return activity_queries.activity_list(self.request.user)
        if self.action != "list":
            return _with_counts(activity_queries.activity_list(self.request.user))
        params = ActivityFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        month = tuple(int(part) for part in data["month"].split("-")) if data.get("month") else None
        qs = activity_queries.activity_list(
            self.request.user, kind=data.get("kind", ""), organisation=data.get("organisation"), month=month
        )
        if not data["include_past"] and month is None:
            qs = qs.filter(ends_at__gte=timezone.now())
        return _with_counts(qs)

    @extend_schema(
        summary=_("Sign up"),
        description=_(
            "A place if one is free, else the end of the waiting list (`status` waiting, `position`). "
            "Refused (400) when sign-up has closed, you are not eligible, you signed up already or it "
            "clashes with another activity of yours."
        ),
        request=None,
        responses={201: SignUpSerializer, **_errors(400, 401, 404)},
    )
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request: Request, pk: str | None = None) -> Response:
        activity = self.get_object()
        return _signup_response(services.sign_up(activity, actor=request.user), status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Check in with the activity's code"),
        description=_("Within the check-in window, with a confirmed place."),
        request=CheckInSerializer,
        responses={200: SignUpSerializer, **_errors(400, 401, 404)},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        activity = self.get_object()
        params = CheckInSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return _signup_response(
            services.check_in(activity, params.validated_data["code"], actor=request.user)
        )


@extend_schema(tags=["activities"])
@extend_schema_view(
    list=extend_schema(
        summary=_("My sign-ups"), responses={200: SignUpSerializer(many=True), **_errors(401)}
    ),
    retrieve=extend_schema(
        summary=_("One of my sign-ups"), responses={200: SignUpSerializer, **_errors(401, 404)}
    ),
)
class SignUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SignUpSerializer
    queryset = SignUp.objects.none()

    def get_queryset(self) -> QuerySet[SignUp]:
        return queries.my_signups(self.request.user).order_by("-activity__starts_at", "-pk")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return _signup_response(self.get_object())

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        for signup in page:
            signup.position = services.waiting_position(signup)
            signup.message = signup.get_status_display()
        return self.get_paginated_response(SignUpSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Cancel my sign-up"),
        description=_("A place until the cancellation cut-off; a waiting-list place any time."),
        request=None,
        responses={200: SignUpSerializer, **_errors(400, 401, 404)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return _signup_response(services.cancel_signup(self.get_object(), actor=request.user))


@extend_schema(
    tags=["activities"],
    summary=_("Confirm a place offered to me"),
    description=_("With the token of the link in the offer notification, before the offer expires."),
    request=OfferSerializer,
    responses={200: SignUpSerializer, **_errors(400, 401)},
)
class ConfirmOfferView(APIView):
    def post(self, request: Request) -> Response:
        params = OfferSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return _signup_response(services.confirm_offer(params.validated_data["token"], actor=request.user))


@extend_schema(
    tags=["activities"],
    summary=_("My service hours"),
    description=_("Hours credited to me over a date range of the activities' start (both ends included)."),
    parameters=[HoursQuerySerializer],
    responses={200: HoursSerializer, **_errors(400, 401)},
)
class MyHoursView(APIView):
    def get(self, request: Request) -> Response:
        params = HoursQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        start, end = params.validated_data.get("start"), params.validated_data.get("end")
        hours = queries.hours_for_person(request.user, start, end)
        return Response(HoursSerializer({"hours": hours, "start": start, "end": end}).data)
