"""Forms of the public site."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .queries import MAX_QUERY_LENGTH


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
