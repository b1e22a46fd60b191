"""Residents' test data: landlords with logins, rented housing, registrations through the service."""

from __future__ import annotations

import datetime as dt
import itertools

from orgchart.validators import build_id_number
from residents import services
from residents.models import Housing, Landlord
from tests.factories.orgchart import UserFactory

_seq = itertools.count(1)


def make_landlord(community, username: str | None = None, name: str = "房东") -> Landlord:
    user = UserFactory(username=username) if username else None
    return Landlord.objects.create(community=community, name=name, phone="13900000000", user=user)


def make_housing(
    landlord: Landlord, address: str = "幸福路1号101室", rooms: int = 2, beds: int = 2
) -> Housing:
    return Housing.objects.create(
        community=landlord.community, landlord=landlord, address=address, rooms=rooms, beds=beds
    )


def registration(housing: Housing, **overrides) -> services.Registration:
    """A valid registration of a new person in `housing` (a fresh ID number each time)."""
    born = overrides.pop("birth_date", dt.date(1995, 6, 15))
    values = {
        "name": "李四",
        "id_number": build_id_number("340102", born or dt.date(1995, 6, 15), next(_seq)),
        "gender": "male",
        "birth_date": born,
        "origin": "安徽合肥",
        "phone": "13812345678",
        "category": "work",
        "arrived_on": dt.date(2026, 3, 1),
        "housing": housing,
    }
    values.update(overrides)
    return services.Registration(**values)


def register(actor, housing: Housing, **overrides):
    return services.register(actor, registration(housing, **overrides))
