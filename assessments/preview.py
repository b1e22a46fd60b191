"""The provisional scores shown before a cycle's scores freeze (the score sheet, its export and
the secretary's page): `scoring.compute_scores` over the whole street, several seconds at 1,000
secretaries (bench/README.md), so kept in the cache for PREVIEW_SECONDS per cycle.

The key holds the cycle's pk and a version of the cycle's own assessment data, renewed — at once
and again on commit — by every write of this app that changes scores: the cycle's settings and
indicators, committee scores, submissions and ratings (assessments/signals.py). The portal data
behind the automatic indicators (study records, activities, sign-ups, notices...) changes
elsewhere at any time: it reaches the preview within PREVIEW_SECONDS, and the pages say when
the figures they show were computed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

PREVIEW_SECONDS = 300
VERSION_SECONDS = 7 * 24 * 3600  # a lost version only means one recomputation


def _version_key(cycle_id: int) -> str:
    return f"assessments:preview-version:{cycle_id}"


def version(cycle_id: int) -> str:
    found = cache.get(_version_key(cycle_id))
    if found is None:
        found = uuid.uuid4().hex
        cache.add(_version_key(cycle_id), found, VERSION_SECONDS)
        found = cache.get(_version_key(cycle_id), found)
    return found


def scores_changed(cycle_id: int) -> None:
    """Retire `cycle_id`'s cached preview now and again when the current transaction commits (a
    view computing in between must not keep what it read before the commit under the new
    version)."""

    def renew() -> None:
        cache.set(_version_key(cycle_id), uuid.uuid4().hex, VERSION_SECONDS)

    renew()
    transaction.on_commit(renew)


def _keys(cycle_id: int) -> tuple[str, str]:
    base = f"assessments:preview:{cycle_id}:{version(cycle_id)}"
    return base, base + ":at"


def rows(cycle_id: int, compute: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The cycle's preview rows from the cache, else `compute()`d and stored."""
    key, at_key = _keys(cycle_id)
    found = cache.get(key)
    if found is None:
        started = timezone.now()  # the figures are those of the data read from here on
        found = compute()
        cache.set_many({key: found, at_key: started}, PREVIEW_SECONDS)
    return found


def computed_at(cycle_id: int) -> dt.datetime | None:
    """When the cached preview was computed (None: not cached)."""
    return cache.get(_keys(cycle_id)[1])
