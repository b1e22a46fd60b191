"""Project-wide API plumbing: errors answered in Chinese, never a 500 for bad input."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def _validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    """Django's error dict in DRF's shape: errors not tied to a field go under `non_field_errors`."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    detail: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        detail.setdefault(key, []).extend(messages)
    return detail


def _translate_untranslated(detail):
    """DRF writes a few messages as plain English, never through gettext ("No data provided");
    give those their Chinese text by their error code, wherever they sit in the detail."""
    if isinstance(detail, list):
        return [_translate_untranslated(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _translate_untranslated(value) for key, value in detail.items()}
    if isinstance(detail, exceptions.ErrorDetail) and str(detail) == "No data provided":
        return exceptions.ErrorDetail(_("No data provided."), code=detail.code)
    return detail


def exception_handler(exc, context):
    """Let services raise Django's ValidationError/PermissionDenied and still answer 400/403;
    answer DRF's untranslated messages in Chinese."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        # Django's get_object_or_404 says "No Member matches the given query." in English and
        # names the model: DRF's own "Not found." is translated and tells nothing more.
        exc = exceptions.NotFound()
    elif isinstance(exc, exceptions.ValidationError):
        exc.detail = _translate_untranslated(exc.detail)
    return drf_exception_handler(exc, context)


def project_endpoints_only(endpoints: list[tuple]) -> list[tuple]:
    """drf-spectacular preprocessing hook: keep endpoints under /api/, drop e.g. Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
