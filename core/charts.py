"""Geometry of server-rendered charts: columns over time (SVG) and horizontal bars.

Plain arithmetic on (label, value) lists; no app is imported, so any app's pages can draw charts.
The templates components/column_chart.html and components/bar_chart.html draw the result with SVG
attributes only — no style attribute, no script — so the charts hold under a Content Security
Policy without 'unsafe-inline', and always print the numbers as text (a data table under the
columns, the figure beside each bar) for readers who cannot see the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .formatting import number

Number = int | float | Decimal

# Restrained party red first, then colours that stay apart for colour-blind readers.
PALETTE = ("#c8161d", "#1f4e79", "#9a6700", "#2e7d32", "#6a3d9a", "#555555")

# Column charts are drawn in a fixed viewBox the page scales to its width (a phone's included).
WIDTH = 320
HEIGHT = 160
PLOT_TOP = 16  # room for the label of the top gridline
PLOT_BOTTOM = 142  # the baseline; below it the axis labels
MAX_AXIS_LABELS = 12  # more columns than this: only every n-th is labelled under the axis
COLUMN_SHARE = 0.7  # of each slot; the rest is the gap between columns
AXIS_LABEL_MARGIN = 16  # half the width of the longest axis label ("12/28", "2026-03" is thinned)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (1 for nothing): a round top."""
    if value <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * scale >= value:
            return step * scale
    return 10 * scale  # pragma: no cover - the loop always returns


@dataclass
class Column:
    label: str  # the full label, as in the data table ("2026-03")
    axis_label: str  # under the axis; "" when thinned out
    value: float
    display: str
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:
        """Under the column's middle, kept far enough from the edges for a label to show whole."""
        return round(min(max(self.x + self.width / 2, AXIS_LABEL_MARGIN), WIDTH - AXIS_LABEL_MARGIN), 2)


@dataclass
class ColumnChart:
    title: str
    unit: str
    columns: list[Column]
    top: str  # the value of the top gridline, as displayed
    width: int = WIDTH
    height: int = HEIGHT
    plot_top: int = PLOT_TOP
    baseline: int = PLOT_BOTTOM

    @property
    def is_empty(self) -> bool:
        return not any(c.value for c in self.columns)

    @property
    def middle(self) -> float:
        return (self.plot_top + self.baseline) / 2

    @property
    def axis_label_y(self) -> int:
        return self.baseline + 13


def column_chart(
    title: str,
    points: Sequence[tuple[str, str, Number]],
    *,
    unit: str = "",
    display: Callable[[Number], str] = number,
) -> ColumnChart:
    """Columns for `points`, each (full label, axis label, value), from left to right.

    Heights are relative to a round top (nice_ceiling of the largest value)."""
    top = nice_ceiling(max((float(v) for _l, _a, v in points), default=0.0))
    slot = WIDTH / max(len(points), 1)
    every = math.ceil(len(points) / MAX_AXIS_LABELS) or 1
    plot = PLOT_BOTTOM - PLOT_TOP
    columns = []
    for i, (label, axis_label, value) in enumerate(points):
        height = plot * float(value) / top
        width = slot * COLUMN_SHARE
        columns.append(
            Column(
                label=label,
                axis_label=axis_label if i % every == 0 else "",
                value=float(value),
                display=display(value),
                x=round(i * slot + (slot - width) / 2, 2),
                y=round(PLOT_BOTTOM - height, 2),
                width=round(width, 2),
                height=round(height, 2),
            )
        )
    return ColumnChart(title=title, unit=unit, columns=columns, top=display(top))


@dataclass
class Bar:
    label: str
    value: float
    display: str
    width: float  # 0–100, share of the largest value
    url: str = ""


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    unit: str = ""
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(b.value for b in self.bars)


def bar_chart(
    title: str,
    items: Sequence[tuple[str, Number] | tuple[str, Number, str]],
    *,
    unit: str = "",
    note: str = "",
    display: Callable[[Number], str] = number,
) -> BarChart:
    """Horizontal bars for `items`, each (label, value) or (label, value, link), in the order given;
    lengths relative to the largest value."""
    largest = max((float(item[1]) for item in items), default=0.0)
    bars = [
        Bar(
            label=item[0],
            value=float(item[1]),
            display=display(item[1]),
            # A bar with any value stays visible however small beside the largest.
            width=max(round(100.0 * float(item[1]) / largest, 2), 1.0) if largest and item[1] else 0.0,
            url=item[2] if len(item) > 2 else "",
        )
        for item in items
    ]
    return BarChart(title=title, bars=bars, unit=unit, note=note)
