"""The orgchart's demo data: the street, its members, posts, history and demo logins.

`build_plan(scale)` lays it out as data (plan.py); `seed(ctx)` writes it (write.py).
"""

from ...tables import DEMO_PASSWORD, STREET_CODE
from .plan import DemoPlan, build_plan
from .write import seed

__all__ = ["DEMO_PASSWORD", "STREET_CODE", "DemoPlan", "build_plan", "seed"]
