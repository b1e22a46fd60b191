"""Helpers of the co-building tests."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def codes(exc: ValidationError) -> set[str]:
    """Every error code in a ValidationError, on a field or not."""
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}
