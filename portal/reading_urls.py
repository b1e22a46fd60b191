"""URLs of the portal's own views (reports on content); Wagtail serves the pages themselves."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("notices/<int:pk>/reads/", views.read_report, name="read_report"),
    path("notices/<int:pk>/reads.xlsx", views.read_report_export, name="read_report_export"),
]
