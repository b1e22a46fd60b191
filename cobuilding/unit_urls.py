"""The unit's own co-building page under /cobuilding/ (cobuilding.views_unit)."""

from django.urls import path

from . import views_unit

app_name = "cobuilding_unit"
urlpatterns = [
    path("unit/", views_unit.unit_page, name="page"),
]
