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


def _fill(cycle_id: int, compute: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Compute the full rows and store them: the summary (rows without their lines: the sheet's
    page needs none, and lines are most of a row's size — ~17 kB of evidence and missing texts
    per secretary) under the cycle's key, each full row under its member."""
    key, at_key = _keys(cycle_id)
    started = timezone.now()  # the figures are those of the data read from here on
    full = compute()
    entries: dict[str, Any] = {key: [_summary(row) for row in full], at_key: started}
    entries.update({f"{key}:member:{row['member_id']}": row for row in full})
    cache.set_many(entries, PREVIEW_SECONDS)
    return full


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the sheet's page: its rating lines only (small: no evidence; the page shows why
    a rating scores nothing), the other lines dropped."""
    return {**row, "lines": [line for line in row["lines"] if line.get("source") == "rating"]}


def rows(
    cycle_id: int, compute: Callable[[], list[dict[str, Any]]], *, lines: bool = True
) -> list[dict[str, Any]]:
    """The cycle's preview rows, best first, from the cache, else `compute()`d and stored.
    `lines=False`: the summary, each row with its rating lines only (one small cache read)."""
    key, _at_key = _keys(cycle_id)
    summary = cache.get(key)
    if summary is not None and not lines:
        return summary
    if summary is not None:
        keys = [f"{key}:member:{row['member_id']}" for row in summary]
        found = cache.get_many(keys)
        if len(found) == len(keys):
            return [found[k] for k in keys]
    full = _fill(cycle_id, compute)
    return full if lines else [_summary(row) for row in full]


def member_row(
    cycle_id: int, member_id: int, compute: Callable[[], list[dict[str, Any]]]
) -> dict[str, Any] | None:
    """One secretary's full preview row (lines with evidence), None if not scored."""
    key, _at_key = _keys(cycle_id)
    if cache.get(key) is not None:  # the preview is cached: the member's row is, unless evicted
        found = cache.get(f"{key}:member:{member_id}")
        if found is not None:
            return found
    return next((row for row in _fill(cycle_id, compute) if row["member_id"] == member_id), None)


def computed_at(cycle_id: int) -> dt.datetime | None:
    """When the cached preview was computed (None: not cached)."""
    return cache.get(_keys(cycle_id)[1])
