"""Following decisions up through the API (PATCH a decision, POST reopen, POST invite / answer on
a meeting) and the admin (change, reopen, the decision's history, invite): the same services;
refusals 400 with the reason and nothing written, a unit's side 403, others 404, anonymous 401."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cobuilding import meetings, services
from cobuilding.models import Decision, DecisionChange, DecisionStatus, ReplyChoice
from inbox.models import Notification
from tests.cobuilding.meetings_support import decide, make_meeting
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import UserFactory
from tests.translations import chinese

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + dt.timedelta(days=5)


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def scene(street, units):
    hospital = make_agreement(street["community1"], units["hospital"])
    company = make_agreement(street["community1"], units["company"])
    meeting = make_meeting(street["community1"], [hospital, company])
    contact = UserFactory(username="yiyuan")
    services.add_unit_contact(actor=None, user=contact, unit_org=units["hospital"])
    decision = decide(meeting, dt.date(2026, 10, 1), owner_unit_org=units["hospital"], text="开放会议室")
    return {"meeting": meeting, "decision": decision, "contact": contact}


def _said(response, msgid: str) -> bool:
    text = str(response.json())
    return msgid in text or chinese("meetings").get(msgid, "\0") in text


def test_patch_moves_the_due_date_with_a_reason_and_shows_the_history(scene, roles, units):
    url = f"/api/cobuilding/decisions/{scene['decision'].pk}/"
    client = _client(roles["community_secretary"])
    answer = client.patch(url, {"due_on": "2026-11-20", "reason": "场地装修"}, format="json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["due_on"] == "2026-11-20"
    (history,) = body["history"]
    assert (history["kind"], history["old_due_on"], history["new_due_on"], history["reason"]) == (
        "due",
        "2026-10-01",
        "2026-11-20",
        "场地装修",
    )
    assert history["changed_by_name"]
    company_unit = scene["meeting"].units.get(agreement__outside_unit=units["company"])
    owner = client.patch(url, {"owner_unit": company_unit.pk, "text": "开放会议室和活动室"}, format="json")
    assert owner.status_code == 200 and owner.json()["owner_kind"] == "outside_unit"
    # Read back in the list and on the meeting.
    listed = client.get("/api/cobuilding/decisions/").json()["results"][0]
    assert [h["kind"] for h in listed["history"]] == ["due", "edited"]
    meeting = client.get(f"/api/cobuilding/meetings/{scene['meeting'].pk}/").json()
    assert len(meeting["decisions"][0]["history"]) == 2


def test_bad_patches_are_400_and_write_nothing(scene, roles):
    url = f"/api/cobuilding/decisions/{scene['decision'].pk}/"
    client = _client(roles["community_secretary"])
    no_reason = client.patch(url, {"due_on": "2026-11-20"}, format="json")
    assert no_reason.status_code == 400 and _said(no_reason, "Write the reason for the change.")
    early = client.patch(url, {"due_on": "2026-09-01", "reason": "提前"}, format="json")
    assert early.status_code == 400
    for payload in (
        {},
        {"due_on": "不是日期", "reason": "x"},
        {"owner_unit": 999999},
        {"owner_user": 999999},
        {"owner_user": roles["member"].pk},
        {"reason": "x" * 501, "due_on": "2026-11-20"},
        {"text": ""},
    ):
        assert client.patch(url, payload, format="json").status_code == 400, payload
    assert client.put(url, {"text": "x"}, format="json").status_code == 405
    decision = Decision.objects.get()
    assert (decision.due_on, decision.text) == (dt.date(2026, 10, 1), "开放会议室")
    assert not DecisionChange.objects.exists()


def test_reopen_through_the_api(scene, roles):
    decision = scene["decision"]
    url = f"/api/cobuilding/decisions/{decision.pk}/reopen/"
    client = _client(roles["community_secretary"])
    not_done = client.post(url, {"reason": "重办"}, format="json")
    assert not_done.status_code == 400 and _said(not_done, "Only a decision marked done can be reopened.")
    meetings.complete_decision(decision, actor=None, done_on=dt.date(2026, 9, 30), note="已开放")
    assert client.post(url, {"reason": ""}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    reopened = client.post(url, {"reason": "未真正落实"}, format="json")
    assert reopened.status_code == 200
    body = reopened.json()
    assert body["status"] == "open" and body["done_on"] is None and body["done_note"] == ""
    assert body["history"][0]["kind"] == "reopened" and "已开放" in body["history"][0]["detail"]


def test_who_may_change_through_the_api(scene, roles, community2_secretary):
    decision = scene["decision"]
    meetings.complete_decision(decision, actor=None, done_on=dt.date(2026, 9, 30))
    patch = f"/api/cobuilding/decisions/{decision.pk}/"
    reopen = f"/api/cobuilding/decisions/{decision.pk}/reopen/"
    # The unit's side sees the decision but may not change it: 403.
    contact = _client(scene["contact"])
    assert contact.get(patch).status_code == 200
    assert contact.post(reopen, {"reason": "x"}, format="json").status_code == 403
    assert contact.patch(patch, {"text": "改"}, format="json").status_code == 403
    # Another community's secretary and a member do not see it: 404; anonymous 401.
    for user in (community2_secretary, roles["member"]):
        assert _client(user).post(reopen, {"reason": "x"}, format="json").status_code == 404
        assert _client(user).patch(patch, {"text": "改"}, format="json").status_code == 404
    assert _client().post(reopen, {"reason": "x"}, format="json").status_code in (401, 403)
    assert _client().patch(patch, {"text": "改"}, format="json").status_code in (401, 403)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.text == "开放会议室"
    assert not DecisionChange.objects.exists()


def test_invite_and_answer_through_the_api(street, units, roles, scene, community2_secretary):
    hospital = scene["meeting"].units.get(agreement__unit_org=units["hospital"]).agreement
    coming = make_meeting(street["community1"], [hospital], day=SOON)
    url = f"/api/cobuilding/meetings/{coming.pk}/invite/"
    assert _client(scene["contact"]).post(url, {}, format="json").status_code == 403
    assert _client(community2_secretary).post(url, {}, format="json").status_code == 404
    sent = _client(roles["community_secretary"]).post(url, {"agenda": "场地共享"}, format="json")
    assert sent.status_code == 200 and sent.json() == {"invited": 1, "already": 0, "units_without_anyone": 0}
    assert Notification.objects.filter(recipient=scene["contact"]).count() == 1
    held = _client(roles["community_secretary"]).post(
        f"/api/cobuilding/meetings/{scene['meeting'].pk}/invite/", {}, format="json"
    )
    assert held.status_code == 400
    place = coming.units.get()
    answer_url = f"/api/cobuilding/meetings/{coming.pk}/answer/"
    contact = _client(scene["contact"])
    assert contact.post(answer_url, {"unit": place.pk, "attend": True}, format="json").status_code == 400
    assert contact.post(answer_url, {"unit": 999999, "attend": False}, format="json").status_code == 400
    answered = contact.post(answer_url, {"unit": place.pk, "attend": True, "name": "李主任"}, format="json")
    assert answered.status_code == 200 and answered.json()["reply"] == "attend"
    assert (
        _client(roles["community_secretary"])
        .post(answer_url, {"unit": place.pk, "attend": False}, format="json")
        .status_code
        == 403
    )
    row = _client(roles["community_secretary"]).get(f"/api/cobuilding/meetings/{coming.pk}/").json()
    assert (row["units"][0]["reply"], row["units"][0]["representative"], row["agenda"]) == (
        ReplyChoice.ATTEND,
        "李主任",
        "场地共享",
    )


def test_admin_change_reopen_history_and_invite(client, street, units, roles, scene, community2_secretary):
    decision = scene["decision"]
    client.force_login(roles["community_secretary"])
    change = reverse("cobuilding_decision:change", args=[decision.pk])
    assert client.get(change).status_code == 200
    refused = client.post(change, {"text": "开放会议室", "due_on": "2026-11-01", "reason": ""})
    assert refused.status_code == 200 and not DecisionChange.objects.exists()
    assert (
        client.post(change, {"text": "开放会议室", "due_on": "2026-11-01", "reason": "场地维修"}).status_code
        == 302
    )
    meetings.complete_decision(decision, actor=None, done_on=dt.date(2026, 10, 20), note="已开放")
    reopen = reverse("cobuilding_decision:reopen", args=[decision.pk])
    assert client.post(reopen, {"reason": ""}).status_code == 200
    assert client.post(reopen, {"reason": "只开放了一次"}).status_code == 302
    page = client.get(reverse("cobuilding_decision:inspect", args=[decision.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "2026-10-01 → 2026-11-01" in body and "场地维修" in body and "只开放了一次" in body
    # The meeting page links to the actions; a future meeting offers the invitation.
    hospital = scene["meeting"].units.get(agreement__unit_org=units["hospital"]).agreement
    coming = make_meeting(street["community1"], [hospital], day=SOON)
    invite = reverse("cobuilding_meeting:invite", args=[coming.pk])
    assert invite in client.get(reverse("cobuilding_meeting:inspect", args=[coming.pk])).content.decode()
    assert client.post(invite, {"agenda": "议题一"}).status_code == 302
    assert Notification.objects.filter(recipient=scene["contact"]).count() == 1
    held_invite = reverse("cobuilding_meeting:invite", args=[scene["meeting"].pk])
    assert client.post(held_invite, {"agenda": ""}).status_code == 200  # refused on the form
    # Beside: another community's secretary gets 404 on every action.
    client.force_login(community2_secretary)
    for url in (change, reopen, invite, reverse("cobuilding_decision:inspect", args=[decision.pk])):
        assert client.get(url).status_code == 404, url


def test_admin_add_meeting_and_invite_at_once(client, street, units, roles, scene):
    hospital = scene["meeting"].units.get(agreement__unit_org=units["hospital"]).agreement
    client.force_login(roles["community_secretary"])
    data = {
        "community": street["community1"].pk,
        "title": "下周联席会议",
        "place": "社区会议室",
        "starts_at": f"{SOON:%Y-%m-%d} 14:00",
        "ends_at": f"{SOON:%Y-%m-%d} 16:00",
        "agreements": [hospital.pk],
        "agenda": "停车难",
        "invite": "on",
        "minutes": "",
    }
    assert client.post(reverse("cobuilding_meeting:add"), data).status_code == 302
    row = Notification.objects.get(recipient=scene["contact"])
    assert "停车难" in row.summary
    # A meeting in the past cannot be invited to: nothing is written, the meeting neither.
    past = {**data, "title": "上月会议", "starts_at": "2026-09-01 14:00", "ends_at": "2026-09-01 16:00"}
    assert client.post(reverse("cobuilding_meeting:add"), past).status_code == 200
    assert not scene["meeting"].community.joint_meetings.filter(activity__title="上月会议").exists()
