"""Builders for co-building rows: through the services, like the app does (actor None: the system)."""

from __future__ import annotations

import datetime as dt

from cobuilding import services
from cobuilding.models import AgreementStatus, OutsideUnit, ResourceKind
from orgchart.models import Organisation


def make_outside_unit(organisation: Organisation, name: str = "外单位", **fields) -> OutsideUnit:
    return services.record_outside_unit(actor=None, organisation=organisation, name=name, **fields)


def make_agreement(
    community, unit, *, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31), **fields
):
    unit_field = "outside_unit" if isinstance(unit, OutsideUnit) else "unit_org"
    fields.setdefault("status", AgreementStatus.ACTIVE)
    return services.create_agreement(
        actor=None, community=community, starts_on=starts_on, ends_on=ends_on, **{unit_field: unit}, **fields
    )


def make_resource(
    community,
    unit,
    kind=ResourceKind.VENUE,
    available_from=dt.date(2026, 1, 1),
    available_until=None,
    **fields,
):
    unit_field = "outside_unit" if isinstance(unit, OutsideUnit) else "unit_org"
    return services.add_resource(
        actor=None,
        community=community,
        kind=kind,
        available_from=available_from,
        available_until=available_until,
        **{unit_field: unit},
        **fields,
    )


def make_need(
    community,
    kind=ResourceKind.VENUE,
    wanted_from=dt.date(2026, 6, 1),
    wanted_until=dt.date(2026, 6, 30),
    description="暑期托管场地",
    **fields,
):
    return services.add_need(
        actor=None,
        community=community,
        kind=kind,
        description=description,
        wanted_from=wanted_from,
        wanted_until=wanted_until,
        **fields,
    )
