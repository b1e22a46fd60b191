"""The content lists a reader sees, as ids from the cache: one entry per page type and audience.

A list's rows depend on who reads it only through the audience rule: superuser or not, the
organisations addressed to the reader (their own branch and those above it) and the subtrees
they manage (orgchart.access). Readers with the same three share one entry, so a branch's members
share their lists, and a member's page no longer compiles and runs the audience query (its
Exists subqueries were the larger part of a logged-in member's request).

The entry is the ordered list of ids of `listed_for(user)`, under the content version of
`portal.pagecache` (renewed on publish, unpublish, move, page save/delete and tree changes) and
for at most `pagecache.page_timeout` (cut at the next notice expiry and at midnight). A changed
post or transfer changes the reader's audience, hence the key: nothing to retire.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from django.core.cache import cache
from django.http import HttpRequest

from orgchart import access

from .pagecache import content_version, page_timeout


def audience_key(user) -> str:
    """A short stamp of everything the audience rule reads about `user`."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    if user.is_superuser:
        return "superuser"
    parts = ("a", *access.addressed_paths(user), "m", *access.managed_paths(user))
    return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


# Narrower lists kept beside the whole one: what the home page and the unread count ask for.
VARIANTS = {
    "all": lambda model, user, rows: rows,
    "addressed": lambda model, user, rows: rows.filter(model.addressed_to_member_q(user)),
    "featured": lambda model, user, rows: rows.filter(featured=True),
}


def listed_ids(request: HttpRequest, model, variant: str = "all") -> list[int]:
    """Ids of `model.listed_for(request.user)` in list order (narrowed by `variant`), from the
    cache when a reader with the same audience asked since the last change."""
    user = request.user
    key = f"portal:ids:{model._meta.label_lower}:{variant}:{content_version(request)}:{audience_key(user)}"
    ids = cache.get(key)
    if ids is None:
        rows = VARIANTS[variant](model, user, model.listed_for(user))
        ids = list(rows.values_list("pk", flat=True))
        cache.set(key, ids, page_timeout(request))
    return ids


def fetch_in_order(model, ids: Sequence[int]) -> list:
    """The pages with these ids (organisation included), in the order given: one query."""
    found = model.objects.select_related("organisation").in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]


class PageList(Sequence):
    """Pages by id, fetched (one query) only when a template reads them, so a list whose rendered
    fragment comes from the cache costs nothing. Truth and length come from the ids alone."""

    def __init__(self, model, ids: Sequence[int]) -> None:
        self.model = model
        self.ids = list(ids)
        self._rows: list | None = None

    def _fetch(self) -> list:
        if self._rows is None:
            self._rows = fetch_in_order(self.model, self.ids)
        return self._rows

    def __iter__(self) -> Iterator:
        return iter(self._fetch())

    def __getitem__(self, index):
        return self._fetch()[index]

    def __len__(self) -> int:
        return len(self._fetch()) if self._rows is not None else len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)


def fragment_context(request: HttpRequest, *parts: object) -> dict:
    """What a template's `{% cache list_seconds "content-list" list_key %}` needs for a list
    shown to this reader: the key (content version, audience, `parts`) and how long it may live."""
    key = ":".join([content_version(request), audience_key(request.user), *map(str, parts)])
    return {"list_key": key, "list_seconds": page_timeout(request)}
