"""A service's ValidationError or PermissionDenied shown on the admin form that called it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _


def _error_dict(exc: ValidationError | PermissionDenied) -> dict[str, list]:
    if isinstance(exc, PermissionDenied):
        return {NON_FIELD_ERRORS: [str(exc) or _("You do not manage this organisation.")]}
    if hasattr(exc, "error_dict"):
        return dict(exc.error_dict)
    return {NON_FIELD_ERRORS: exc.error_list}


def _form_field(form: forms.BaseForm, field: str) -> str | None:
    """The form's field for an error reported under `field`, or None (the form's top)."""
    field = getattr(form, "field_aliases", {}).get(field, field)
    if field in form.fields:
        return field
    # A model reports a foreign key as `<name>_id`; the form shows it as `<name>`.
    if field.endswith("_id") and field[:-3] in form.fields:
        return field[:-3]
    return None


def add_service_error(form: forms.BaseForm, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's error on the form: on the field it names if the form has it, else on top.

    A form whose fields are named otherwise than the service's arguments maps them in
    `field_aliases` (service name -> form field name).
    """
    for field, errors in _error_dict(exc).items():
        form.add_error(_form_field(form, field), errors)


class ServiceErrorsMixin:
    """Model validation run by a ModelForm may name fields the form lacks; show those on top."""

    def _update_errors(self, errors: ValidationError) -> None:
        add_service_error(self, errors)
