"""The rating API: submit a rating (a signed-in member, or anyone with a rating ticket code) and
ask whether one has rated in the current cycle.

Thin over assessments.ratings: refusals answer 400 in Chinese with nothing written; ticket
attempts are rate-limited per client address like the ticket page. The answer never names the
rating (no id, no time): ratings are anonymous.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import ratelimit

from . import ratings
from .views_ratings import TICKET_ATTEMPTS_PER_HOUR


class RatingSubmitSerializer(serializers.Serializer):
    ticket = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=_("The rating ticket's code; leave out to rate as the signed-in member."),
    )
    answers = serializers.DictField(
        child=serializers.CharField(max_length=16),
        help_text=_("Question code → good, fairly_good, average or poor, for every question of the cycle."),
    )

    def validate_answers(self, value: dict) -> dict:
        if len(value) > 50:
            raise serializers.ValidationError(_("Too many answers."))
        return value


class RatingDoneSerializer(serializers.Serializer):
    rated = serializers.BooleanField()


class MyRatingSerializer(serializers.Serializer):
    rating_open = serializers.BooleanField(help_text=_("Your community's cycle is in its rating phase."))
    rated = serializers.BooleanField(help_text=_("You have rated in that cycle."))


@extend_schema(tags=["assessments"])
class RatingSubmitView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("Rate a community secretary"),
        description=_(
            "Signed in: your own community's secretary, once per cycle. With a ticket: the ticket's "
            "community's secretary, once per ticket. Only while the cycle is in its rating phase."
        ),
        request=RatingSubmitSerializer,
        responses={
            201: RatingDoneSerializer,
            400: OpenApiResponse(
                description=_("Refused or invalid: the reason in Chinese; nothing written.")
            ),
            401: OpenApiResponse(description=_("Sign in first, or give a ticket code.")),
            429: OpenApiResponse(description=_("Too many ticket attempts from your address.")),
        },
    )
    def post(self, request: Request) -> Response:
        params = RatingSubmitSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        code = params.validated_data.get("ticket", "")
        answers = params.validated_data["answers"]
        if code:
            if not ratelimit.allow(
                "assessment-ticket",
                ratelimit.client_address(request),
                limit=getattr(settings, "ASSESSMENTS_TICKET_ATTEMPTS_PER_HOUR", TICKET_ATTEMPTS_PER_HOUR),
                seconds=3600,
            ):
                return Response(
                    {"detail": _("Too many attempts from your network; please try again in an hour.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            ratings.rate_with_ticket(code, answers)
        elif request.user.is_authenticated:
            ratings.rate_as_member(request.user, answers)
        else:
            return Response({"detail": _("Sign in first, or give a ticket code.")}, status=401)
        return Response({"rated": True}, status=status.HTTP_201_CREATED)


@extend_schema(tags=["assessments"])
class MyRatingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("Have I rated?"),
        description=_("Whether your community's cycle is in its rating phase and whether you have rated."),
        responses={200: MyRatingSerializer},
    )
    def get(self, request: Request) -> Response:
        rated = ratings.has_rated(request.user)
        return Response({"rating_open": rated is not None, "rated": bool(rated)})
