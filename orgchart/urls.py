"""Pages of the organisation chart and the members roster, under /orgchart/."""

from django.urls import path

from . import views

app_name = "orgchart"
urlpatterns = [
    path("<int:org_pk>/members/", views.org_members, name="org_members"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("me/", views.my_record, name="my_record"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("roster/help/", views.roster_help, name="roster_help"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("roster/jobs/<int:pk>/", views.roster_job, name="roster_job"),
    path("roster/jobs/<int:pk>/status/", views.roster_job_status, name="roster_job_status"),
    path("roster/jobs/<int:pk>/file/", views.roster_job_file, name="roster_job_file"),
    path("<int:org_pk>/export.xlsx", views.roster_export, name="roster_export"),
]
