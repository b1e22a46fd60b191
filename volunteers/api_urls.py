"""The volunteer service's JSON API under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ActivityViewSet, ConfirmOfferView, MyHoursView, SignUpViewSet
from .api_calendar import MyCalendarFeedView, MyCalendarView, ResetMyCalendarFeedView
from .api_series import SeriesViewSet

router = SimpleRouter()
router.register("activities", ActivityViewSet, basename="api-activity")
router.register("signups", SignUpViewSet, basename="api-signup")
router.register("series", SeriesViewSet, basename="api-series")

urlpatterns = [
    path("offers/confirm/", ConfirmOfferView.as_view(), name="api-offer-confirm"),
    path("me/hours/", MyHoursView.as_view(), name="api-my-hours"),
    path("me/calendar/", MyCalendarView.as_view(), name="api-my-calendar"),
    path("me/calendar-feed/", MyCalendarFeedView.as_view(), name="api-my-calendar-feed"),
    path("me/calendar-feed/reset/", ResetMyCalendarFeedView.as_view(), name="api-my-calendar-feed-reset"),
    *router.urls,
]
