"""Residents' pages outside the admin (/residents/)."""

from django.urls import path

from . import views, views_correct, views_figures

app_name = "residents"

urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.resident_list, name="list"),
    path("housing/", views.housing_list, name="housing"),
    path("landlord/", views.landlord_page, name="landlord"),
    path("landlords/add/", views.add_landlord, name="add_landlord"),
    path("housing/add/", views.add_housing, name="add_housing"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.resident_detail, name="detail"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/correct/", views_correct.correct, name="correct"),
    path("export/", views.export_view, name="export"),
    path("audit/", views.audit_trail, name="audit"),
    path("figures/", views_figures.figures, name="figures"),
    path("figures/export.xlsx", views_figures.figures_export, name="figures_export"),
]
