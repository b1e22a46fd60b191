"""A service's ValidationError or PermissionDenied shown on the admin form that called it; a
multiple-choice field of ids that never sends an oversized id to the database."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from core.ids import is_storable_id


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


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField whose ids are checked to be integers a column can hold before the
    `pk__in` query: Django's own sends a huge id to the driver (OverflowError, a 500). Such an id
    is "not a valid value", like any unknown one."""

    def _check_values(self, value):
        for pk in value:
            if not is_storable_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

    @classmethod
    def replacing(cls, field: forms.ModelMultipleChoiceField, queryset) -> BoundedModelMultipleChoiceField:
        """The same field (label, widget, required, help) as a bounded one over `queryset`."""
        return cls(
            queryset=queryset,
            required=field.required,
            widget=field.widget,
            label=field.label,
            help_text=field.help_text,
        )
