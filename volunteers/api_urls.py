"""The volunteer service's JSON API under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ActivityViewSet, ConfirmOfferView, MyHoursView, SignUpViewSet

router = SimpleRouter()
router.register("activities", ActivityViewSet, basename="api-activity")
router.register("signups", SignUpViewSet, basename="api-signup")

urlpatterns = [
    path("offers/confirm/", ConfirmOfferView.as_view(), name="api-offer-confirm"),
    path("me/hours/", MyHoursView.as_view(), name="api-my-hours"),
    *router.urls,
]
