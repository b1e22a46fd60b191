"""Who may open which page: the audience rule every page listing and search result goes through."""

from __future__ import annotations

from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.query import PageQuerySet

from .models import LoginRequiredPage


def login_required_page_types() -> list[type[Page]]:
    """The page types whose `serve` sends anonymous visitors to the login page."""
    return [model for model in get_page_models() if issubclass(model, LoginRequiredPage)]


def _passes(user, restriction: PageViewRestriction) -> bool:
    """Whether `user` gets past a Wagtail view restriction without a password form."""
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return user.is_authenticated
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        wanted = {group.pk for group in restriction.groups.all()}
        return bool(wanted & set(user.groups.values_list("pk", flat=True)))
    # A password is asked for per visit: never list such pages.
    return False


def pages_visible_to(user, pages: PageQuerySet) -> PageQuerySet:
    """Only the live pages in `pages` that `user` could open — the rule for search and listings.

    A user must never see, even as a title in search results, a page whose `serve` would refuse
    them. Page types with their own audience (e.g. members-only notices addressed to an
    organisation's subtree) add their condition here, so search, lists and the API keep one rule.
    Conditions must filter on fields indexed as `index.FilterField` (content_type, path, depth,
    live, id, ...): Wagtail's search applies this queryset inside the database query.
    """
    pages = pages.live()
    if not user.is_authenticated:
        pages = pages.not_type(*login_required_page_types())
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    for restriction in restrictions:
        if not _passes(user, restriction):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages
