"""My calendar in the JSON API: my sign-ups over a date range with the activities' times, and the
secret address of my calendar feed (get, reset). Thin: volunteers.queries and
volunteers.calendars do the work."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import queries
from .api import _errors
from .calendars import feeds, tokens
from .serializers import CalendarEntrySerializer, CalendarFeedSerializer, CalendarQuerySerializer


@extend_schema(
    tags=["activities"],
    summary=_("My calendar"),
    description=_(
        "My sign-ups for activities starting over a date range (at most 366 days; by default today "
        "and the next 31 days), soonest first, with the activities' times and the status the calendar "
        "feed gives them."
    ),
    parameters=[CalendarQuerySerializer],
    responses={200: CalendarEntrySerializer(many=True), **_errors(400, 401)},
)
class MyCalendarView(APIView):
    def get(self, request: Request) -> Response:
        params = CalendarQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        signups = list(
            queries.my_calendar(request.user, params.validated_data["from"], params.validated_data["to"])
        )
        for signup in signups:
            signup.calendar_status = feeds.ics_status(signup)
        return Response(CalendarEntrySerializer(signups, many=True).data)


def _feed_response(request: Request, token: str) -> Response:
    url = request.build_absolute_uri(reverse("volunteers:person_feed", args=[token]))
    data = {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
    return Response(CalendarFeedSerializer(data).data)


@extend_schema(
    tags=["activities"],
    summary=_("My calendar feed"),
    description=_(
        "The secret address of my calendar feed, created on first use. Anyone with it sees my "
        "sign-ups: keep it private, reset it if it got out."
    ),
    responses={200: CalendarFeedSerializer, **_errors(401)},
)
class MyCalendarFeedView(APIView):
    def get(self, request: Request) -> Response:
        return _feed_response(request, tokens.feed_token(actor=request.user))


@extend_schema(
    tags=["activities"],
    summary=_("Reset my calendar feed"),
    description=_("A new secret address; the old one stops working at once."),
    request=None,
    responses={200: CalendarFeedSerializer, **_errors(401)},
)
class ResetMyCalendarFeedView(APIView):
    def post(self, request: Request) -> Response:
        return _feed_response(request, tokens.reset_feed_token(actor=request.user))
