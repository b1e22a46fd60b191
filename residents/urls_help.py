"""Help-request pages: the public ones (`help_public_urlpatterns`, under /help/, namespace "help")
and the staff ones (`urlpatterns`, under /residents/help/, namespace "residents_help")."""

from django.urls import include, path

from . import figures_help, views_help

public = (
    [
        path("", views_help.help_form, name="form"),
        path("status/", views_help.help_status, name="status"),
        path("mine/", views_help.my_requests, name="mine"),
    ],
    "help",
)

staff = (
    [
        path("", views_help.staff_index, name="index"),
        path("record/", views_help.record_call, name="record"),
        path("figures/", figures_help.figures, name="figures"),
        path("figures/export/", figures_help.figures_export, name="figures_export"),
        path("<int:pk>/", views_help.staff_detail, name="detail"),
        path("<int:pk>/<slug:action>/", views_help.staff_action, name="action"),
    ],
    "residents_help",
)

urlpatterns = [path("residents/help/", include(staff)), path("help/", include(public))]
