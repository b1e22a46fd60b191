"""Transitions at the same moment on PostgreSQL: many runs of the same move (tasks run twice, a
street secretary and the beat task together) move the cycle once and log once; an objection filed
while the cycle is being made final either holds it back or is refused, never both lost."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from assessments import services
from assessments.models import AssessmentCycle, Objection, Phase, PhaseTransition
from orgchart.models import OrgKind
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org, make_post_holder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks; CI's PostgreSQL run covers it"
    ),
]

RACERS = 12


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


def test_concurrent_manual_and_scheduled_moves_move_once():
    street = make_org(None, OrgKind.STREET, code="CC-JD")
    secretary = make_post_holder(street, "cc-jiedao")
    cycle = make_cycle(street, 2026)
    calls = [lambda: services.advance_due(dt.date(2026, 3, 1)) for _ in range(RACERS // 2)]
    calls += [
        lambda: services.advance(
            AssessmentCycle.objects.get(pk=cycle.pk), Phase.OPEN, actor=secretary, reason="手动"
        )
        for _ in range(RACERS // 2)
    ]
    _race(calls)
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.OPEN
    assert PhaseTransition.objects.filter(cycle=cycle).count() == 1


def test_an_objection_filed_while_finalising_holds_it_back_or_is_refused():
    street = make_org(None, OrgKind.STREET, code="CO-JD")
    cycle = make_cycle(street, 2026)
    services.advance_due(dt.date(2026, 9, 28))
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.PUBLICITY
    # The task runs on the first day after the window while an objection is filed "today" (the
    # window's last day, in the filer's view): whichever locks the row first wins.
    calls = [
        lambda: services.advance_due(dt.date(2026, 10, 11)),
        lambda: services.file_objection(
            AssessmentCycle.objects.get(pk=cycle.pk), "最后一刻的异议", today=dt.date(2026, 10, 10)
        ),
    ]
    outcomes = _race(calls)
    final = AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.FINAL
    filed = Objection.objects.filter(cycle=cycle).exists()
    assert final != filed, outcomes
    if final:
        assert isinstance(outcomes[1], ValidationError)
