"""Who may open which page: the audience rule every page listing and search result goes through."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.query import PageQuerySet

from .models import ContentPage, LoginRequiredPage


def login_required_page_types() -> list[type[Page]]:
    """The page types whose `serve` sends anonymous visitors to the login page."""
    return [model for model in get_page_models() if issubclass(model, LoginRequiredPage)]


def content_page_types() -> list[type[ContentPage]]:
    """Notices, study material, results: page types with their own audience (`visible_to`)."""
    return [model for model in get_page_models() if issubclass(model, ContentPage)]


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


def _content_type_ids(model: type[Page]) -> list[int]:
    return [ContentType.objects.get_for_model(m).pk for m in get_page_models() if issubclass(m, model)]


def pages_visible_to(user, pages: PageQuerySet) -> PageQuerySet:
    """Only the live pages in `pages` that `user` could open — the rule for search and listings.

    A user must never see, even as a title in search results, a page whose `serve` would refuse
    them. Page types with their own audience add their condition here, so search, lists and the
    API keep one rule: content pages (notices, study, results) through their own `visible_to`.
    Conditions must filter on fields indexed as `index.FilterField` (content_type, path, depth,
    live, id, ...): Wagtail's search applies this queryset inside the database query.
    """
    pages = pages.live()
    if not user.is_authenticated:
        pages = pages.not_type(*login_required_page_types())
    for model in content_page_types():
        # A page of this type stays only if its own audience rule lets `user` read it.
        visible = model.visible_to(user).values("pk")
        pages = pages.exclude(Q(content_type__in=_content_type_ids(model)) & ~Q(id__in=visible))
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    for restriction in restrictions:
        if not _passes(user, restriction):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages
