"""The street's distribution on the score sheet: how many secretaries in each band, and how many
totals in each 10-point bucket (0–9, 10–19, …; the last bucket also holds the full score).

Drawn by core.charts.column_chart and templates/components/column_chart.html (SVG with attributes
only, the figures in a table under it). Plain arithmetic over the sheet's rows: no query.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.charts import ColumnChart, column_chart

from .models import Band

BUCKET = 10


@dataclass
class Distribution:
    bands: ColumnChart
    totals: ColumnChart


def band_counts(rows: Iterable[Mapping[str, Any]], names: Mapping[str, str]) -> list[tuple[str, int]]:
    """(band name, count) for every band, best first, zeros included."""
    counts = dict.fromkeys(Band.values, 0)
    for row in rows:
        counts[row["band"]] = counts.get(row["band"], 0) + 1
    return [(names.get(band, band), counts[band]) for band in Band.values]


def total_buckets(rows: Iterable[Mapping[str, Any]], total_points: int) -> list[tuple[str, int]]:
    """("0–9", count), ("10–19", count), … up to the cycle's total points; a total at or above the
    last bucket's start (the full score included) counts in the last bucket."""
    n = max(1, math.ceil(total_points / BUCKET))
    counts = [0] * n
    for row in rows:
        total = max(Decimal(row["total"]), Decimal(0))
        counts[min(int(total // BUCKET), n - 1)] += 1
    labels = [
        f"{i * BUCKET}–{(i + 1) * BUCKET - 1}" if i < n - 1 else f"{i * BUCKET}–{total_points}"
        for i in range(n)
    ]
    return list(zip(labels, counts, strict=True))


def distribution(
    rows: list[Mapping[str, Any]], *, names: Mapping[str, str], total_points: int
) -> Distribution:
    """Both charts for the sheet's rows (all of the street's, before any filter)."""
    unit = _("secretaries")
    return Distribution(
        bands=column_chart(
            _("Secretaries per band"), [(name, name, n) for name, n in band_counts(rows, names)], unit=unit
        ),
        totals=column_chart(
            _("Totals in 10-point buckets"),
            # Under the axis only the bucket's start: ten full ranges do not fit a phone's width.
            [(label, label.split("–")[0], n) for label, n in total_buckets(rows, total_points)],
            unit=unit,
        ),
    )
