"""The joint-meeting API: scoped reads with units and decisions (overdue flagged), decisions
added by the community, marked done by the owner's side; refusals 400 / 403 / 404, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cobuilding.models import Decision, DecisionStatus, UnitContact
from tests.cobuilding.meetings_support import decide, make_meeting
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import UserFactory, make_post_holder

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def meeting(street, units):
    hospital = make_agreement(street["community1"], units["hospital"])
    company = make_agreement(street["community1"], units["company"])
    return make_meeting(street["community1"], [hospital, company], minutes="纪要")


def test_meetings_list_with_units_and_decisions(street, units, roles, meeting, community2_secretary):
    overdue = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"])
    later = decide(meeting, timezone.localdate() + dt.timedelta(days=5), owner_outside_unit=units["company"])
    client = _client(roles["community_secretary"])
    rows = client.get("/api/cobuilding/meetings/").json()["results"]
    assert [row["id"] for row in rows] == [meeting.pk]
    row = rows[0]
    assert row["minutes"] == "纪要" and row["community_name"] == "第1社区党委"
    assert {u["unit_name"] for u in row["units"]} == {"区中心医院党委", "某科技公司"}
    flags = {d["id"]: (d["overdue"], d["owner_kind"]) for d in row["decisions"]}
    assert flags == {overdue.pk: (True, "unit_org"), later.pk: (False, "outside_unit")}
    assert client.get(f"/api/cobuilding/meetings/{meeting.pk}/").status_code == 200
    assert _client(community2_secretary).get(f"/api/cobuilding/meetings/{meeting.pk}/").status_code == 404
    assert _client(roles["member"]).get("/api/cobuilding/meetings/").json()["results"] == []
    overdue_only = client.get("/api/cobuilding/decisions/?overdue=true").json()["results"]
    assert [d["id"] for d in overdue_only] == [overdue.pk]
    assert client.get("/api/cobuilding/decisions/?status=bogus").status_code == 400


def test_adding_a_decision(street, units, roles, meeting, community2_secretary):
    client = _client(roles["community_secretary"])
    unit_row = meeting.units.get(agreement__unit_org=units["hospital"])
    url = f"/api/cobuilding/meetings/{meeting.pk}/decisions/"
    made = client.post(
        url, {"text": "提供活动场地", "due_on": "2026-10-01", "owner_unit": unit_row.pk}, format="json"
    )
    assert made.status_code == 201 and made.json()["owner_name"] == "区中心医院党委"
    bad = [
        {"text": "", "due_on": "2026-10-01", "owner_unit": unit_row.pk},
        {"text": "x", "due_on": "2026-09-01", "owner_unit": unit_row.pk},
        {"text": "x", "due_on": "2026-10-01"},
        {"text": "x", "due_on": "2026-10-01", "owner_unit": 999999},
        {"text": "x", "due_on": "2026-10-01", "owner_user": 999999},
        {"text": "x", "due_on": "2026-10-01", "owner_user": roles["member"].pk},
        {"text": "x", "due_on": "not a date", "owner_unit": unit_row.pk},
    ]
    for payload in bad:
        assert client.post(url, payload, format="json").status_code == 400, payload
    assert Decision.objects.count() == 1
    # A unit's post-holder sees the meeting but does not add decisions; another community: 404.
    hospital_secretary = make_post_holder(units["hospital"], "yiyuan")
    payload = {"text": "x", "due_on": "2026-10-01", "owner_unit": unit_row.pk}
    assert _client(hospital_secretary).post(url, payload, format="json").status_code == 403
    assert _client(community2_secretary).post(url, payload, format="json").status_code == 404
    assert Decision.objects.count() == 1


def test_the_owner_marks_done_through_the_api(street, units, roles, meeting):
    contact = UserFactory(username="company_contact")
    UnitContact.objects.create(user=contact, outside_unit=units["company"])
    hospital_secretary = make_post_holder(units["hospital"], "yiyuan")
    company_job = decide(meeting, dt.date(2026, 10, 1), owner_outside_unit=units["company"])
    hospital_job = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"])
    contact_client = _client(contact)
    seen = contact_client.get("/api/cobuilding/decisions/").json()["results"]
    assert {d["id"] for d in seen} == {company_job.pk, hospital_job.pk}
    # Not theirs: 403, nothing written.
    assert (
        contact_client.post(
            f"/api/cobuilding/decisions/{hospital_job.pk}/done/", {}, format="json"
        ).status_code
        == 403
    )
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = contact_client.post(
        f"/api/cobuilding/decisions/{company_job.pk}/done/", {"done_on": future}, format="json"
    )
    assert refused.status_code == 400
    company_job.refresh_from_db()
    assert company_job.status == DecisionStatus.OPEN
    done = contact_client.post(
        f"/api/cobuilding/decisions/{company_job.pk}/done/",
        {"done_on": "2026-09-28", "note": "已捐赠设备"},
        format="json",
    )
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["done_on_time"], body["overdue"]) == ("done", True, False)
    made = _client(hospital_secretary).post(
        f"/api/cobuilding/decisions/{hospital_job.pk}/done/", {}, format="json"
    )
    assert made.status_code == 200 and made.json()["done_on_time"] is False
    stranger = make_post_holder(units["school"], "xiaoxue")
    assert _client(stranger).post(f"/api/cobuilding/decisions/{hospital_job.pk}/done/", {}).status_code == 404
