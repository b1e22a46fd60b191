"""The unit side's joint meetings under /cobuilding/unit/meetings/ (cobuilding.views_unit_meetings)."""

from django.urls import path

from . import views_unit_meetings

app_name = "cobuilding_unit_meetings"
urlpatterns = [
    path("unit/meetings/", views_unit_meetings.page, name="page"),
    path("unit/meetings/decisions/<int:pk>/done/", views_unit_meetings.mark_done, name="done"),
    path("unit/meetings/invitations/<int:pk>/answer/", views_unit_meetings.answer, name="answer"),
]
