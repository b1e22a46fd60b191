"""The one seeding entry point: `seed(scale)` runs every plan of demo.plans.PLANS in order, in one
transaction, once. Deterministic (each plan draws from its own fixed random seed) and idempotent
(a second call finds the street and changes nothing)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from orgchart.cache import organisation_data_changed
from orgchart.models import Organisation, OrgKind

from .tables import STREET_CODE


class DemoError(Exception):
    """The demo cannot be written into this database (the message says why)."""


@dataclass
class SeedContext:
    """What the plans share: the scale, what earlier plans wrote, timings and figures to report."""

    scale: int
    log: Callable[[str], None]
    street: Organisation | None = None
    orgs: dict[str, Organisation] = field(default_factory=dict)
    members: list = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    figures: list[tuple[str, int]] = field(default_factory=list)
    _started: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        """Record (and log) the time since the last lap under `name`."""
        now = time.perf_counter()
        self.timings[name] = now - self._started
        self._started = now
        self.log(f"  {name}: {self.timings[name]:.1f} s")


@dataclass
class SeedResult:
    created: bool
    scale: int = 0
    figures: list[tuple[str, int]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())

    def figure(self, name: str) -> int:
        return dict(self.figures)[name]


def already_seeded() -> bool:
    return Organisation.objects.filter(code=STREET_CODE, kind=OrgKind.STREET).exists()


def seed(scale: int = 1, log: Callable[[str], None] | None = None) -> SeedResult:
    """Write the demo street for `scale`, once. A second call finds it and changes nothing."""
    from .plans import PLANS  # the plans import this module for SeedContext

    if already_seeded():
        return SeedResult(created=False)
    ctx = SeedContext(scale=scale, log=log or (lambda _msg: None))
    # One transaction: a crash leaves nothing half-seeded, and a re-run starts afresh.
    try:
        with transaction.atomic():
            for plan in PLANS:
                plan.seed(ctx)
    except IntegrityError as exc:  # e.g. a second seed_demo running at the same time
        raise DemoError(
            f"The demo data clashes with rows written meanwhile ({exc}); nothing was written."
        ) from exc
    organisation_data_changed()  # the tree and members went in with bulk_create: no signals
    return SeedResult(created=True, scale=scale, figures=ctx.figures, timings=ctx.timings)
