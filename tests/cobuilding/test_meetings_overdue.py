"""Overdue joint-meeting decisions: the daily task tells the owner and the community once per
decision (inbox cause keys), reruns tell no one and make no fan-out; the street figure
"decisions done on time" in constant queries."""

from __future__ import annotations

import datetime as dt

import pytest

from cobuilding import meetings, queries, tasks
from cobuilding.models import UnitContact
from inbox.models import FanOut, Notification
from tests.beat import beat_row, interval
from tests.cobuilding.meetings_support import decide, make_meeting
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import UserFactory, make_post_holder

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 20)


def _told(decision) -> list[int]:
    return sorted(
        Notification.objects.filter(cause_key__startswith=f"cobuilding-decision:{decision.pk}:").values_list(
            "recipient_id", flat=True
        )
    )


def test_owner_and_community_are_told_once(street, units, roles, django_capture_on_commit_callbacks):
    hospital = make_agreement(street["community1"], units["hospital"])
    company = make_agreement(street["community1"], units["company"])
    meeting = make_meeting(street["community1"], [hospital, company])
    unit_secretary = make_post_holder(units["hospital"], "yiyuan")
    contact = UserFactory(username="company_contact")
    UnitContact.objects.create(user=contact, outside_unit=units["company"])
    by_hospital = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"])
    by_company = decide(meeting, dt.date(2026, 10, 15), owner_outside_unit=units["company"])
    by_member = decide(meeting, dt.date(2026, 10, 10), owner_user=roles["community_secretary"])
    not_due = decide(meeting, dt.date(2026, 10, 25), owner_user=roles["community_secretary"])
    done = decide(meeting, dt.date(2026, 10, 5), owner_user=roles["community_secretary"])
    meetings.complete_decision(done, actor=None, done_on=dt.date(2026, 10, 9))

    with django_capture_on_commit_callbacks():
        first = tasks.flag_overdue_decisions(TODAY.isoformat())
    fanouts = FanOut.objects.count()
    with django_capture_on_commit_callbacks():
        second = tasks.flag_overdue_decisions(TODAY.isoformat())
        third = tasks.flag_overdue_decisions((TODAY + dt.timedelta(days=1)).isoformat())
    assert first == second == [by_hospital.pk, by_member.pk, by_company.pk]
    assert third == first
    # Reruns write nothing: no new fan-out, no second row.
    assert FanOut.objects.count() == fanouts == 1
    community = {roles["community_secretary"].pk, roles["street_secretary"].pk}
    assert community | {unit_secretary.pk} <= set(_told(by_hospital))
    assert contact.pk not in _told(by_hospital)
    assert community | {contact.pk} <= set(_told(by_company))
    assert unit_secretary.pk not in _told(by_company)
    assert community <= set(_told(by_member))
    for decision in (by_hospital, by_company, by_member):
        assert len(_told(decision)) == len(set(_told(decision)))
    assert roles["member"].pk not in _told(by_hospital)
    assert _told(not_due) == [] and _told(done) == []
    # The community's managers get a link to the admin list; the unit's side its own page.
    row = Notification.objects.get(
        cause_key__startswith=f"cobuilding-decision:{by_company.pk}:", recipient=contact
    )
    assert row.url == "/cobuilding/unit/meetings/" and "2026-10-15" in row.title
    row = Notification.objects.get(
        cause_key__startswith=f"cobuilding-decision:{by_company.pk}:", recipient=roles["community_secretary"]
    )
    assert row.url == "/admin/cobuilding/decisions/"


def test_nothing_overdue_does_nothing(street, units):
    assert tasks.flag_overdue_decisions(TODAY.isoformat()) == []
    assert not FanOut.objects.exists()


def test_schedule_registered(db):
    task = beat_row("cobuilding.0004_meetings", "OVERDUE_SCHEDULE")
    assert task.task == "cobuilding.tasks.flag_overdue_decisions"
    assert task.enabled and interval(task) == (1, "days")


def _meetings(street, units, roles, n: int) -> None:
    """n meetings in community 1 and n in community 2, each with: one done on time, one done
    late, one open overdue, one open not yet due (as of TODAY)."""
    hospital = make_agreement(street["community1"], units["hospital"])
    school = make_agreement(street["community2"], units["school"])
    for i in range(n):
        for community, agreement in ((street["community1"], hospital), (street["community2"], school)):
            meeting = make_meeting(community, [agreement], title=f"联席会议{i}")
            on_time = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=agreement.unit_org)
            late = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=agreement.unit_org)
            decide(meeting, dt.date(2026, 10, 10), owner_unit_org=agreement.unit_org)
            decide(meeting, dt.date(2026, 10, 30), owner_unit_org=agreement.unit_org)
            meetings.complete_decision(on_time, actor=None, done_on=dt.date(2026, 10, 1))
            meetings.complete_decision(late, actor=None, done_on=dt.date(2026, 10, 3))


@pytest.mark.parametrize("n", [1, 10])
def test_decisions_done_on_time_in_constant_queries(street, units, roles, n, django_assert_num_queries):
    _meetings(street, units, roles, n)
    with django_assert_num_queries(6):
        figures = queries.street_figures(street["street"], TODAY)
    # Due by TODAY: on time, late, overdue (the one due 30 Oct is not yet due).
    assert (figures.decisions_due, figures.decisions_done_on_time) == (6 * n, 2 * n)
    assert figures.decisions_on_time_rate == pytest.approx(1 / 3)
    community = queries.street_figures(street["community1"], TODAY)
    assert (community.decisions_due, community.decisions_done_on_time) == (3 * n, n)
    with django_assert_num_queries(1):
        assert queries.decisions_on_time(street["street"], dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == (
            8 * n,
            2 * n,
        )
    period = queries.street_figures(
        street["street"], TODAY, period=(dt.date(2026, 10, 5), dt.date(2026, 12, 31))
    )
    assert (period.decisions_due, period.decisions_done_on_time) == (2 * n, 0)


def test_no_decision_due_gives_no_rate(street):
    figures = queries.street_figures(street["street"], TODAY)
    assert figures.decisions_due == 0 and figures.decisions_on_time_rate is None
