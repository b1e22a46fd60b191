import posixpath
import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularJSONAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from orgchart.models import IMPORTS_DIR


def serve_public_media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve an uploaded file in development; never one under the private imports folder."""
    normalised = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    private = normalised.lower()  # a case-insensitive disk serves Imports/ as imports/
    if private == IMPORTS_DIR or private.startswith(IMPORTS_DIR + "/"):
        raise Http404
    return serve(request, normalised, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("api/", include("orgchart.api_urls")),
    path("api/", include("inbox.api_urls")),
    path("orgchart/", include("orgchart.urls")),
    path("inbox/", include("inbox.urls")),
    path("reading/", include("portal.reading_urls")),
]

if settings.DEBUG:
    # Uploaded media for the development server, except roster imports (orgchart.models.IMPORTS_DIR):
    # those hold identity numbers and leave only through orgchart:roster_job_file, which checks access.
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_public_media),
    ]

urlpatterns.append(path("", include(wagtail_urls)))
