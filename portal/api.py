"""JSON API of the public site: search. Thin: parse, call portal.queries, render."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions

from .queries import search_hits, search_pages
from .serializers import SearchQuerySerializer, SearchResultSerializer


@extend_schema(
    tags=["search"],
    summary=_("Search the site's pages"),
    description=_(
        "Live pages the caller may open (anonymous callers: public pages only) whose title or text "
        "contains the words of `q`, title matches first. Chinese is segmented into words. A query "
        "of only punctuation finds nothing."
    ),
    parameters=[SearchQuerySerializer],
    responses={
        200: SearchResultSerializer(many=True),
        400: OpenApiResponse(description=_("`q` is missing, empty or too long: messages by field.")),
        404: OpenApiResponse(description=_("No such results page.")),
    },
)
class SearchAPIView(generics.ListAPIView):
    """GET /api/search/?q=: pages matching q, paginated, with highlighted titles and snippets."""

    permission_classes = [permissions.AllowAny]
    serializer_class = SearchResultSerializer

    def get_queryset(self):
        params = SearchQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        self.query = params.validated_data["q"]
        return search_pages(self.request.user, self.query)

    def paginate_queryset(self, queryset):
        pages = super().paginate_queryset(queryset)
        return search_hits(pages, self.query)
