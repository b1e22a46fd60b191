"""Two registrations of one person racing: the loser is told about the registration that won.

PostgreSQL only: the winner's transaction holds its row uncommitted while the loser passes the
duplicate check and blocks on the unique index; the winner commits, the loser's INSERT fails
(IntegrityError) and the message must describe the winning registration, told only to those who
may see it. SQLite serialises writers, so the race cannot happen there.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from orgchart.validators import build_id_number
from residents import services
from residents.models import Resident
from tests.factories.residents import registration
from tests.translations import chinese

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers: the lost race on the unique index happens on PostgreSQL only",
    ),
]

WINNER_ARRIVED = dt.date(2026, 2, 2)
LOSER_ARRIVED = dt.date(2026, 3, 3)
NOT_YOURS = (
    "This person is already registered in the street. Ask the community office to deregister them first."
)


def _wait_for_blocked_insert(timeout: float = 15) -> None:
    """Until another connection waits on a lock (the loser's INSERT on the unique index)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second registration never reached the unique index")


def _race(winner_actor, winner_housing, loser_actor, loser_housing) -> str:
    id_number = build_id_number("340102", dt.date(1995, 6, 15), 4242)
    may_commit = threading.Event()

    def win():
        try:
            with transaction.atomic():
                services.register(
                    winner_actor,
                    registration(winner_housing, id_number=id_number, arrived_on=WINNER_ARRIVED),
                )
                assert may_commit.wait(timeout=20)
        finally:
            connections.close_all()

    def lose():
        try:
            services.register(
                loser_actor, registration(loser_housing, id_number=id_number, arrived_on=LOSER_ARRIVED)
            )
        except ValidationError as exc:
            return exc.message_dict["id_number"][0]
        finally:
            connections.close_all()
        return "registered twice"

    with ThreadPoolExecutor(2) as pool:
        winner = pool.submit(win)
        time.sleep(0.3)  # the winner's row is in, uncommitted
        loser = pool.submit(lose)
        try:
            _wait_for_blocked_insert()
        finally:
            may_commit.set()
        winner.result(timeout=30)
        message = loser.result(timeout=30)
    assert Resident.objects.registered().count() == 1
    assert Resident.objects.get().arrived_on == WINNER_ARRIVED
    return message


def test_the_loser_sees_the_winning_registration_when_they_may(street, people, homes):
    # The street's officer may see the community-2 resident who won: told its date and community.
    message = _race(people["community2"], homes["flat2"], people["street"], homes["flat1"])
    assert WINNER_ARRIVED.isoformat() in message, message
    assert street["community2"].name in message
    assert LOSER_ARRIVED.isoformat() not in message


def test_the_loser_is_not_told_where_a_person_they_may_not_see_lives(street, people, homes):
    # Community 1's officer may not see community 2's residents: the neutral street-wide message,
    # never the date or community of either registration.
    message = _race(people["community2"], homes["flat2"], people["community1"], homes["flat1"])
    assert message == chinese("corrections")[NOT_YOURS]
    assert street["community2"].name not in message and street["community1"].name not in message
    assert WINNER_ARRIVED.isoformat() not in message and LOSER_ARRIVED.isoformat() not in message
