"""Turn subtree statistics into chart data for server-rendered SVG donuts and CSS bars (the
palette and the column and bar geometry other apps draw with are core.charts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.charts import PALETTE
from core.formatting import percent
from orgchart.models import Education, Gender, MemberCategory, OrgKind
from orgchart.queries import SubtreeStatistics

# SVG donut: a circle of circumference 100 lets percentages be used as dash lengths directly.
DONUT_RADIUS = 15.91549430918954


@dataclass
class Slice:
    label: str
    value: int
    percent: float  # 0–100
    colour: str
    dash: str = ""
    offset: float = 0.0
    width: float = 0.0  # bar width, percent of the largest value


@dataclass
class Chart:
    title: str
    kind: str  # "donut" or "bars"
    slices: list[Slice]
    total: int
    centre: str = ""  # the figure in a donut's hole
    hidden_note: str = ""  # shown instead of the chart when the breakdown is hidden

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def _chart(
    title: str, kind: str, items: list[tuple[str, int]], total: int | None = None, centre: str = ""
) -> Chart:
    total = sum(v for _label, v in items) if total is None else total
    largest = max((v for _label, v in items), default=0)
    slices, done = [], 0.0
    for i, (label, value) in enumerate(items):
        percent = 100.0 * value / total if total else 0.0
        slices.append(
            Slice(
                label=label,
                value=value,
                percent=percent,
                # Bars compare lengths, so one colour; donut slices need telling apart.
                colour=PALETTE[i % len(PALETTE)] if kind == "donut" else PALETTE[0],
                dash=f"{percent:.3f} {100 - percent:.3f}",
                # Start at 12 o'clock (offset 25) and go clockwise.
                offset=round(25 - done, 3),
                width=round(100.0 * value / largest, 1) if largest else 0.0,
            )
        )
        done += percent
    return Chart(title=title, kind=kind, slices=slices, total=total, centre=centre)


def statistics_charts(stats: SubtreeStatistics) -> list[Chart]:
    """The charts of one node: age, gender, education, category, posts, organisations.

    When the statistics hide their breakdowns (orgchart.queries.hides_breakdowns), the four
    breakdown charts carry no numbers, only "Fewer than 5"."""
    if stats.breakdowns_hidden:
        hidden = _("Fewer than 5")
        breakdowns = [
            Chart(title=title, kind=kind, slices=[], total=0, hidden_note=hidden)
            for title, kind in (
                (_("Age"), "donut"),
                (_("Gender"), "donut"),
                (_("Education"), "bars"),
                (_("Member category"), "bars"),
            )
        ]
    else:
        breakdowns = [
            _chart(
                _("Age"),
                "donut",
                [(_("60 and over"), stats.aged_60_plus), (_("Under 60"), stats.members - stats.aged_60_plus)],
                centre=percent(stats.share_aged_60_plus),
            ),
            _chart(
                _("Gender"),
                "donut",
                [(str(Gender(v).label), n) for v, n in stats.by_gender.items()],
            ),
            _chart(
                _("Education"),
                "bars",
                [(str(Education(v).label), n) for v, n in stats.by_education.items()],
            ),
            _chart(
                _("Member category"),
                "bars",
                [(str(MemberCategory(v).label), n) for v, n in stats.by_category.items()],
            ),
        ]
    return [
        *breakdowns,
        _chart(
            _("Posts"),
            "donut",
            [(_("Filled"), stats.posts_filled), (_("Vacant"), stats.posts_vacant)],
        ),
        _chart(
            _("Organisations"),
            "bars",
            [(str(OrgKind(k).label), n) for k, n in stats.organisations_by_kind.items() if n],
        ),
    ]
