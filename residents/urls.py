"""Residents' pages outside the admin (/residents/)."""

from django.urls import path

from . import views, views_correct, views_figures, views_housing

app_name = "residents"

urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.resident_list, name="list"),
    path("housing/", views.housing_list, name="housing"),
    path("landlord/", views.landlord_page, name="landlord"),
    path("landlords/", views_housing.landlord_list, name="landlords"),
    path("landlords/add/", views_housing.add_landlord, name="add_landlord"),
    path("landlords/<int:pk>/", views_housing.landlord_detail, name="landlord_detail"),
    path("landlords/<int:pk>/edit/", views_housing.edit_landlord, name="edit_landlord"),
    path("landlords/<int:pk>/login/", views_housing.landlord_login, name="landlord_login"),
    path("landlords/<int:pk>/password/", views_housing.landlord_password, name="landlord_password"),
    path("landlords/<int:pk>/disable/", views_housing.disable_landlord_login, name="disable_landlord_login"),
    path("landlords/<int:pk>/enable/", views_housing.enable_landlord_login, name="enable_landlord_login"),
    path("housing/add/", views_housing.add_housing, name="add_housing"),
    path("housing/<int:pk>/edit/", views_housing.edit_housing, name="edit_housing"),
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
