"""Reads of the inbox shared by the pages, the API and the header."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification

_COUNT_ATTR = "_inbox_unread_count"


def inbox_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (none for an anonymous visitor)."""
    return Notification.objects.for_user(user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """How many of the user's notifications are unread: one COUNT on a partial index; no query at
    all for an anonymous visitor; cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(user, _COUNT_ATTR, None)
    if cached is None:
        cached = Notification.objects.for_user(user).unread().count()
        setattr(user, _COUNT_ATTR, cached)
    return cached


def forget_unread_count(user) -> None:
    """Drop the cached count after marking read within the same request."""
    if hasattr(user, _COUNT_ATTR):
        delattr(user, _COUNT_ATTR)
