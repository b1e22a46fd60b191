"""Uploaded media in development: only the public folders (Wagtail's images).

Documents are served by Wagtail's serve view, whose hook checks the reader (portal/documents.py);
roster imports hold identity numbers and leave only through orgchart:roster_job_file. Neither is
ever served from MEDIA_URL, in development or behind a production proxy (which should serve only
these same folders).
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve

PUBLIC_MEDIA_DIRS = ("images", "original_images")


def serve_public_media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve an uploaded file under a public folder; anything else (imports, documents) is a 404."""
    normalised = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    # A case-insensitive disk would serve Imports/ as imports/: compare the folder in lower case,
    # and allow only exact public folder names.
    top = normalised.split("/", 1)[0]
    if top not in PUBLIC_MEDIA_DIRS or normalised.startswith("..") or "/" not in normalised:
        raise Http404
    return serve(request, normalised, document_root=settings.MEDIA_ROOT)
