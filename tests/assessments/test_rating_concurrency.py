"""Ratings at the same moment on PostgreSQL: one member's many submissions rate once; one
ticket's many submissions rate once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from assessments import ratings
from assessments.models import AssessmentCycle, Phase, Rating, RatingParticipation
from orgchart.models import OrgKind
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import MemberFactory, UserFactory, make_org, make_post_holder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks; CI's PostgreSQL run covers it"
    ),
]

RACERS = 8
ANSWERS = {"contact": "good", "service": "good", "unity": "good", "integrity": "average"}


def _race(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        except ValidationError as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def setting():
    street = make_org(None, OrgKind.STREET, code="RC-JD")
    community = make_org(street, OrgKind.COMMUNITY, code="RC-SQ")
    branch = make_org(community, OrgKind.BRANCH, code="RC-ZB")
    make_post_holder(community, "rc-shequ", branch=branch)
    user = UserFactory(username="rc-dangyuan")
    MemberFactory(organisation=branch, user=user)
    cycle = make_cycle(street, 2026)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.RATING)
    cycle.refresh_from_db()
    ratings.questions(cycle)
    return cycle, community, user


def test_member_submitting_at_once_rates_once(setting):
    _cycle, _community, user = setting
    outcomes = _race([lambda: ratings.rate_as_member(user, ANSWERS) for _ in range(RACERS)])
    assert Rating.objects.count() == RatingParticipation.objects.count() == 1
    assert sum(o is None for o in outcomes) == 1


def test_ticket_submitted_at_once_rates_once(setting):
    cycle, community, _user = setting
    _batch, codes = ratings.generate_tickets(cycle, community, 1, actor=None)
    outcomes = _race([lambda: ratings.rate_with_ticket(codes[0], ANSWERS) for _ in range(RACERS)])
    assert Rating.objects.count() == 1
    assert sum(o is None for o in outcomes) == 1
