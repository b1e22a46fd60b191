"""Many people signing up at once for a 5-place activity: exactly 5 places, the rest waiting in
order, no one twice. The activity's row lock serialises them on PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from orgchart.models import OrgKind
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from tests.factories.volunteers import make_activity
from volunteers import services
from volunteers.models import SignUp, SignUpStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks; CI's PostgreSQL run covers it"
    ),
]

PEOPLE = 24
PLACES = 5


def test_concurrent_sign_ups_never_overbook_and_queue_in_order():
    street = make_org(None, OrgKind.STREET, code="C-JD")
    community = make_org(street, OrgKind.COMMUNITY, code="C-SQ")
    branch = make_org(community, OrgKind.BRANCH, code="C-ZB")
    users = []
    for i in range(PEOPLE):
        user = UserFactory(username=f"racer{i}")
        MemberFactory(organisation=branch, user=user)
        users.append(user)
    activity = make_activity(community, capacity=PLACES)
    # Every person twice: a double tap must not give anyone two sign-ups.
    attempts = users + users[: PEOPLE // 2]
    barrier = threading.Barrier(len(attempts))

    def attempt(user):
        try:
            barrier.wait(timeout=30)
            return services.sign_up(activity, actor=user).status
        except ValidationError as exc:
            return exc.error_list[0].code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(attempts)) as pool:
        outcomes = list(pool.map(attempt, attempts))

    assert outcomes.count("duplicate") == PEOPLE // 2
    live = SignUp.objects.live().filter(activity=activity)
    assert live.count() == PEOPLE
    assert live.values("person").distinct().count() == PEOPLE
    assert live.filter(status=SignUpStatus.CONFIRMED).count() == PLACES
    queue = list(SignUp.objects.filter(activity=activity).waiting())
    assert len(queue) == PEOPLE - PLACES
    assert [services.waiting_position(s) for s in queue] == list(range(1, PEOPLE - PLACES + 1))
    # In order: everyone confirmed signed up before anyone waiting, and the queue's order is the
    # order the sign-ups were made in.
    confirmed = live.filter(status=SignUpStatus.CONFIRMED)
    assert max(s.queued_at for s in confirmed) <= min(s.queued_at for s in queue)
    assert [s.pk for s in queue] == sorted(s.pk for s in queue)
