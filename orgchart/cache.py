"""Figures from Django's cache, and the one version stamp that every change to them bumps.

Subtree statistics and member counts are cached under a key made of the organisation, the day
(ages and tenures change with the date, so a new day is a new key) and a version stamp. Any write
to members, posts, tenures, transfers or the tree calls `organisation_data_changed()`, which puts
a new stamp: figures cached before are never read again. Writes arrive here through

- post_save / post_delete of Organisation, Member, Post, Tenure and Transfer (connected in
  OrgchartConfig.ready),
- the services' own signals `organisation_changed` and `posts_changed`, sent wherever a service
  writes with a queryset `.update()` (close, reopen, vacate, appoint, transfer out),
- an explicit call after each `bulk_create` (roster import, demo seed) and after `migrate`/`flush`.

The stamp is written at once and again when the transaction commits: a page that read the old
rows between the two stores them under the first stamp, which the second one retires.
The cache is shared by the web, worker and beat processes (settings: Redis or files), so an import
the worker runs reaches the web process's next request. A timeout bounds what a write outside the
ORM (a hand-made SQL fix) could leave stale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TypeVar

from asgiref.local import Local
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

T = TypeVar("T")

VERSION_KEY = "orgchart:data-version"
FIGURES_TIMEOUT = 60 * 60  # seconds


# Within one web request the stamp is read once (a page asks for several figures); outside a
# request (tasks, shell) every call reads the cache. A write in the request forgets it.
_request = Local()


def _request_started(**_kwargs) -> None:
    _request.version = ""


def _request_finished(**_kwargs) -> None:
    _request.version = None


def data_version() -> str:
    """The current stamp; a new one when none is stored (first use, evicted, cache cleared)."""
    memo = getattr(_request, "version", None)
    if memo:
        return memo
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or "unstored"
    if memo is not None:
        _request.version = version
    return version


def _new_version() -> None:
    if getattr(_request, "version", None) is not None:
        _request.version = ""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def organisation_data_changed(**_signal_kwargs) -> None:
    """Members, posts, tenures or the tree changed: retire every cached figure. Usable as a receiver."""
    _new_version()
    transaction.on_commit(_new_version)


def cached_figure(name: str, parts: tuple, compute: Callable[[], T], day: dt.date | None = None) -> T:
    """`compute()` once per version, day and `parts`; from the cache after that."""
    day = day or timezone.localdate()
    key = ":".join(["orgchart", name, data_version(), day.isoformat(), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURES_TIMEOUT)
    return value


def connect_receivers() -> None:
    """Every write to the tables the figures are made of retires them (called from AppConfig.ready)."""
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_migrate, post_save

    from .models import Member, Organisation, Post, Tenure, Transfer
    from .signals import organisation_changed, posts_changed

    for model in (Organisation, Member, Post, Tenure, Transfer):
        for signal in (post_save, post_delete):
            signal.connect(organisation_data_changed, sender=model, dispatch_uid=f"orgchart-figures-{model}")
    organisation_changed.connect(organisation_data_changed, dispatch_uid="orgchart-figures-tree")
    posts_changed.connect(organisation_data_changed, dispatch_uid="orgchart-figures-posts")
    post_migrate.connect(organisation_data_changed, dispatch_uid="orgchart-figures-migrate")
    request_started.connect(_request_started, dispatch_uid="orgchart-figures-request-started")
    request_finished.connect(_request_finished, dispatch_uid="orgchart-figures-request-finished")
