"""The default indicator set (DOMAIN.md, "The 三型社区书记 assessment") and the rule that a cycle's
weights add up to its total.

The default set, for 100 points: 学习型 35 (monthly study 15, the yearly research report 10,
knowledge of the constitution judged by the committee 10), 实干型 35 (activities organised 8,
research and home visits 7, volunteer hours 5, 三会一课 compliance 5, notices passed on and read 5,
problems found and solved 5 by the committee), 和谐型 30 (members' rating 10, residents' rating 15,
team unity 5 by the committee). For another total the weights are scaled to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AutomaticKey, Indicator, IndicatorSource, IndicatorType

CENT = Decimal("0.01")


@dataclass(frozen=True)
class DefaultIndicator:
    type: str
    name: str
    weight: Decimal
    max: Decimal | None
    source: str
    automatic_key: str = ""


def _d(value) -> Decimal:
    return Decimal(str(value))


# Weights out of 100; `max` is the raw value that earns the full weight (None: the street's best
# value does). The automatic ones match assessments.evidence's yearly targets: 12 months of study,
# one report, one activity and one visit a month, volunteer hours against the street's best,
# compliance and notices read as shares (%).
DEFAULT_INDICATORS: tuple[DefaultIndicator, ...] = (
    DefaultIndicator(
        IndicatorType.LEARNING,
        _("Read a party-building article or wrote a study reflection every month"),
        _d(15),
        _d(12),
        IndicatorSource.AUTOMATIC,
        AutomaticKey.STUDY_MONTHLY,
    ),
    DefaultIndicator(
        IndicatorType.LEARNING,
        _("Research report or paper of the year"),
        _d(10),
        _d(1),
        IndicatorSource.AUTOMATIC,
        AutomaticKey.RESEARCH_REPORT,
    ),
    DefaultIndicator(
        IndicatorType.LEARNING,
        _("Knows the party constitution and party-building theory"),
        _d(10),
        _d(10),
        IndicatorSource.COMMITTEE,
    ),
    DefaultIndicator(
        IndicatorType.PRACTICAL,
        _("Activities organised"),
        _d(8),
        _d(12),
        IndicatorSource.AUTOMATIC,
        AutomaticKey.ACTIVITIES_ORGANISED,
    ),
    DefaultIndicator(
        IndicatorType.PRACTICAL,
        _("Research visits and home visits made"),
        _d(7),
        _d(12),
        IndicatorSource.AUTOMATIC,
        AutomaticKey.RESEARCH_VISITS,
    ),
    DefaultIndicator(
        IndicatorType.PRACTICAL,
        _("Volunteer service hours in the community"),
        _d(5),
        None,
        IndicatorSource.AUTOMATIC,
        AutomaticKey.VOLUNTEER_HOURS,
    ),
    DefaultIndicator(
        IndicatorType.PRACTICAL,
        _("三会一课 compliance of the community's branches (%)"),
        _d(5),
        _d(100),
        IndicatorSource.AUTOMATIC,
        AutomaticKey.SANHUI_COMPLIANCE,
    ),
    DefaultIndicator(
        IndicatorType.PRACTICAL,
        _("Notices passed on and read (%)"),
        _d(5),
        _d(100),
        IndicatorSource.AUTOMATIC,
        AutomaticKey.NOTICES_READ,
    ),
    DefaultIndicator(
        IndicatorType.PRACTICAL,
        _("Problems found and solved, innovation in party-building work"),
        _d(5),
        _d(10),
        IndicatorSource.COMMITTEE,
    ),
    DefaultIndicator(
        IndicatorType.HARMONIOUS,
        _("Rating by party members (satisfaction %)"),
        _d(10),
        _d(100),
        IndicatorSource.RATING,
    ),
    DefaultIndicator(
        IndicatorType.HARMONIOUS,
        _("Rating by residents (satisfaction %)"),
        _d(15),
        _d(100),
        IndicatorSource.RATING,
    ),
    DefaultIndicator(
        IndicatorType.HARMONIOUS,
        _("Keeps the team united, close to members and residents"),
        _d(5),
        _d(10),
        IndicatorSource.COMMITTEE,
    ),
)


def scaled_weights(weights: list[Decimal], total: Decimal) -> list[Decimal]:
    """Scale weights summing to 100 to `total`, rounded to cents; the last takes the remainder so
    the sum is exact."""
    if total == 100:
        return list(weights)
    scaled = [(weight * total / 100).quantize(CENT, rounding=ROUND_HALF_UP) for weight in weights]
    scaled[-1] += total - sum(scaled)
    return scaled


def default_rows(total: int) -> list[Indicator]:
    """Unsaved indicators of the default set for a cycle of `total` points (cycle left unset)."""
    weights = scaled_weights([item.weight for item in DEFAULT_INDICATORS], Decimal(total))
    return [
        Indicator(
            type=item.type,
            name=str(item.name),
            weight=weight,
            max=item.max,
            source=item.source,
            automatic_key=item.automatic_key,
            order=(index + 1) * 10,
        )
        for index, (item, weight) in enumerate(zip(DEFAULT_INDICATORS, weights, strict=True))
    ]


def check_weights(weights: Iterable[Decimal], total: int) -> None:
    """Refuse weights that do not add up to the cycle's total, naming the sum."""
    weights = list(weights)
    found = sum(weights, Decimal(0))
    if not weights:
        raise ValidationError(
            _("A cycle needs indicators whose weights add up to %(total)s points."), params={"total": total}
        )
    if found != Decimal(total):
        raise ValidationError(
            _("The indicators' weights add up to %(sum)s points, not the cycle's total of %(total)s."),
            params={"sum": f"{found.normalize():f}", "total": total},
        )
