"""Site views outside the Wagtail page tree: search."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from core.search.segment import query_words

from .forms import SearchForm
from .queries import search_hits, search_pages

RESULTS_PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    """/search/?q=: live pages the visitor may open, best first, the query's words highlighted."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "query": query, "page_obj": None, "hits": [], "no_words": False}
    if query and not query_words(query):
        context["no_words"] = True
    elif query:
        results = search_pages(request.user, query)
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            page_obj=page_obj,
            hits=search_hits(page_obj.object_list, query),
            page_query=urlencode({"q": query}),
        )
    return render(request, "portal/search.html", context)
