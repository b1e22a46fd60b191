"""Pages of the volunteer service under /activities/ (the JSON API is in volunteers.api_urls)."""

from django.urls import path

from . import views, views_calendar, views_compliance, views_dashboard, views_reminders, views_series

app_name = "volunteers"
urlpatterns = [
    path("", views.activity_list, name="activities"),
    path("mine/", views.my_service, name="mine"),
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("calendar/mine/", views_calendar.my_calendar, name="my_calendar"),
    path("calendar/mine/reset/", views_calendar.reset_my_calendar, name="reset_my_calendar"),
    path("calendar/feed/<str:token>.ics", views_calendar.person_feed, name="person_feed"),
    path("calendar/organisations/<int:pk>.ics", views_calendar.organisation_feed, name="organisation_feed"),
    path("register/", views.register, name="register"),
    path("mine/certificates/", views.certificates, name="certificates"),
    path("mine/certificates/<int:pk>.pdf", views.certificate_download, name="certificate_pdf"),
    path("verify/", views.verify, name="verify"),
    path("compliance/", views_compliance.compliance_page, name="compliance"),
    path("compliance/export.xlsx", views_compliance.compliance_export, name="compliance_export"),
    path("compliance/<int:pk>/", views_compliance.compliance_branch, name="compliance_branch"),
    path("dashboard/", views_dashboard.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", views_dashboard.dashboard_export, name="dashboard_export"),
    path("offers/<str:token>/", views.offer, name="offer"),
    path("reminders/<str:token>/cannot-come/", views_reminders.cannot_come, name="cannot_come"),
    path("series/<int:pk>/", views_series.series_detail, name="series"),
    path("<int:pk>/", views.activity_detail, name="activity"),
    path("<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/organise/", views.organise, name="organise"),
    path("<int:pk>/organise/code/", views.rotate_code, name="rotate_code"),
    path("<int:pk>/organise/complete/", views.complete, name="complete"),
    path("<int:pk>/organise/cancel/", views.cancel_activity, name="cancel_activity"),
    path("signups/<int:pk>/cancel/", views.cancel_signup, name="cancel_signup"),
    path("signups/<int:pk>/tick/", views.tick, name="tick"),
    path("signups/<int:pk>/hours/", views.adjust_hours, name="adjust_hours"),
]
