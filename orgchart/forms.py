"""Forms of the organisation chart pages."""

from __future__ import annotations

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from .roster import MAX_FILE_BYTES


class RosterUploadForm(forms.Form):
    """A members roster to import: an .xlsx file of at most 10 MB."""

    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        validators=[
            FileExtensionValidator(
                ["xlsx"], message=_("Upload an Excel workbook ending in .xlsx (not .xls, .csv or .et).")
            )
        ],
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; split the roster into several files."),
                params={"size": MAX_FILE_BYTES // (1024 * 1024)},
            )
        return upload
