"""Chart geometry (core.charts): round tops, columns within the drawing, thinned axis labels,
bars relative to the largest, and figures as people read them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import charts
from core.formatting import number


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (0.3, 0.5), (1, 1), (7, 10), (12.5, 20), (2000, 2000), (2001, 2500), (61, 100)]
)
def test_top_of_the_scale_is_a_round_number_at_or_above_the_largest(value, top):
    assert charts.nice_ceiling(value) == pytest.approx(top)


def test_columns_fill_the_drawing_from_the_baseline_to_a_round_top():
    chart = charts.column_chart(
        "时长", [("2025-01", "1月", Decimal("5")), ("2025-02", "2月", Decimal("7.5"))]
    )
    low, high = chart.columns
    assert chart.top == "10" and (low.display, high.display) == ("5", "7.5")
    assert high.y + high.height == pytest.approx(charts.PLOT_BOTTOM)
    assert high.height == pytest.approx(0.75 * (charts.PLOT_BOTTOM - charts.PLOT_TOP))
    assert 0 <= low.x < high.x and high.x + high.width <= charts.WIDTH


def test_axis_labels_are_thinned_and_kept_inside_the_drawing():
    points = [(f"w{i}", f"{i}", i) for i in range(53)]
    chart = charts.column_chart("周", points)
    shown = [c for c in chart.columns if c.axis_label]
    assert len(shown) <= charts.MAX_AXIS_LABELS
    assert all(
        charts.AXIS_LABEL_MARGIN <= c.label_x <= charts.WIDTH - charts.AXIS_LABEL_MARGIN for c in shown
    )


def test_a_chart_of_zeros_is_empty():
    assert charts.column_chart("空", [("a", "a", 0)]).is_empty
    assert charts.bar_chart("空", [("a", 0)]).is_empty and charts.bar_chart("空", []).is_empty


def test_bars_are_relative_to_the_largest_and_a_small_one_stays_visible():
    chart = charts.bar_chart("按类型", [("甲", 12209), ("乙", 46), ("丙", 0), ("丁", 1, "/x/")])
    assert [b.width for b in chart.bars] == [100.0, 1.0, 0.0, 1.0]
    assert chart.bars[3].url == "/x/" and chart.bars[0].display == "12209"


@pytest.mark.parametrize(
    ("value", "text"),
    [(12, "12"), (Decimal("12.50"), "12.5"), (Decimal("0.00"), "0"), (3.14159, "3.14"), (None, "0")],
)
def test_numbers_show_at_most_two_decimals_and_none_when_whole(value, text):
    assert number(value) == text
