"""Numbers as people read them."""

from __future__ import annotations


def percent(share: float | int | str | None) -> str:
    """0.8234 → "82.3%"; anything that is not a number → ""."""
    try:
        return f"{100 * float(share):.1f}%"
    except (TypeError, ValueError):
        return ""
