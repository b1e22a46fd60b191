"""Assessment cycles for tests: created through the service, like the admin does."""

from __future__ import annotations

import datetime as dt

from assessments import services
from assessments.models import AssessmentCycle
from orgchart.models import Organisation


def make_cycle(
    street: Organisation,
    year: int = 2026,
    *,
    open_on: dt.date | None = None,
    rating_on: dt.date | None = None,
    review_on: dt.date | None = None,
    publicity_on: dt.date | None = None,
    **fields,
) -> AssessmentCycle:
    """A draft cycle of `street` with the default indicators; dates default to a year's rhythm
    (open in March, rating in July, review in September, 公示 from 28 September)."""
    return services.create_cycle(
        actor=None,
        street=street,
        year=year,
        open_on=open_on or dt.date(year, 3, 1),
        rating_on=rating_on or dt.date(year, 7, 1),
        review_on=review_on or dt.date(year, 9, 1),
        publicity_on=publicity_on or dt.date(year, 9, 28),
        **fields,
    )
