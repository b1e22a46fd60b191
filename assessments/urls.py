"""Pages of the assessment under /assessments/ (the JSON API is in assessments.api_urls)."""

from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("sheet/<int:pk>/", views.sheet, name="sheet"),
    path("sheet/<int:pk>/export.xlsx", views.sheet_export, name="sheet_export"),
]
