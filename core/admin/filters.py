"""The filterset base of admin listings: choice filters with "All", and empty / filled filters."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet


def choice_filter(label, choices, method=None) -> django_filters.ChoiceFilter:
    """A drop-down filter whose empty choice reads "All"."""
    return django_filters.ChoiceFilter(label=label, choices=choices, method=method, empty_label=_("All"))


def isnull_filter(field: str, label, *, empty: tuple, filled: tuple) -> django_filters.ChoiceFilter:
    """Split a listing on whether the nullable `field` is empty (e.g. open / closed on a date).

    `empty` and `filled` are (value, label) choices.
    """

    def split(queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{field}__isnull": value == empty[0]}) if value else queryset

    return choice_filter(label, [empty, filled], method=split)


class AdminFilterSet(WagtailFilterSet):
    """Base of every admin listing's filterset: a model, its choice filters, its empty/filled splits.

    Declare filters with `choice_filter` and `isnull_filter`; an empty choice leaves the listing
    whole. Subclasses set `Meta.model` and `Meta.fields`.
    """
