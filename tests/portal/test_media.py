"""Uploaded media: only images are served from MEDIA_URL; documents go through Wagtail's serve
view (which checks the reader), roster imports through their own view."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from portal.media import serve_public_media


@pytest.mark.parametrize(
    "path",
    [
        "documents/secret.pdf",
        "Documents/secret.pdf",
        "images/../documents/secret.pdf",
        "secret.pdf",
        "../etc/passwd",
    ],
)
def test_documents_and_anything_outside_the_image_folders_are_not_media(settings, tmp_path, path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "secret.pdf").write_bytes(b"%PDF members only")
    with pytest.raises(Http404):
        serve_public_media(RequestFactory().get("/media/" + path), path)


def test_original_images_are_served_in_development(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "original_images").mkdir()
    (tmp_path / "original_images" / "a.png").write_bytes(b"\x89PNG")
    response = serve_public_media(
        RequestFactory().get("/media/original_images/a.png"), "original_images/a.png"
    )
    assert response.status_code == 200
