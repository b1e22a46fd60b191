"""API serializers of the public site: search."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .queries import MAX_QUERY_LENGTH


class SearchQuerySerializer(serializers.Serializer):
    """Query parameters of GET /api/search/."""

    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        trim_whitespace=True,
        help_text=_("Words to look for; Chinese is split into words, so 志愿 finds 社区志愿服务活动通知."),
        error_messages={
            "blank": _("Type one or more words to search for."),
            "required": _("Type one or more words to search for."),
            "max_length": _("Please search for at most {max_length} characters."),
        },
    )


class SearchResultSerializer(serializers.Serializer):
    """One page found; the *_html fields are escaped HTML with the query's words in <mark>."""

    id = serializers.IntegerField(source="page.pk", read_only=True)
    title = serializers.CharField(source="page.title", read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The page's address on this site."))
    title_html = serializers.CharField(read_only=True, help_text=_("The title, escaped, words marked."))
    snippet_html = serializers.CharField(
        read_only=True,
        help_text=_("A piece of the page's text around the first match, escaped, words marked."),
    )

    def get_url(self, hit) -> str | None:
        return hit.page.get_url(self.context.get("request"))
