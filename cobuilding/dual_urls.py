"""Pages of dual reporting (双报到) under /cobuilding/ (cobuilding.views_dual)."""

from django.urls import path

from . import views_dual

app_name = "cobuilding_dual"
urlpatterns = [
    path("report-ins/", views_dual.index, name="index"),
    path("report-ins/<int:pk>/", views_dual.community, name="community"),
    path("report-ins/<int:pk>/invite/", views_dual.invite, name="invite"),
    path("report-ins/<int:pk>/export.xlsx", views_dual.community_export, name="community-export"),
    path("home-branch/<int:pk>/", views_dual.home, name="home"),
    path("home-branch/<int:pk>/export.xlsx", views_dual.home_export, name="home-export"),
]
