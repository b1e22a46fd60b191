"""Retention: deregistered records lose their personal fields after RESIDENTS_RETENTION_DAYS, on a
REAL Celery worker, run twice (the second run purges nothing); counts stay for the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.signals import task_postrun

from residents import access, services
from residents.figures import figures_page
from residents.models import AuditEntry, Resident
from tests.beat import beat_row, interval
from tests.celery_worker import wait_for
from tests.factories.residents import register


@pytest.mark.django_db(transaction=True)
def test_purge_on_a_worker_twice_clears_personal_fields_once(celery_worker, people, homes, street, settings):
    from residents.tasks import purge_departed_residents

    settings.RESIDENTS_RETENTION_DAYS = 30
    officer = people["community1"]
    old = register(
        officer,
        homes["flat1"],
        name="张三丰",
        category="study",
        school="某校",
        course="护理",
        arrived_on=dt.date(2026, 1, 5),
    )
    services.deregister(officer, old, dt.date(2026, 2, 1), "毕业离沪")
    recent = register(officer, homes["flat1"], name="李四", arrived_on=dt.date(2026, 2, 5))
    services.deregister(officer, recent, dt.date(2026, 3, 20), "搬离")
    staying = register(officer, homes["flat1b"], name="王五", arrived_on=dt.date(2026, 1, 5))
    officer2 = people["community2"]
    for name in ("赵六", "钱七"):
        gone = register(officer2, homes["flat2"], name=name, arrived_on=dt.date(2026, 1, 6))
        services.deregister(officer2, gone, dt.date(2026, 2, 2), "搬离")
    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == purge_departed_residents.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-purge")
    try:
        purge_departed_residents.delay(today="2026-04-01")
        assert wait_for(lambda: len(results) == 1, timeout=60)
        purge_departed_residents.delay(today="2026-04-01")
        assert wait_for(lambda: len(results) == 2, timeout=60)
    finally:
        task_postrun.disconnect(dispatch_uid="test-purge")

    assert results == [3, 0]
    purged = Resident.objects.get(pk=old.pk)
    assert purged.purged_at is not None
    assert (
        purged.name,
        purged.id_number_encrypted,
        purged.id_number_hash,
        purged.phone,
        purged.school,
        purged.leave_reason,
    ) == ("", "", None, "", "", "")
    assert purged.birth_date is None
    assert (purged.category, purged.arrived_on, purged.left_on, purged.community_id) == (
        "study",
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 1),
        homes["flat1"].community_id,
    )
    assert Resident.objects.get(pk=recent.pk).name == "李四"  # within the retention period
    assert Resident.objects.get(pk=staying.pk).name == "王五"  # still registered
    # One row per community purged, with that community and its count; the second run wrote none.
    rows = AuditEntry.objects.filter(action="purge")
    assert sorted((row.community_id, row.count, row.actor_id) for row in rows) == sorted(
        [(street["community1"].pk, 1, None), (street["community2"].pk, 2, None)]
    )
    assert set(access.visible_audit(people["street"]).filter(action="purge")) == set(rows)
    assert not access.visible_audit(people["community1"]).exists()  # the street reviews the trail
    page = figures_page(street["street"], dt.date(2026, 4, 1))
    per_month = next(s for s in page.sections if s.key == "per-month")
    assert ["2026-01", 4, 0] in per_month.rows  # the purged arrivals are still counted
    assert ["2026-02", 1, 3] in per_month.rows  # and their departures


def test_the_beat_row_exists(db):
    task = beat_row("residents.0004_purge_schedule")
    assert task.task == "residents.tasks.purge_departed_residents"
    assert task.enabled and interval(task) == (1, "days")
