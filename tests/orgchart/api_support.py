"""Helpers shared by the API tests: a client per role and a fingerprint of everything writable."""

from __future__ import annotations

import datetime as dt

from rest_framework.test import APIClient

from orgchart.models import Member, Organisation, Tenure, Transfer
from orgchart.validators import build_id_number

ROLES = ("anonymous", "street_secretary", "community_secretary", "member", "outsider", "superuser")


def client_for(role: str, roles: dict, **kwargs) -> APIClient:
    """An API client signed in (by session) as `role` from the `roles` fixture; anonymous if so named."""
    client = APIClient(**kwargs)
    if role != "anonymous":
        client.force_login(roles[role])
    return client


def db_state() -> tuple:
    """Everything the API can change; equal before and after means nothing was written."""
    return (
        list(
            Organisation.objects.order_by("pk").values_list(
                "pk",
                "name",
                "code",
                "kind",
                "path",
                "numchild",
                "closed_on",
                "address",
                "phone",
                "description",
            )
        ),
        list(
            Member.objects.order_by("pk").values_list(
                "pk",
                "name",
                "gender",
                "birth_date",
                "education",
                "joined_party_on",
                "mobile",
                "category",
                "organisation_id",
                "left_on",
                "id_number_hash",
                "updated_at",
            )
        ),
        list(Transfer.objects.order_by("pk").values_list("pk", "member_id", "to_organisation_id", "status")),
        list(Tenure.objects.order_by("pk").values_list("pk", "ended_on")),
    )


def new_member_payload(organisation: Organisation, sequence: int = 901, **overrides) -> dict:
    """A valid POST /api/members/ body for a member of `organisation`."""
    born = dt.date(1970, 1, 2)
    payload = {
        "name": "新党员",
        "gender": "female",
        "birth_date": born.isoformat(),
        "education": "bachelor",
        "joined_party_on": "1995-07-01",
        "mobile": "13800001111",
        "category": "resident",
        "organisation": organisation.pk,
        "id_number": build_id_number("310101", born, sequence),
    }
    payload.update(overrides)
    return payload
