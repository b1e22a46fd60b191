"""The demo's unit contact (共建单位联系人, issue 9), called by the co-building plan: a login
`danwei` (the demo password) is the contact person of the first unit party organisation, named
through cobuilding.services, so /cobuilding/unit/ shows that unit's agreements, resources and
the needs published to it. If the dual reporting plan already made `danwei` a post-holder of a
unit, the same login is also named the first unit's contact.

Then `danwei` acts for the unit through cobuilding.unit_side (actor = danwei, the real checks):
offers a new resource on SQ01's list (a multi-purpose hall, a venue) and answers SQ01's open
venue need with it ("we can help"), so SQ01's managers (`shequ`) see the answer on the need and
in their inbox, and can make the project from it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cobuilding import services, unit_side
from cobuilding.models import Need, ResourceKind
from orgchart.models import Organisation

from ..tables import DEMO_PASSWORD

USERNAME = "danwei"


def seed_unit_contact(
    units: list[Organisation], community: Organisation | None = None, need: Need | None = None
) -> dict[str, int]:
    if not units:
        return {"unit contacts": 0}
    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(username=USERNAME, password=DEMO_PASSWORD)
    services.add_unit_contact(actor=None, user=user, unit_org=units[0])
    answers = 0
    if community is not None and need is not None:
        hall = unit_side.offer_resource(
            actor=user,
            unit=units[0],
            community=community,
            kind=ResourceKind.VENUE,
            available_from=timezone.localdate() - dt.timedelta(days=1),
            description="多功能厅，可容纳80人，暑期工作日白天可用",
            quantity=1,
        )
        unit_side.answer_need(
            need,
            actor=user,
            unit=units[0],
            resources=[hall],
            note="暑期工作日白天可用，请提前三天联系党委办公室。",
        )
        answers = 1
    return {"unit contacts": 1, "unit answers": answers}
