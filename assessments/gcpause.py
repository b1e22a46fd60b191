"""Pausing Python's cyclic garbage collector around the assessment's big street-wide computations.

Scoring a street of 1,000 secretaries allocates about a million small objects (evidence items,
figures, lines) that all live until the end: the collector, triggered every 700 allocations,
walked them again and again — half of compute_scores's time (bench/README.md). Nothing made there
forms garbage cycles that need collecting meanwhile; the collector runs as usual afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_gc_passes() -> Iterator[None]:
    """Pause the cyclic collector for the block (process-wide: another thread's collections wait
    too, for the seconds of a scoring). Nested use is fine: only the outermost re-enables it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
