"""The demo's unit contact (共建单位联系人, issue 9), called by the co-building plan: a login
`danwei` (the demo password) is the contact person of the first unit party organisation, named
through cobuilding.services, so /cobuilding/unit/ shows that unit's agreements, resources and
the needs published to it. If the dual reporting plan already made `danwei` a post-holder of a
unit, the same login is also named the first unit's contact.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cobuilding import services
from orgchart.models import Organisation

from ..tables import DEMO_PASSWORD

USERNAME = "danwei"


def seed_unit_contact(units: list[Organisation]) -> dict[str, int]:
    if not units:
        return {"unit contacts": 0}
    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(username=USERNAME, password=DEMO_PASSWORD)
    services.add_unit_contact(actor=None, user=user, unit_org=units[0])
    return {"unit contacts": 1}
