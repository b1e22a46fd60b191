import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import views as portal_views
from portal.api import SearchAPIView
from portal.auth import LoginForm
from portal.media import serve_public_media

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("api/search/", SearchAPIView.as_view(), name="api-search"),
    path("api/", include("orgchart.api_urls")),
    path("api/", include("inbox.api_urls")),
    path("api/", include("volunteers.api_urls")),
    path("api/", include("assessments.api_urls")),
    path("api/", include("cobuilding.api_urls")),
    path("api/", include("residents.api_urls")),
    path("api/", include("residents.api_help_urls")),
    path("search/", portal_views.search, name="search"),
    path("orgchart/", include("orgchart.urls")),
    path("inbox/", include("inbox.urls")),
    path("activities/", include("volunteers.urls")),
    path("reading/", include("portal.reading_urls")),
    path("assessments/", include("assessments.urls")),
    path("cobuilding/", include("cobuilding.dual_urls")),
    path("cobuilding/", include("cobuilding.urls")),
    path("cobuilding/", include("cobuilding.member_urls")),
    path("cobuilding/", include("cobuilding.unit_urls")),
    path("cobuilding/", include("cobuilding.unit_meetings_urls")),
    path("residents/", include("residents.urls")),
    path("", include("residents.urls_help")),
]

if settings.DEBUG:
    # Public uploaded media (images) for the development server; documents and roster imports
    # leave only through views that check who may read them (portal/media.py).
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_public_media),
    ]

urlpatterns.append(path("", include(wagtail_urls)))

# A refusal shows its reason (the PermissionDenied's Chinese text) and a way back (core/errors.py).
handler403 = "core.errors.permission_denied"
