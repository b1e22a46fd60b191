"""The assessment's JSON API under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import CycleViewSet
from .rating_api import MyRatingView, RatingSubmitView
from .scores_api import MyScoresView, PublicResultViewSet

router = SimpleRouter()
router.register("assessment-cycles", CycleViewSet, basename="api-assessment-cycle")
router.register("assessment-results", PublicResultViewSet, basename="api-assessment-result")

urlpatterns = [
    path("assessment-ratings/", RatingSubmitView.as_view(), name="api-assessment-rating"),
    path("assessment-ratings/mine/", MyRatingView.as_view(), name="api-assessment-rating-mine"),
    path("assessment-scores/mine/", MyScoresView.as_view(), name="api-assessment-scores-mine"),
    *router.urls,
]
