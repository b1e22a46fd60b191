"""Serialised tree writes and the checks every service shares."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from .. import access
from ..models import (
    Organisation,
)
from ..signals import organisation_changed

log = logging.getLogger(__name__)
T = TypeVar("T")

TREE_LOCK_KEY = 7_201_100  # any constant; names the "organisation tree" advisory lock
MAX_ATTEMPTS = 8


def _lock_tree() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])


def run_tree_write(fn: Callable[[], T]) -> T:
    """Run `fn` in a transaction holding the tree lock; retry what the database aborts."""
    if connection.in_atomic_block:
        # Inside a caller's transaction a retry cannot restart the work; lock and run once.
        _lock_tree()
        return fn()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                _lock_tree()
                return fn()
        except (OperationalError, IntegrityError) as exc:
            if attempt == MAX_ATTEMPTS:
                raise
            log.warning("tree write aborted (%s), retry %d", exc, attempt)
            time.sleep(min(0.05 * 2**attempt, 1.0) * random.random())
    raise AssertionError("unreachable")


def _require_manage(actor, org: Organisation) -> None:
    if actor is not None and not access.can_manage(actor, org):
        raise PermissionDenied(_("You do not manage this organisation."))


def _fresh(org: Organisation) -> Organisation:
    return Organisation.objects.get(pk=org.pk)


def _changed(org: Organisation, action: str) -> Organisation:
    """Tell the apps mirroring the tree (orgchart.signals), inside this write's transaction."""
    organisation_changed.send(sender=Organisation, organisation=org, action=action)
    return org
