"""Joint meetings in the Wagtail admin: lists scoped by the community (another's rows and forged
ids 404), a meeting added through the service, decisions added and marked done from its page
(refusals are form errors writing nothing), overdue marked in the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from activities.models import Activity, ActivityKind
from cobuilding.models import Decision, DecisionStatus, JointMeeting
from tests.cobuilding.meetings_support import decide, make_meeting
from tests.factories.cobuilding import make_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(street, units):
    hospital = make_agreement(street["community1"], units["hospital"])
    return make_meeting(street["community1"], [hospital])


def test_lists_and_inspect_are_scoped(client, street, units, roles, meeting, community2_secretary):
    overdue = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"], text="逾期事项")
    client.force_login(roles["community_secretary"])
    with translation.override("en"):
        listing = client.get(reverse("cobuilding_meeting:index"))
        assert listing.status_code == 200 and "共建联席会议" in listing.content.decode()
        page = client.get(reverse("cobuilding_meeting:inspect", args=[meeting.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        assert "逾期事项" in body and "已逾期" in body and "区中心医院党委" in body
        decisions = client.get(reverse("cobuilding_decision:index"))
        assert decisions.status_code == 200 and "已逾期" in decisions.content.decode()
        only = client.get(reverse("cobuilding_decision:index"), {"overdue": "yes"})
        assert "逾期事项" in only.content.decode()
    client.force_login(community2_secretary)
    assert client.get(reverse("cobuilding_meeting:inspect", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("cobuilding_decision:done", args=[overdue.pk])).status_code == 404
    assert client.get(reverse("cobuilding_meeting:inspect", args=[999999])).status_code == 404
    client.force_login(roles["member"])
    assert client.get(reverse("cobuilding_meeting:index")).status_code in (302, 403)


def test_adding_a_meeting_through_the_admin(client, street, units, roles):
    hospital = make_agreement(street["community1"], units["hospital"])
    elsewhere = make_agreement(street["community2"], units["school"])
    client.force_login(roles["community_secretary"])
    url = reverse("cobuilding_meeting:add")
    assert client.get(url).status_code == 200
    data = {
        "community": street["community1"].pk,
        "title": "第三季度共建联席会议",
        "place": "社区会议室",
        "starts_at": "2026-09-10 14:00",
        "ends_at": "2026-09-10 16:00",
        "agreements": [hospital.pk],
        "minutes": "纪要",
    }
    forged = client.post(url, {**data, "agreements": [elsewhere.pk]})
    assert forged.status_code == 200 and not JointMeeting.objects.exists()
    backwards = client.post(url, {**data, "ends_at": "2026-09-10 13:00"})
    assert backwards.status_code == 200 and not JointMeeting.objects.exists()
    made = client.post(url, data)
    assert made.status_code == 302
    meeting = JointMeeting.objects.get()
    assert meeting.activity.kind == ActivityKind.JOINT_MEETING and Activity.objects.count() == 1
    assert list(meeting.agreements.all()) == [hospital]


def test_decision_added_and_done_from_the_meeting(client, street, units, roles, meeting):
    client.force_login(roles["community_secretary"])
    decide_url = reverse("cobuilding_meeting:decide", args=[meeting.pk])
    assert client.get(decide_url).status_code == 200
    unit_row = meeting.units.get()
    refused = client.post(decide_url, {"text": "x", "due_on": "2026-09-01", "owner_unit": unit_row.pk})
    assert refused.status_code == 200 and not Decision.objects.exists()
    no_owner = client.post(decide_url, {"text": "x", "due_on": "2026-10-01"})
    assert no_owner.status_code == 200 and not Decision.objects.exists()
    made = client.post(decide_url, {"text": "提供场地", "due_on": "2026-10-01", "owner_unit": unit_row.pk})
    assert made.status_code == 302
    decision = Decision.objects.get()
    done_url = reverse("cobuilding_decision:done", args=[decision.pk])
    future = client.post(done_url, {"done_on": "2099-01-01", "note": ""})
    assert future.status_code == 200
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN
    assert client.post(done_url, {"done_on": "2026-09-30", "note": "已完成"}).status_code == 302
    decision.refresh_from_db()
    assert (decision.status, decision.done_on) == (DecisionStatus.DONE, dt.date(2026, 9, 30))
    minutes_url = reverse("cobuilding_meeting:minutes", args=[meeting.pk])
    assert client.post(minutes_url, {"minutes": "会议纪要全文"}).status_code == 302
    attendance = reverse("cobuilding_meeting:attendance", args=[meeting.pk])
    assert client.get(attendance).status_code == 200
    assert (
        client.post(
            attendance, {f"present_{unit_row.pk}": "", f"representative_{unit_row.pk}": "王"}
        ).status_code
        == 302
    )
    meeting.refresh_from_db()
    unit_row.refresh_from_db()
    assert meeting.minutes == "会议纪要全文" and (unit_row.present, unit_row.representative) == (False, "王")
