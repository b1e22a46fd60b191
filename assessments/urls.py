"""Pages of the assessment under /assessments/ (the JSON API is in assessments.api_urls)."""

from django.urls import path

from . import views, views_awards, views_committee, views_overrides, views_public, views_ratings

app_name = "assessments"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("sheet/<int:pk>/", views.sheet, name="sheet"),
    path("sheet/<int:pk>/export.xlsx", views.sheet_export, name="sheet_export"),
    path("cycles/<int:pk>/awards/", views_awards.awards, name="awards"),
    path("submissions/<int:pk>/", views_awards.submission_detail, name="submission"),
    path("submissions/<int:pk>/attachment/", views_awards.attachment, name="submission-attachment"),
    path("sheet/<int:pk>/result/<int:result_pk>/", views_overrides.result, name="sheet-result"),
    path("cycles/<int:pk>/committee/", views_committee.table, name="committee"),
    path(
        "cycles/<int:pk>/committee/<int:member_id>/",
        views_committee.secretary,
        name="committee-secretary",
    ),
    path("rate/", views_ratings.rate, name="rate"),
    path("ticket/", views_ratings.ticket_entry, name="ticket-entry"),
    path("ticket/<str:code>/", views_ratings.ticket, name="ticket"),
    path("thanks/", views_ratings.thanks, name="thanks"),
    path("tickets/", views_ratings.ticket_sheet, name="ticket-sheet"),
    path("results/", views_public.results, name="results"),
    path("results/<str:pk>/", views_public.result, name="result"),
    path("publicity/<str:pk>/", views_public.publicity, name="publicity"),
]
