"""Reminder policies in the Wagtail admin: when each kind of activity reminds those signed up.

A plain model viewset under Django's model permissions (superusers, or groups given them): the
policy is street-wide, not a row of one organisation.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import ReminderPolicy


class ReminderPolicyViewSet(ModelViewSet):
    model = ReminderPolicy
    icon = "time"
    menu_label = _("Reminders")
    add_to_settings_menu = True  # Settings → Reminders
    form_fields = ["kind", "hours"]
    list_display = ["kind", "hours"]
    copy_view_enabled = False
    inspect_view_enabled = False
