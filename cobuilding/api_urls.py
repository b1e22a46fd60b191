"""The co-building JSON API under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import (
    AgreementViewSet,
    NeedAnswerViewSet,
    NeedViewSet,
    ProjectViewSet,
    ReportInViewSet,
    ResourceViewSet,
)
from .api_figures import FiguresAPIView
from .api_meetings import DecisionViewSet, JointMeetingViewSet

router = SimpleRouter()
router.register("cobuilding/agreements", AgreementViewSet, basename="api-cobuilding-agreement")
router.register("cobuilding/resources", ResourceViewSet, basename="api-cobuilding-resource")
router.register("cobuilding/needs", NeedViewSet, basename="api-cobuilding-need")
router.register("cobuilding/answers", NeedAnswerViewSet, basename="api-cobuilding-answer")
router.register("cobuilding/projects", ProjectViewSet, basename="api-cobuilding-project")
router.register("cobuilding/report-ins", ReportInViewSet, basename="api-cobuilding-report-in")
router.register("cobuilding/meetings", JointMeetingViewSet, basename="api-cobuilding-meeting")
router.register("cobuilding/decisions", DecisionViewSet, basename="api-cobuilding-decision")

urlpatterns = [
    path("cobuilding/figures/", FiguresAPIView.as_view(), name="api-cobuilding-figures"),
    *router.urls,
]
