"""API shapes of the inbox."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Notification, is_local_url


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_('The first part of the cause, e.g. "notice".'))
    is_read = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("A path on this site, or empty."))

    class Meta:
        model = Notification
        fields = ["id", "cause_key", "kind", "title", "summary", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_url(self, obj: Notification) -> str:
        return obj.url if is_local_url(obj.url) else ""


class InboxFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text=_("Only notifications not read yet.")
    )


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text=_("How many of your notifications are unread."))


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))
