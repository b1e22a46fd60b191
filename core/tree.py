"""Subtree queries on materialised paths (django-treebeard's MP_Node), written once.

A subtree is a path prefix. It is queried as a range, `path >= p AND path < p || '~'`, never as
LIKE 'p%': a range uses the path index on every backend, while SQLite's LIKE cannot (it is
case-insensitive); measured, 17 ms with LIKE against 0.26 ms with a range. Paths sort in byte
order (C collation on PostgreSQL), so the range is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import CharField, OuterRef, Q, Value
from django.db.models.functions import Concat

# Greater than every character of treebeard's path alphabet (0-9, A-Z).
PATH_END = "~"


def path_prefix_q(prefix: str, field: str = "path") -> Q:
    """Rows whose `field` path starts with `prefix` (one subtree), as an index-friendly range."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + PATH_END})


def outer_subtree_q(field: str = "path", outer: str = "path") -> Q:
    """In a subquery: rows whose `field` path lies in the subtree of the outer row's `outer` path.

    The same range as `path_prefix_q`, against OuterRef(outer), so it can use the path index.
    """
    end = Concat(OuterRef(outer), Value(PATH_END), output_field=CharField())
    return Q(**{f"{field}__gte": OuterRef(outer), f"{field}__lt": end})


def compress_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path in the list, in path order."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(p) for p in kept):
            kept.append(path)
    return tuple(kept)


def paths_q(paths: Iterable[str], field: str = "path") -> Q:
    """Rows whose `field` path lies in any of the subtrees `paths`; matches nothing if none."""
    q = Q(pk__in=[])
    for path in compress_paths(paths):
        q |= path_prefix_q(path, field)
    return q


def path_within(path: str, paths: Iterable[str]) -> bool:
    """Whether `path` lies in any of the subtrees `paths` (in Python, for one row already read)."""
    return any(path.startswith(p) for p in paths)


def _path_of(node: Any) -> str:
    return node if isinstance(node, str) else node.path


class SubtreeQuerySet(models.QuerySet):
    """QuerySet methods for rows that sit in the tree through `subtree_path_field`.

    A model whose rows point at an organisation sets e.g. `subtree_path_field =
    "organisation__path"` on its QuerySet; the organisation tree itself uses "path".
    """

    subtree_path_field = "path"

    def in_subtree(self, node: Any) -> SubtreeQuerySet:
        """Rows in the subtree of `node` (a tree node or its path)."""
        return self.filter(path_prefix_q(_path_of(node), self.subtree_path_field))

    def in_subtrees(self, paths: Iterable[str]) -> SubtreeQuerySet:
        """Rows in any of the subtrees `paths`; none when `paths` is empty."""
        return self.filter(paths_q(paths, self.subtree_path_field))
