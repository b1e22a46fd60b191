"""The plan modules, in the order they are written: each later one may use what earlier ones made.

Each is a module with `seed(ctx: demo.seed.SeedContext) -> None`.
"""

from . import (
    assessments,
    cobuilding,
    cobuilding_meetings,
    content,
    help_requests,
    orgchart,
    portal,
    residents,
    sanhui,
    volunteers,
)

PLANS = (
    orgchart,
    portal,
    content,
    volunteers,
    sanhui,
    assessments,
    cobuilding,
    cobuilding_meetings,
    residents,
    help_requests,
)
