"""Inbox pages under /inbox/ (the JSON API is in inbox.api_urls, under /api/inbox/)."""

from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/open/", views.open_notification, name="open"),
]
