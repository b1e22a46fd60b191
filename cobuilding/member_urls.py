"""The member's own co-building pages under /cobuilding/ (cobuilding.views_member)."""

from django.urls import path

from . import views_member

app_name = "cobuilding_member"
urlpatterns = [
    path("me/report-in/", views_member.report_in, name="report_in"),
]
