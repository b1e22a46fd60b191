"""The unit's own co-building page under /cobuilding/ (cobuilding.views_unit)."""

from django.urls import path

from . import views_unit

app_name = "cobuilding_unit"
urlpatterns = [
    path("unit/", views_unit.unit_page, name="page"),
    path("unit/offer/", views_unit.offer, name="offer"),
    path("unit/resources/<int:pk>/", views_unit.edit_resource, name="resource"),
    path("unit/resources/<int:pk>/withdraw/", views_unit.withdraw_resource, name="withdraw"),
    path("unit/needs/<int:pk>/answer/", views_unit.answer, name="answer"),
]
