"""Accept and withdraw racing on one pending transfer leave exactly one outcome.

On PostgreSQL the two run at once (row lock, then a conditional update on `status = pending`);
SQLite serialises writers, so there the race is sequential but the outcome rule is the same.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from orgchart import services
from orgchart.models import Member, OrgKind, Transfer, TransferStatus
from tests.factories.orgchart import MemberFactory, make_org, make_post_holder

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


def test_accept_and_withdraw_racing_leave_exactly_one_outcome():
    street = make_org(None, OrgKind.STREET, code="R-JD")
    one, two = (make_org(street, OrgKind.COMMUNITY, code=f"R-SQ{i}") for i in (1, 2))
    branch1, branch2 = (
        make_org(one, OrgKind.BRANCH, code="R-ZB1"),
        make_org(two, OrgKind.BRANCH, code="R-ZB2"),
    )
    sender = make_post_holder(one, "r-sender", branch=branch1)
    receiver = make_post_holder(two, "r-receiver", branch=branch2)

    for n in range(ROUNDS):
        member = MemberFactory(organisation=branch1, name=f"竞争党员{n}")
        transfer = services.transfer_member(member, to_organisation=branch2, actor=sender)
        barrier = threading.Barrier(2)

        def race(decide, transfer=transfer, barrier=barrier):
            try:
                barrier.wait(timeout=10)
                decide(transfer)
                return "won"
            except ValidationError:
                return "lost"
            finally:
                connections.close_all()

        with ThreadPoolExecutor(2) as pool:
            accept = pool.submit(race, lambda t: services.accept_transfer(t, actor=receiver))
            withdraw = pool.submit(race, lambda t: services.withdraw_transfer(t, actor=sender))
            outcomes = {"accept": accept.result(), "withdraw": withdraw.result()}

        assert sorted(outcomes.values()) == ["lost", "won"], outcomes
        stored = Transfer.objects.get(pk=transfer.pk)
        moved = Member.objects.get(pk=member.pk).organisation_id == branch2.pk
        if outcomes["accept"] == "won":
            assert stored.status == TransferStatus.ACCEPTED and moved
        else:
            assert stored.status == TransferStatus.WITHDRAWN and not moved
