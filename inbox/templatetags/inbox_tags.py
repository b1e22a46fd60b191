"""The header's unread count: `{% inbox_unread_count as n %}` (no query for anonymous visitors)."""

from __future__ import annotations

from django import template

from inbox import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    request = context.get("request")
    if request is None:
        return 0  # 500.html and e-mails render without a request: stay query-free
    return queries.unread_count(getattr(request, "user", None))
