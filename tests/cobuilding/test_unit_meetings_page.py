"""The unit side's joint meetings page (/cobuilding/unit/meetings/): whoever speaks for a unit
sees their unit's decisions (grouped overdue / open / done) and invitations, and whoever owns a
decision in person theirs; never another unit's; marks done and answers from the page; refusals
400 with the reason, forged or others' ids 404, others 403; queries do not grow with data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cobuilding import meetings, services
from cobuilding.models import Decision, DecisionStatus, ReplyChoice
from tests.cobuilding.meetings_support import decide, make_meeting
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import MemberFactory, UserFactory, make_post_holder
from tests.translations import chinese

pytestmark = pytest.mark.django_db

URL = "/cobuilding/unit/meetings/"
SOON = timezone.localdate() + dt.timedelta(days=6)


@pytest.fixture
def scene(street, units, roles):
    hospital = make_agreement(street["community1"], units["hospital"])
    company = make_agreement(street["community1"], units["company"])
    school = make_agreement(street["community1"], units["school"])
    held = make_meeting(street["community1"], [hospital, company, school])
    coming = make_meeting(
        street["community1"], [hospital, school], day=SOON, title="下周联席会议", agenda="场地"
    )
    contact = UserFactory(username="yiyuan")
    services.add_unit_contact(actor=None, user=contact, unit_org=units["hospital"])
    school_contact = UserFactory(username="xuexiao")
    services.add_unit_contact(actor=None, user=school_contact, unit_org=units["school"])
    today = timezone.localdate()
    rows = {
        "overdue": decide(
            held, dt.date(2026, 10, 1), owner_unit_org=units["hospital"], text="逾期的医院事项"
        ),
        "open": decide(
            held, today + dt.timedelta(days=9), owner_unit_org=units["hospital"], text="未到期的医院事项"
        ),
        "done": decide(held, dt.date(2026, 10, 2), owner_unit_org=units["hospital"], text="已完成的医院事项"),
        "school": decide(held, dt.date(2026, 10, 3), owner_unit_org=units["school"], text="学校的事项"),
        "company": decide(held, dt.date(2026, 10, 4), owner_outside_unit=units["company"], text="公司的事项"),
        "mine": decide(
            held, dt.date(2026, 10, 5), owner_user=roles["community_secretary"], text="书记本人事项"
        ),
    }
    meetings.complete_decision(rows["done"], actor=None, done_on=dt.date(2026, 9, 30), note="已办")
    return {"held": held, "coming": coming, "contact": contact, "school_contact": school_contact, **rows}


def says(text: str, msgid: str) -> None:
    """The page shows the refusal: in Chinese once the catalogue is merged (English msgid till then)."""
    assert text in (msgid, chinese("meetings").get(msgid)), text


def _groups(response) -> dict[str, list[int]]:
    ctx = response.context
    return {g: [d.pk for d in ctx[g]] for g in ("overdue", "open", "done")}


def test_a_unit_contact_sees_their_units_decisions_grouped_and_nothing_else(client, scene):
    client.force_login(scene["contact"])
    page = client.get(URL)
    assert page.status_code == 200
    assert _groups(page) == {
        "overdue": [scene["overdue"].pk],
        "open": [scene["open"].pk],
        "done": [scene["done"].pk],
    }
    body = page.content.decode()
    assert "逾期的医院事项" in body and "已办" in body
    assert "学校的事项" not in body and "公司的事项" not in body and "书记本人事项" not in body
    assert [p.meeting for p in page.context["invitations"]] == [scene["coming"]]  # not the held one


def test_a_unit_post_holder_and_a_personal_owner_see_theirs(client, scene, units, roles):
    client.force_login(make_post_holder(units["school"], "xiaozhang"))
    assert _groups(client.get(URL)) == {"overdue": [scene["school"].pk], "open": [], "done": []}
    client.force_login(roles["community_secretary"])  # owns one in person; speaks for no unit
    page = client.get(URL)
    assert _groups(page) == {"overdue": [scene["mine"].pk], "open": [], "done": []}
    assert page.context["invitations"] == []


def test_others_get_403_and_anonymous_the_sign_in(client, scene, roles, community2_secretary):
    for user in (roles["member"], community2_secretary, roles["street_secretary"], roles["outsider"]):
        client.force_login(user)
        assert client.get(URL).status_code == 403, user
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(reverse("cobuilding_unit_meetings:done", args=[scene["open"].pk])).status_code == 302
    assert not Decision.objects.filter(pk=scene["open"].pk, status=DecisionStatus.DONE).exists()


def test_marking_done_from_the_page(client, scene):
    client.force_login(scene["contact"])
    url = reverse("cobuilding_unit_meetings:done", args=[scene["overdue"].pk])
    response = client.post(url, {"note": "已开放会议室 每周二下午"})
    assert response.status_code == 302
    row = Decision.objects.get(pk=scene["overdue"].pk)
    assert row.status == DecisionStatus.DONE and row.done_note == "已开放会议室 每周二下午"
    assert row.done_by == scene["contact"] and row.done_on == timezone.localdate()
    assert scene["overdue"].pk in _groups(client.get(URL))["done"]


def test_bad_or_forged_marks_write_nothing(client, scene):
    client.force_login(scene["contact"])
    url = reverse("cobuilding_unit_meetings:done", args=[scene["open"].pk])
    future = client.post(url, {"done_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()})
    assert future.status_code == 400
    assert "不能晚于今天" in future.context["error"]  # the service's refusal, in Chinese
    assert client.post(url, {"done_on": "不是日期"}).status_code == 400
    again = client.post(reverse("cobuilding_unit_meetings:done", args=[scene["done"].pk]), {"note": "x"})
    assert again.status_code == 400 and "已经完成" in again.context["error"]
    for other in (scene["school"], scene["company"], scene["mine"]):
        assert client.post(reverse("cobuilding_unit_meetings:done", args=[other.pk])).status_code == 404
    assert client.post(reverse("cobuilding_unit_meetings:done", args=[999999])).status_code == 404
    assert client.get(url).status_code == 405
    assert Decision.objects.filter(status=DecisionStatus.DONE).count() == 1


def test_answering_the_invitation_from_the_page(client, scene, units):
    place = scene["coming"].units.get(agreement__unit_org=units["hospital"])
    client.force_login(scene["contact"])
    url = reverse("cobuilding_unit_meetings:answer", args=[place.pk])
    no_name = client.post(url, {"reply": "attend", "name": ""})
    assert no_name.status_code == 400
    says(no_name.context["error"], "Give the name of the representative who will attend.")
    assert client.post(url, {"reply": "maybe"}).status_code == 400
    assert client.post(url, {"reply": "attend", "name": "李主任"}).status_code == 302
    place.refresh_from_db()
    assert (place.reply, place.representative) == (ReplyChoice.ATTEND, "李主任")
    assert "李主任" in client.get(URL).content.decode()
    # Another unit's place, a held meeting's place (theirs: 400), a forged id.
    school_place = scene["coming"].units.get(agreement__unit_org=units["school"])
    assert (
        client.post(
            reverse("cobuilding_unit_meetings:answer", args=[school_place.pk]), {"reply": "absent"}
        ).status_code
        == 404
    )
    held_place = scene["held"].units.get(agreement__unit_org=units["hospital"])
    closed = client.post(
        reverse("cobuilding_unit_meetings:answer", args=[held_place.pk]), {"reply": "absent"}
    )
    assert closed.status_code == 400
    assert (
        client.post(
            reverse("cobuilding_unit_meetings:answer", args=[999999]), {"reply": "absent"}
        ).status_code
        == 404
    )
    school_place.refresh_from_db()
    held_place.refresh_from_db()
    assert school_place.reply == "" and held_place.reply == ""


def test_the_unit_page_and_the_members_own_page_link_here(client, scene, street, roles):
    client.force_login(scene["contact"])
    assert URL in client.get("/cobuilding/unit/").content.decode()
    owner = UserFactory(username="zaizhi")
    member = MemberFactory(organisation=street["branch1"], user=owner)
    from orgchart import own_links

    assert not any(url == URL for _label, url in own_links.links_for(member))
    decide(scene["held"], dt.date(2026, 10, 8), owner_user=roles["community_secretary"])
    Decision.objects.filter(text="落实共建事项").update(owner_user=owner)
    assert any(url == URL for _label, url in own_links.links_for(member))


def _queries(client, user) -> int:
    client.force_login(user)
    client.get(URL)  # the session's first read is not the page's
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_takes_the_same_queries_at_one_and_ten_times_the_decisions(client, scene, units):
    one = _queries(client, scene["contact"])
    for i in range(9):
        for meeting in (scene["held"],):
            decide(meeting, dt.date(2026, 10, 10 + i), owner_unit_org=units["hospital"], text=f"事项{i}")
            made = decide(meeting, dt.date(2026, 10, 10 + i), owner_unit_org=units["hospital"])
            meetings.complete_decision(made, actor=None, done_on=dt.date(2026, 10, 1))
        decide(scene["coming"], SOON + dt.timedelta(days=i), owner_unit_org=units["hospital"])
    ten = _queries(client, scene["contact"])
    assert len(client.get(URL).context["overdue"]) == 10
    assert ten == one, (one, ten)
    print(f"unit meetings page: {one} queries at 1x, {ten} at 10x")


def test_the_page_reads_in_chinese():
    text = chinese("meetings")
    for msgid in (
        "Joint meetings: invitations and decisions",
        "We will attend",
        "We cannot attend",
        "Give the name of the representative who will attend.",
        "Write the reason for the change.",
        "Only a decision marked done can be reopened.",
    ):
        assert text.get(msgid), msgid
