"""The residents' JSON API under /api/."""

from rest_framework.routers import SimpleRouter

from .api import HousingViewSet, ResidentViewSet

router = SimpleRouter()
router.register("residents/registrations", ResidentViewSet, basename="api-residents-registration")
router.register("residents/housing", HousingViewSet, basename="api-residents-housing")

urlpatterns = router.urls
