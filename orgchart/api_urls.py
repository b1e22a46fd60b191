"""JSON API under /api/ (the schema itself is at /api/openapi.json, routed in portal.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import MemberViewSet, MeView, ObtainExpiringAuthToken, OrganisationViewSet, TransferViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="api-organisation")
router.register("members", MemberViewSet, basename="api-member")
router.register("transfers", TransferViewSet, basename="api-transfer")

urlpatterns = [
    path("token/", ObtainExpiringAuthToken.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
