"""The assessment's JSON API under /api/."""

from rest_framework.routers import SimpleRouter

from .api import CycleViewSet

router = SimpleRouter()
router.register("assessment-cycles", CycleViewSet, basename="api-assessment-cycle")

urlpatterns = [*router.urls]
