"""advance_cycles on a REAL Celery worker: a whole cycle moved by the scheduled task, through a
公示 window spanning National Day 2026, held back by an open objection, each move made once."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.signals import task_postrun

from assessments import services
from assessments.models import AssessmentCycle, Phase, PhaseTransition
from orgchart.models import OrgKind
from tests.beat import beat_row, interval
from tests.celery_worker import wait_for
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org, make_post_holder


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_task_runs_a_cycle_to_final_across_national_day(celery_worker):
    from assessments.tasks import advance_cycles

    street = make_org(None, OrgKind.STREET, name="工作者街道党工委", code="W-JD")
    secretary = make_post_holder(street, "w-jiedao")
    cycle = make_cycle(street, 2026, publicity_on=dt.date(2026, 9, 28))
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == advance_cycles.name:
            results.append(retval)

    def run(*days: str) -> list:
        start = len(results)
        for day in days:
            advance_cycles.delay(today=day)
        assert wait_for(lambda: len(results) == start + len(days), timeout=60)
        return results[start:]

    def phase() -> str:
        return AssessmentCycle.objects.get(pk=cycle.pk).phase

    task_postrun.connect(record, weak=False, dispatch_uid="test-advance-cycles")
    try:
        # Before the first date nothing moves; on it, the cycle opens once though the task ran twice.
        assert run("2026-02-28") == [[]]
        assert run("2026-03-01", "2026-03-01") == [[[cycle.pk, Phase.OPEN]], []]
        assert phase() == Phase.OPEN
        # 公示 starts on Monday 28 September: rating and review dates passed meanwhile.
        assert run("2026-09-28") == [
            [[cycle.pk, Phase.RATING], [cycle.pk, Phase.REVIEW], [cycle.pk, Phase.PUBLICITY]]
        ]
        cycle.refresh_from_db()
        assert cycle.scores_frozen_at is not None
        assert services.publicity_window_end(cycle) == dt.date(2026, 10, 10)
        # The window: 29, 30 Sept, (1–7 Oct off), 8, 9 Oct and Saturday 10 Oct worked (调休).
        assert run("2026-10-08", "2026-10-10") == [[], []]
        assert phase() == Phase.PUBLICITY
        objection = services.file_objection(cycle, "对推荐人选有异议", today=dt.date(2026, 10, 9))
        # The window closed, but an objection is open: not final.
        assert run("2026-10-11") == [[]]
        assert phase() == Phase.PUBLICITY
        services.answer_objection(objection, "经核实,符合规定。", actor=secretary)
        assert run("2026-10-12", "2026-10-12") == [[[cycle.pk, Phase.FINAL]], []]
        assert phase() == Phase.FINAL
    finally:
        task_postrun.disconnect(dispatch_uid="test-advance-cycles")

    log = list(PhaseTransition.objects.filter(cycle=cycle).values_list("from_phase", "to_phase", "actor"))
    assert log == [
        ("draft", "open", None),
        ("open", "rating", None),
        ("rating", "review", None),
        ("review", "publicity", None),
        ("publicity", "final", None),
    ]


def test_the_beat_schedule_is_stored_for_the_database_scheduler(db):
    task = beat_row("assessments.0002_advance_cycles_schedule")
    assert task.task == "assessments.tasks.advance_cycles"
    assert task.enabled and interval(task) == (1, "hours")


def test_the_task_acknowledges_late_and_has_time_limits():
    from assessments.tasks import advance_cycles

    assert advance_cycles.acks_late
    assert advance_cycles.soft_time_limit and advance_cycles.time_limit > advance_cycles.soft_time_limit
