"""The inbox's JSON API, included under /api/ by portal.urls."""

from rest_framework.routers import SimpleRouter

from .api import NotificationViewSet

router = SimpleRouter()
router.register("inbox", NotificationViewSet, basename="api-inbox")

urlpatterns = router.urls
