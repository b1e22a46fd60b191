"""The assessment's JSON API under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import CycleViewSet
from .rating_api import MyRatingView, RatingSubmitView

router = SimpleRouter()
router.register("assessment-cycles", CycleViewSet, basename="api-assessment-cycle")

urlpatterns = [
    path("assessment-ratings/", RatingSubmitView.as_view(), name="api-assessment-rating"),
    path("assessment-ratings/mine/", MyRatingView.as_view(), name="api-assessment-rating-mine"),
    *router.urls,
]
