"""The assessment's pages under /assessments/."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("rate/", views.rate, name="rate"),
    path("ticket/", views.ticket_entry, name="ticket-entry"),
    path("ticket/<str:code>/", views.ticket, name="ticket"),
    path("thanks/", views.thanks, name="thanks"),
    path("tickets/", views.ticket_sheet, name="ticket-sheet"),
]
