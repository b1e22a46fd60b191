"""Ids sent by a client: the largest one an integer column holds (SQLite, PostgreSQL bigint).

A larger one reaching a query is an OverflowError in the database driver (a 500); Django 5 turns
it into "no match" for `pk=` but not for `pk__in=`. Callers treat it as an unknown id.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def is_storable_id(value) -> bool:
    """A positive integer (or its ASCII digits) no larger than MAX_ID."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value <= MAX_ID
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID
