"""Numbers as people read them."""

from __future__ import annotations

from decimal import Decimal


def percent(share: float | int | str | None) -> str:
    """0.8234 → "82.3%"; anything that is not a number → ""."""
    try:
        return f"{100 * float(share):.1f}%"
    except (TypeError, ValueError):
        return ""


def number(value: float | int | Decimal | None) -> str:
    """12 → "12"; Decimal("12.50") → "12.5"; 3.14159 → "3.14" (at most two decimals); None → "0"."""
    if value is None:
        return "0"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
