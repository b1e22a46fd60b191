"""Admin listing columns.

Wagtail's DateColumn shows a date relative to now ("3 天前"); a date in the future (an agreement's
end, a need's wanted period) reads "刚刚" ("just now"), which is wrong. DayColumn shows the day.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone
from wagtail.admin.ui.tables import Column


class DayColumn(Column):
    """A date (or the local day of a datetime) as YYYY-MM-DD; empty: "—"."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None or value == "":
            return "—"
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return dateformat.format(value, "Y-m-d")
