"""Forms of the portal's pages: study records, documents, search."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

from .queries import MAX_QUERY_LENGTH
from .services import MAX_REFLECTION_CHARS, MAX_STUDY_MINUTES


class StudyRecordForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Minutes spent"),
        min_value=1,
        max_value=MAX_STUDY_MINUTES,
        initial=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    studied_on = forms.DateField(
        label=_("Studied on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    reflection = forms.CharField(
        label=_("Reflection (optional)"),
        required=False,
        max_length=MAX_REFLECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


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
