"""Shared rows of the unit-side tests: the hospital co-building with community 1, its contact
`yiyuan`, a need of community 1 published to the hospital, and the hospital's venue."""

from __future__ import annotations

import datetime as dt

import pytest

from cobuilding import services
from tests.factories.cobuilding import make_agreement, make_need, make_resource
from tests.factories.orgchart import UserFactory


@pytest.fixture
def side(street, units):
    contact = UserFactory(username="yiyuan")
    services.add_unit_contact(actor=None, user=contact, unit_org=units["hospital"])
    school_contact = UserFactory(username="xuexiao")
    services.add_unit_contact(actor=None, user=school_contact, unit_org=units["school"])
    agreement = make_agreement(
        street["community1"], units["hospital"], starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2030, 12, 31)
    )
    venue = make_resource(street["community1"], units["hospital"], description="礼堂")
    school_venue = make_resource(street["community1"], units["school"], description="操场")
    need = make_need(street["community1"], published_to=[units["hospital"], units["school"]])
    return {
        "contact": contact,
        "school_contact": school_contact,
        "agreement": agreement,
        "venue": venue,
        "school_venue": school_venue,
        "need": need,
    }
