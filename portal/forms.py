"""Forms of the portal's pages: study records, documents, search."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

from .queries import MAX_QUERY_LENGTH
from .services import MAX_REFLECTION_CHARS, MAX_STUDY_MINUTES


class MinutesField(forms.IntegerField):
    """Whole minutes in ASCII digits: Python's int() would take full-width or other scripts'
    digits ("１２") silently; the member is asked to type them again instead."""

    def to_python(self, value):
        if (
            isinstance(value, str)
            and value.strip()
            and not (value.strip().isascii() and value.strip().isdigit())
        ):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StudyRecordForm(forms.Form):
    minutes = MinutesField(
        label=_("Minutes spent"),
        min_value=1,
        max_value=MAX_STUDY_MINUTES,
        initial=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    studied_on = forms.DateField(
        label=_("Studied on"),
        initial=timezone.localdate,
        # ISO, the only value a date input shows (the zh-hans format 2026/03/08 leaves it empty).
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, e.g. 2026-03-08.")},
    )
    reflection = forms.CharField(
        label=_("Reflection (optional)"),
        required=False,
        max_length=MAX_REFLECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language, not at import.
        minutes = gettext("Give the minutes spent as a whole number from 1 to %(max)d, e.g. 30.") % {
            "max": MAX_STUDY_MINUTES
        }
        self.fields["minutes"].error_messages.update(
            dict.fromkeys(("required", "invalid", "min_value", "max_value"), minutes)
        )
        self.fields["reflection"].error_messages["max_length"] = gettext(
            "A reflection has at most %(max)d characters."
        ) % {"max": MAX_REFLECTION_CHARS}


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form with a size limit and a clear message (types: WAGTAILDOCS_EXTENSIONS)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and getattr(upload, "size", 0) > settings.DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; documents may be at most %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(settings.DOCUMENT_MAX_BYTES)}
            )
        return upload


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        error_messages={
            "max_length": _(
                "Please search for at most %(limit_value)d characters (you typed %(show_value)d)."
            )
        },
    )
