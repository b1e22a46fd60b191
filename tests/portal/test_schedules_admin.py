"""Celery schedules are kept in the database and editable in the Wagtail admin by superusers."""

from __future__ import annotations

import pytest

from tests.beat import beat_row


@pytest.fixture
def sweep(db):
    return beat_row("orgchart.0002_import_sweep_schedule")


def test_the_import_sweep_is_scheduled_in_the_database(sweep):
    assert sweep.enabled
    assert sweep.interval is not None


def test_superuser_lists_and_edits_schedules(client, roles, sweep):
    client.force_login(roles["superuser"])
    listing = client.get("/admin/schedules/tasks/")
    assert listing.status_code == 200
    assert sweep.name in listing.content.decode()
    edit = f"/admin/schedules/tasks/edit/{sweep.pk}/"
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "name": sweep.name,
            "task": sweep.task,
            "interval": sweep.interval_id,
            "crontab": "",
            "args": "[]",
            "kwargs": "{}",
            "enabled": "",
            "description": "暂停",
        },
    )
    assert response.status_code == 302
    sweep.refresh_from_db()
    assert not sweep.enabled


def test_a_schedule_with_bad_arguments_is_refused_and_unchanged(client, roles, sweep):
    client.force_login(roles["superuser"])
    response = client.post(
        f"/admin/schedules/tasks/edit/{sweep.pk}/",
        {
            "name": sweep.name,
            "task": sweep.task,
            "interval": sweep.interval_id,
            "args": "not json",
            "kwargs": "{}",
        },
    )
    assert response.status_code == 200
    sweep.refresh_from_db()
    assert sweep.args == "[]" and sweep.enabled


@pytest.mark.parametrize("role", ["street_secretary", "community_secretary", "member"])
def test_only_superusers_see_schedules(client, roles, role):
    client.force_login(roles[role])
    response = client.get("/admin/schedules/tasks/")
    assert response.status_code in (302, 403)
