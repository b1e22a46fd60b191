"""The member's own report-in page (/cobuilding/me/report-in/): an employed member reports in,
sees their open report-in with this year's hours, ends it with a confirmation; others are told
why they need none; bad input is a 400 that writes nothing; linked from /orgchart/me/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from cobuilding import services
from cobuilding.models import ReportIn
from orgchart.models import MemberCategory, OrgKind
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from tests.factories.volunteers import make_activity
from volunteers.models import SignUp, SignUpStatus

pytestmark = pytest.mark.django_db

URL = "/cobuilding/me/report-in/"


@pytest.fixture
def employed(street, units):
    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    return MemberFactory(
        organisation=branch,
        category=MemberCategory.EMPLOYED,
        user=UserFactory(username="zaizhi"),
        name="在职党员",
    )


@pytest.fixture
def signed_in(client, employed):
    client.force_login(employed.user)
    return client


def _post(client, **data):
    with translation.override("en"):
        return client.post(URL, data)


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_employed_member_sees_the_form_with_their_streets_communities(signed_in, street):
    other_street = make_org(None, OrgKind.STREET, name="别的街道", code="QTJD")
    make_org(other_street, OrgKind.COMMUNITY, name="别的社区", code="QTJD-SQ1")
    with translation.override("en"):
        response = signed_in.get(URL)
    assert response.status_code == 200
    assert response.context["communities"] == [street["community1"], street["community2"]]
    html = response.content.decode()
    assert 'data-testid="report-form"' in html and "别的社区" not in html
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
    body = html.split('data-testid="member-report-in"')[1].split("<footer")[0]
    assert "style=" not in body and "<script" not in html.replace('<script src="/static/', "")


def test_employed_member_reports_in_then_sees_it_with_hours(signed_in, street, employed):
    day = timezone.localdate() - dt.timedelta(days=3)
    response = _post(
        signed_in, action="report", community=street["community1"].pk, skills=" 急救培训 ", reported_on=day
    )
    assert response.status_code == 302 and response["Location"] == URL
    report = ReportIn.objects.get()
    assert (report.member, report.community, report.skills, report.reported_on) == (
        employed,
        street["community1"],
        "急救培训",
        day,
    )
    activity = make_activity(street["community1"])
    starts_at = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9)))
    type(activity).objects.filter(pk=activity.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), signup_deadline=None
    )
    SignUp.objects.create(
        activity=activity, person=employed.user, status=SignUpStatus.CONFIRMED, hours=Decimal("2.5")
    )
    with translation.override("en"):
        response = signed_in.get(URL)
    assert response.status_code == 200
    assert response.context["current"] == report
    assert response.context["hours"] == Decimal("2.5")
    html = response.content.decode()
    assert "第1社区党委" in html and "急救培训" in html and 'data-testid="end-form"' in html


def test_report_in_defaults_to_today(signed_in, street):
    response = _post(signed_in, action="report", community=street["community2"].pk)
    assert response.status_code == 302
    assert ReportIn.objects.get().reported_on == timezone.localdate()


@pytest.mark.parametrize(
    "data",
    [
        {"community": None},
        {"community": ""},
        {"community": "abc"},
        {"community": "99999999"},
        {"community": "1" * 40},
        {"reported_on": "tomorrow"},
        {"reported_on": "future"},
        {"skills": "技" * 201},
        {"reported_on": "2020-02-31"},
    ],
    ids=[
        "nothing",
        "empty",
        "junk",
        "unknown",
        "huge",
        "bad-date",
        "future",
        "skills-too-long",
        "no-such-day",
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(signed_in, street, data):
    form = {"action": "report", "community": str(street["community1"].pk), **data}
    form = {key: value for key, value in form.items() if value is not None}
    if form.get("reported_on") == "future":
        form["reported_on"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _post(signed_in, **form)
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not ReportIn.objects.exists()


def test_forged_community_of_another_street_or_a_branch_is_refused(signed_in, street):
    other_street = make_org(None, OrgKind.STREET, name="别的街道", code="QTJD")
    foreign = make_org(other_street, OrgKind.COMMUNITY, name="别的社区", code="QTJD-SQ1")
    for forged in (foreign, street["branch1"], street["street"], street["union"]):
        assert _post(signed_in, action="report", community=forged.pk).status_code == 400
    assert not ReportIn.objects.exists()


def test_refusal_names_the_field(signed_in, street):
    response = _post(signed_in, action="report", community="")
    assert response.status_code == 400
    assert response.context["form"].errors["community"] == ["请选择您居住地所在的社区。"]


def test_second_report_in_is_refused_by_the_service(signed_in, street, employed):
    services.report_in(actor=None, member=employed, community=street["community1"])
    response = _post(signed_in, action="report", community=street["community2"].pk)
    assert response.status_code == 400
    assert ReportIn.objects.count() == 1


def test_ending_needs_the_confirmation_and_a_past_date(signed_in, street, employed):
    report = services.report_in(
        actor=None, member=employed, community=street["community1"], reported_on=timezone.localdate()
    )
    assert _post(signed_in, action="end").status_code == 400
    future = timezone.localdate() + dt.timedelta(days=1)
    assert _post(signed_in, action="end", confirm="on", ended_on=future.isoformat()).status_code == 400
    before = report.reported_on - dt.timedelta(days=1)
    assert _post(signed_in, action="end", confirm="on", ended_on=before.isoformat()).status_code == 400
    report.refresh_from_db()
    assert report.ended_on is None
    response = _post(signed_in, action="end", confirm="on")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.ended_on == timezone.localdate()
    # Nothing open any more: the form to report in again, and ending again is a 400.
    assert "communities" in signed_in.get(URL).context
    assert _post(signed_in, action="end", confirm="on").status_code == 400


def test_ending_touches_only_ones_own_report_in(signed_in, street, employed, units):
    other = MemberFactory(
        organisation=employed.organisation, category=MemberCategory.EMPLOYED, user=UserFactory(username="x2")
    )
    theirs = services.report_in(actor=None, member=other, community=street["community2"])
    assert _post(signed_in, action="end", confirm="on").status_code == 400
    theirs.refresh_from_db()
    assert theirs.ended_on is None


@pytest.mark.parametrize("category", [c for c in MemberCategory.values if c != MemberCategory.EMPLOYED])
def test_other_categories_are_told_no_report_in_is_needed(client, street, category):
    member = MemberFactory(organisation=street["branch1"], category=category, user=UserFactory())
    client.force_login(member.user)
    with translation.override("zh-hans"):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="not-employed"' in html and "属地管理" in html
    assert 'data-testid="report-form"' not in html
    response = client.post(URL, {"action": "report", "community": street["community1"].pk})
    assert response.status_code == 400
    assert not ReportIn.objects.exists()


def test_account_without_a_member_record(client, roles, street):
    client.force_login(roles["outsider"])
    response = client.get(URL)
    assert response.status_code == 200
    assert 'data-testid="no-record"' in response.content.decode()
    assert client.post(URL, {"community": street["community1"].pk}).status_code == 400
    assert not ReportIn.objects.exists()


def test_own_record_page_links_to_it_for_employed_members_only(client, employed, roles, street):
    client.force_login(employed.user)
    response = client.get("/orgchart/me/", follow=True)
    assert f'href="{URL}"' in response.content.decode()
    client.force_login(roles["member"])
    response = client.get("/orgchart/me/", follow=True)
    assert response.status_code == 200 and URL not in response.content.decode()
    # A secretary looking at the employed member's record sees no such link.
    client.force_login(roles["superuser"])
    assert URL not in client.get(f"/orgchart/members/{employed.pk}/").content.decode()
