"""The help-request JSON API under /api/residents/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api_help import HelpRequestViewSet, PublicCreateView, PublicStatusView

router = SimpleRouter()
router.register("residents/help-requests", HelpRequestViewSet, basename="api-residents-help-request")

urlpatterns = [
    path("residents/help-requests/public/", PublicCreateView.as_view(), name="api-residents-help-public"),
    path("residents/help-requests/status/", PublicStatusView.as_view(), name="api-residents-help-status"),
    *router.urls,
]
