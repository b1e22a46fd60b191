"""Admin listing columns.

Wagtail's DateColumn shows a date relative to now ("3 天前"); a date in the future (an agreement's
end, a need's wanted period, an activity's start, a public notice's first day) reads "刚刚"
("just now"), which is wrong. DayColumn shows the day, MomentColumn the local day and time: use
them wherever the value can lie in the future.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone
from wagtail.admin.ui.tables import Column


class DayColumn(Column):
    """A date (or the local day of a datetime) as YYYY-MM-DD; empty: "—"."""

    format = "Y-m-d"

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None or value == "":
            return "—"
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
        return dateformat.format(value, self.format)


class MomentColumn(DayColumn):
    """A datetime in local time as YYYY-MM-DD HH:MM (a date: its day); empty: "—"."""

    format = "Y-m-d H:i"

    def get_value(self, instance):
        value = Column.get_value(self, instance)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dateformat.format(value, DayColumn.format)
        return super().get_value(instance)
