"""Study records (学习打卡): recording through the study page, bad input, monthly summaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import queries
from portal.models import StudyRecord
from tests.factories.orgchart import MemberFactory
from tests.portal.content_support import html, study

TITLE = "学习贯彻党的二十届三中全会精神辅导材料"
MINUTES_ERROR = "Give the minutes spent as a whole number from 1 to %(max)d, e.g. 30."


@pytest.fixture
def material(site, street):
    return study(street["street"], title=TITLE, visibility="members", category="theory")


def test_a_member_records_their_study_and_sees_it_under_their_records(client, material, people):
    client.force_login(people["member"])
    response = client.post(
        material.url,
        {"minutes": "45", "studied_on": timezone.localdate().isoformat(), "reflection": "深受教育。"},
    )
    assert response.status_code == 302 and response["Location"] == material.url
    record = StudyRecord.objects.get()
    assert (record.member, record.minutes, record.reflection) == (people["own_member"], 45, "深受教育。")
    page = client.get(material.url)
    assert [r.pk for r in page.context["own_records"]] == [record.pk]
    assert _("Your records of this material") in html(page)
    # The same day again updates the day's record rather than adding one.
    client.post(material.url, {"minutes": "20", "studied_on": timezone.localdate().isoformat()})
    assert StudyRecord.objects.get().minutes == 20


@pytest.mark.parametrize("minutes", ["0", "601", "abc", "１２", "", "-5", "3.5"])
def test_bad_minutes_are_refused_with_a_clear_message_and_write_nothing(client, material, people, minutes):
    client.force_login(people["member"])
    response = client.post(material.url, {"minutes": minutes, "studied_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert _(MINUTES_ERROR) % {"max": 600} in html(response)
    assert not StudyRecord.objects.exists()


def test_a_future_date_and_an_oversized_reflection_are_refused(client, material, people):
    client.force_login(people["member"])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(material.url, {"minutes": "30", "studied_on": tomorrow})
    assert _("The study date cannot be in the future.") in html(response)
    response = client.post(material.url, {"minutes": "30", "studied_on": "2026-02-30"})
    assert _("Give the date as YYYY-MM-DD, e.g. 2026-03-08.") in html(response)
    response = client.post(
        material.url,
        {"minutes": "30", "studied_on": timezone.localdate().isoformat(), "reflection": "学" * 5001},
    )
    assert _("A reflection has at most %(max)d characters.") % {"max": 5000} in html(response)
    assert not StudyRecord.objects.exists()


def test_only_members_record_study(client, material, people):
    today = timezone.localdate().isoformat()
    client.force_login(people["outsider"])  # a login without a member record
    response = client.post(material.url, {"minutes": "30", "studied_on": today})
    assert response.status_code == 404  # members-only material is not there for them at all
    public = study(material.organisation, title="党章全文", visibility="public", category="constitution")
    response = client.post(public.url, {"minutes": "30", "studied_on": today})
    assert response.status_code == 200
    assert _("Only party members of the street can record their study.") in html(response)
    client.logout()
    response = client.post(public.url, {"minutes": "30", "studied_on": today})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not StudyRecord.objects.exists()


def test_a_member_outside_the_audience_cannot_record_members_only_material(client, site, street, people):
    material = study(street["community1"], title="第一社区内部学习材料", visibility="members")
    client.force_login(people["member2"])
    response = client.post(material.url, {"minutes": "30", "studied_on": timezone.localdate().isoformat()})
    assert response.status_code == 404
    assert not StudyRecord.objects.exists()


# Monthly summaries ---------------------------------------------------------------------------


def test_monthly_summaries_add_up_per_member_and_per_organisation(site, street, people):
    a = study(street["street"], title="党章学习第一讲", visibility="public")
    b = study(street["street"], title="党章学习第二讲", visibility="public")
    member = people["own_member"]  # branch 1 of community 1
    group_member = MemberFactory(organisation=street["group1"], name="小组党员乙")
    member2 = people["member2"].member  # branch 2 of community 2
    year = timezone.localdate().year - 1
    rows = [
        (member, a, dt.date(year, 1, 5), 30, "体会"),
        (member, b, dt.date(year, 1, 20), 40, ""),
        (member, a, dt.date(year, 2, 3), 50, ""),
        (group_member, a, dt.date(year, 1, 9), 20, "心得"),
        (member2, b, dt.date(year, 2, 14), 60, ""),
        (member2, b, dt.date(year - 1, 12, 31), 99, ""),  # another year: not counted
    ]
    for who, material, day, minutes, reflection in rows:
        StudyRecord.objects.create(
            member=who, material=material, studied_on=day, minutes=minutes, reflection=reflection
        )

    per_member = {
        (r["member__name"], r["month"].month): (r["records"], r["minutes"], r["reflections"])
        for r in queries.study_by_member_month(street["community1"], year)
    }
    assert per_member == {
        ("普通党员", 1): (2, 70, 1),
        ("普通党员", 2): (1, 50, 0),
        ("小组党员乙", 1): (1, 20, 1),
    }
    assert queries.member_study_months(member, year)[1]["minutes"] == 70

    per_org = {
        (c["organisation"].code, c["month"].month): (c["members"], c["records"], c["minutes"])
        for c in queries.study_by_organisation_month(street["street"], year)
    }
    assert per_org == {
        ("JD", 1): (2, 3, 90),
        ("JD", 2): (2, 2, 110),
        ("SQ1", 1): (2, 3, 90),
        ("SQ1", 2): (1, 1, 50),
        ("SQ2", 2): (1, 1, 60),
    }
    assert sum(v[2] for (code, _m), v in per_org.items() if code != "JD") == sum(
        v[2] for (code, _m), v in per_org.items() if code == "JD"
    )


def test_the_date_input_shows_today_as_its_default(client, material, people):
    """A date input shows only an ISO value: today must not be rendered in the zh-hans 2026/03/08."""
    client.force_login(people["member"])
    page = html(client.get(material.url))
    assert f'name="studied_on" value="{timezone.localdate().isoformat()}"' in page
