"""Reads the page views and the API share: site search."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from core.search.highlight import highlight, searchable_body, snippet
from core.search.segment import highlight_terms

from .access import pages_visible_to

# Longest query accepted, in characters: a query is a few words, not a document.
MAX_QUERY_LENGTH = 100


def search_pages(user, query: str):
    """Live pages `user` may open that match `query`, best first (title matches before body ones).

    Returns Wagtail search results: they paginate and count like a queryset.
    """
    pages = pages_visible_to(user, Page.objects.all()).specific()
    return get_search_backend().search(query, pages)


@dataclass(frozen=True)
class SearchHit:
    page: Page
    title_html: SafeString
    snippet_html: SafeString


def search_hits(pages, query: str) -> list[SearchHit]:
    """Each page of one results page with its title and a snippet, the query's words marked."""
    terms = highlight_terms(query)
    return [
        SearchHit(page, highlight(page.title, terms), snippet(searchable_body(page), terms)) for page in pages
    ]
