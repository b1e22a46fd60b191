"""Two secretaries putting overlapping agreements of one pair in force at the same moment: exactly
one is active, the other refused with the overlap message (the community's row lock serialises
them; on PostgreSQL the exclusion constraint backs it). SQLite serialises writers, so there the
race is sequential but the outcome rule is the same."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from cobuilding import services
from cobuilding.models import Agreement, AgreementStatus
from orgchart.models import OrgKind
from tests.factories.orgchart import make_org, make_post_holder

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


def test_racing_activations_leave_exactly_one_active_agreement():
    street = make_org(None, OrgKind.STREET, code="C-JD")
    community = make_org(street, OrgKind.COMMUNITY, code="C-SQ1")
    branch = make_org(community, OrgKind.BRANCH, code="C-ZB1")
    secretary = make_post_holder(community, "c-shequ", branch=branch)
    street_secretary = make_post_holder(street, "c-jiedao", branch=branch)
    for n in range(ROUNDS):
        unit = make_org(street, OrgKind.UNIT, code=f"C-DW{n}")
        drafts = [
            services.create_agreement(
                actor=None,
                community=community,
                unit_org=unit,
                starts_on=dt.date(2026, 1, 1) + dt.timedelta(days=30 * i),
                ends_on=dt.date(2026, 12, 31),
            )
            for i in range(2)
        ]
        barrier = threading.Barrier(2)

        def race(agreement, actor, barrier=barrier):
            try:
                barrier.wait(timeout=10)
                services.activate_agreement(agreement, actor=actor)
                return "won"
            except ValidationError as exc:
                assert exc.error_list[0].code == "overlap"
                return "lost"
            finally:
                connections.close_all()

        with ThreadPoolExecutor(2) as pool:
            results = [
                pool.submit(race, drafts[0], secretary).result,
                pool.submit(race, drafts[1], street_secretary).result,
            ]
            outcomes = sorted(result() for result in results)

        assert outcomes == ["lost", "won"]
        assert Agreement.objects.filter(unit_org=unit, status=AgreementStatus.ACTIVE).count() == 1
