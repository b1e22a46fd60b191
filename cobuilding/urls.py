"""Co-building pages outside the admin (/cobuilding/)."""

from django.urls import path

from . import views_figures

app_name = "cobuilding"

urlpatterns = [
    path("figures/", views_figures.figures, name="figures"),
    path("figures/export.xlsx", views_figures.figures_export, name="figures_export"),
]
