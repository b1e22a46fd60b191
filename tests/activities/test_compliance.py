"""三会一课 compliance: meetings held against the street's requirements per period, members' 学时
pro rata, who may see it, the export, and the monthly flags to secretaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from celery.signals import task_postrun
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities import services as activity_services
from activities.compliance import Period, periods, pro_rata, requirements_for
from activities.models import (
    Activity,
    ActivityKind,
    ActivityState,
    ComplianceFlag,
    Eligibility,
    MeetingRequirement,
    MeetingType,
    StudyRequirement,
)
from inbox.models import FanOut
from orgchart.models import OrgKind
from tests.celery_worker import wait_for
from tests.factories.orgchart import MemberFactory, UserFactory, make_org, make_post_holder
from volunteers.compliance import compliance, compliance_workbook, flag_behind_branches
from volunteers.models import SignUp, SignUpStatus

pytestmark = pytest.mark.django_db

T = MeetingType
YEAR = 2025


def meeting(
    org, meeting_type, day: dt.date, people=(), hours: int = 2, *, kind=ActivityKind.ORGANISATION_LIFE
):
    """A done meeting of `org` on `day`, everyone in `people` checked in and credited `hours`."""
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    activity = activity_services.create_activity(
        actor=None,
        organiser=org,
        open_now=True,
        kind=kind,
        meeting_type=meeting_type if kind == ActivityKind.ORGANISATION_LIFE else "",
        title=f"{org.name}{meeting_type}",
        place="党员活动室",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        capacity=100,
        eligibility=Eligibility.SUBTREE,
    )
    SignUp.objects.bulk_create(
        [
            SignUp(
                activity=activity,
                person=user,
                status=SignUpStatus.CONFIRMED,
                confirmed_at=starts,
                checked_in_at=starts,
                hours=activity.length_hours,
            )
            for user in people
        ]
    )
    Activity.objects.filter(pk=activity.pk).update(state=ActivityState.DONE)
    return activity


def members(branch, n: int, prefix: str) -> list:
    users = []
    for i in range(n):
        user = UserFactory(username=f"{prefix}{i}")
        MemberFactory(organisation=branch, user=user, name=f"{prefix}党员{i}")
        users.append(user)
    return users


def full_quarter(street, people, months=(1, 2, 3)):
    """Branch 1 of `street` holds everything due in Q1 of YEAR; `people` attend the theme days (3 h)."""
    branch, group = street["branch1"], street["group1"]
    for month in months:
        meeting(branch, T.COMMITTEE_MEETING, dt.date(YEAR, month, 5))
        meeting(branch, T.THEME_DAY, dt.date(YEAR, month, 10), people, hours=3)
        meeting(group, T.GROUP_MEETING, dt.date(YEAR, month, 12))
    meeting(branch, T.MEMBERS_MEETING, dt.date(YEAR, 2, 20))


def branch1(result):
    return next(b for b in result.branches if b.branch.code == "SQ1-ZB1")


# Periods and figures ------------------------------------------------------------------------


def test_periods_started_so_far_and_finished_ones_per_period_type():
    as_of = dt.date(YEAR, 5, 15)
    months = periods(Period.MONTH, YEAR, as_of)
    quarters = periods(Period.QUARTER, YEAR, as_of)
    years = periods(Period.YEAR, YEAR, as_of)
    assert [p.key for p in months] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    assert [p.finished(as_of) for p in months] == [True, True, True, True, False]
    assert [p.key for p in quarters] == ["2025-Q1", "2025-Q2"]
    assert [p.finished(as_of) for p in quarters] == [True, False]
    assert [p.key for p in years] == ["2025"] and not years[0].finished(as_of)
    assert years[0].finished(dt.date(YEAR + 1, 1, 1))
    # A month ends when the next begins: on 1 June May is finished.
    assert periods(Period.MONTH, YEAR, dt.date(YEAR, 6, 1))[4].finished(dt.date(YEAR, 6, 1))


def test_study_hours_are_required_pro_rata_to_date():
    assert pro_rata(Decimal("32"), YEAR, dt.date(YEAR, 7, 2)) == Decimal("16.0")  # 183 of 365 days
    assert pro_rata(Decimal("32"), YEAR, dt.date(YEAR, 12, 31)) == Decimal("32.0")
    assert pro_rata(Decimal("32"), 2024, dt.date(2024, 12, 31)) == Decimal("32.0")  # leap year
    assert pro_rata(Decimal("32"), YEAR, dt.date(YEAR, 1, 1)) == Decimal("0.1")


def test_defaults_come_from_domain_until_the_street_sets_its_own(street):
    reqs = requirements_for(street["branch1"])
    by_type = {r.meeting_type: (r.org_kind, r.count, r.period) for r in reqs.meetings}
    assert by_type[T.MEMBERS_MEETING] == ("branch", 1, "quarter")
    assert by_type[T.COMMITTEE_MEETING] == ("branch", 1, "month")
    assert by_type[T.GROUP_MEETING] == ("group", 1, "month")
    assert by_type[T.THEME_DAY] == ("branch", 1, "month")
    assert by_type[T.PARTY_LECTURE] == ("branch", 1, "year")
    assert by_type[T.LIFE_MEETING] == ("branch", 1, "year")
    assert reqs.study_hours == Decimal("32")
    activity_services.ensure_requirements(street["street"])
    activity_services.ensure_requirements(street["street"])  # idempotent
    assert MeetingRequirement.objects.count() == 6 and StudyRequirement.objects.count() == 1
    MeetingRequirement.objects.filter(meeting_type=T.PARTY_LECTURE).update(period=Period.QUARTER)
    StudyRequirement.objects.update(hours_per_year=Decimal("56"))
    reqs = requirements_for(street["branch1"])
    assert {r.meeting_type: r.period for r in reqs.meetings}[T.PARTY_LECTURE] == "quarter"
    assert reqs.study_hours == Decimal("56")


# Behind or not ------------------------------------------------------------------------------


def test_branch_that_held_everything_due_is_not_behind(street):
    people = members(street["branch1"], 3, "a")
    full_quarter(street, people)
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    assert not item.behind, item.reasons()
    assert item.hours_to_date == Decimal("8.0") and item.average_hours == Decimal("9.0")
    lecture = next(line for line in item.lines if line.requirement.meeting_type == T.PARTY_LECTURE)
    assert [c.status for c in lecture.cells] == ["pending"]  # the year is not over


def test_a_short_finished_month_makes_the_branch_behind(street):
    people = members(street["branch1"], 2, "b")
    full_quarter(street, people)
    Activity.objects.filter(meeting_type=T.COMMITTEE_MEETING, starts_at__month=2).delete()
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    assert item.behind and item.meetings_behind and not item.study_behind
    committee = next(line for line in item.lines if line.requirement.meeting_type == T.COMMITTEE_MEETING)
    assert [c.status for c in committee.cells] == ["ok", "short", "ok", "pending"]
    assert any("2025-02" in reason for reason in item.reasons())


def test_the_period_in_progress_is_pending_not_behind(street):
    people = members(street["branch1"], 2, "c")
    full_quarter(street, people, months=(1, 2))  # the members' meeting (Q1) held in February
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 3, 15)))
    committee = next(line for line in item.lines if line.requirement.meeting_type == T.COMMITTEE_MEETING)
    assert [c.status for c in committee.cells] == ["ok", "ok", "pending"]
    assert not item.meetings_behind


def test_quarterly_meeting_missing_at_quarter_end_is_behind(street):
    people = members(street["branch1"], 2, "d")
    full_quarter(street, people)
    Activity.objects.filter(meeting_type=T.MEMBERS_MEETING).delete()
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    assert any("2025-Q1" in reason for reason in item.reasons())


def test_yearly_meeting_missing_when_the_year_is_over_is_behind(street):
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 12, 31)))
    lecture = next(line for line in item.lines if line.requirement.meeting_type == T.PARTY_LECTURE)
    assert lecture.cells[0].status == "pending"
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR + 1, 1, 1)))
    lecture = next(line for line in item.lines if line.requirement.meeting_type == T.PARTY_LECTURE)
    assert lecture.cells[0].status == "short" and item.behind


def test_each_party_group_must_hold_its_meetings(street):
    people = members(street["branch1"], 2, "e")
    full_quarter(street, people)
    second = make_org(street["branch1"], OrgKind.GROUP, name="第二党小组", code="SQ1-ZB1-XZ2")
    for month in (1, 2):
        meeting(second, T.GROUP_MEETING, dt.date(YEAR, month, 12))
        meeting(street["group1"], T.GROUP_MEETING, dt.date(YEAR, month, 13))  # two for group 1
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    groups = next(line for line in item.lines if line.requirement.meeting_type == T.GROUP_MEETING)
    march = groups.cells[2]
    assert (march.held, march.required, march.short_groups, march.status) == (1, 2, 1, "short")
    # Group 1's extra meetings in January do not stand in for group 2 in March.
    assert groups.cells[0].status == "ok" and item.behind


def test_requirement_set_to_zero_is_not_required(street):
    people = members(street["branch1"], 2, "f")
    full_quarter(street, people)
    Activity.objects.filter(meeting_type=T.THEME_DAY, starts_at__month=3).delete()
    activity_services.ensure_requirements(street["street"])
    MeetingRequirement.objects.filter(meeting_type=T.THEME_DAY).update(count=0)
    meeting(street["branch1"], T.PARTY_LECTURE, dt.date(YEAR, 3, 20), people, hours=3)
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    assert T.THEME_DAY not in {line.requirement.meeting_type for line in item.lines}
    assert not item.behind, item.reasons()


def test_meetings_not_done_or_of_another_organisation_do_not_count(street):
    branch = street["branch1"]
    meeting(branch, T.COMMITTEE_MEETING, dt.date(YEAR, 1, 5))
    Activity.objects.filter(organiser=branch).update(state=ActivityState.CANCELLED)
    meeting(street["community1"], T.COMMITTEE_MEETING, dt.date(YEAR, 1, 6))  # the committee above
    meeting(street["group1"], T.COMMITTEE_MEETING, dt.date(YEAR, 1, 7))  # a group, not the branch
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 2, 1)))
    committee = next(line for line in item.lines if line.requirement.meeting_type == T.COMMITTEE_MEETING)
    assert committee.cells[0].held == 0 and committee.cells[0].status == "short"


def test_average_study_hours_under_pro_rata_makes_the_branch_behind(street):
    people = members(street["branch1"], 2, "g")
    full_quarter(street, people[:1])  # one of two attends: average 4.5 against 8.0
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    assert not item.meetings_behind and item.study_behind and item.behind
    assert sorted(m.hours for m in item.members) == [Decimal("0"), Decimal("9")]


def test_study_hours_count_organisation_life_and_home_study_only(street):
    user = members(street["group1"], 1, "h")[0]  # a member of the branch's party group
    meeting(street["branch1"], T.THEME_DAY, dt.date(YEAR, 1, 10), [user], hours=3)
    meeting(street["community1"], "", dt.date(YEAR, 1, 11), [user], hours=2, kind=ActivityKind.HOME_STUDY)
    meeting(
        street["community1"], "", dt.date(YEAR, 1, 12), [user], hours=4, kind=ActivityKind.VOLUNTEER_SERVICE
    )
    meeting(street["branch1"], T.THEME_DAY, dt.date(YEAR - 1, 12, 10), [user], hours=5)  # last year
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    assert [(m.name, m.hours) for m in item.members] == [("h党员0", Decimal("5"))]


def test_members_who_left_do_not_count(street):
    people = members(street["branch1"], 2, "i")
    full_quarter(street, people[:1])
    from orgchart.models import Member

    Member.objects.filter(user=people[1]).update(left_on=dt.date(YEAR, 1, 2))
    item = branch1(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 4, 1)))
    assert len(item.members) == 1 and not item.study_behind


# Speed --------------------------------------------------------------------------------------


def _communities(street, n: int) -> None:
    for c in range(n):
        community = make_org(street["street"], OrgKind.COMMUNITY, code=f"Q{n}-{c}")
        branch = make_org(community, OrgKind.BRANCH, code=f"Q{n}-{c}-ZB")
        group = make_org(branch, OrgKind.GROUP, code=f"Q{n}-{c}-XZ")
        people = members(branch, 2, f"q{n}-{c}-")
        for month in (1, 2):
            meeting(branch, T.COMMITTEE_MEETING, dt.date(YEAR, month, 5), people)
            meeting(group, T.GROUP_MEETING, dt.date(YEAR, month, 6), people[:1])


@pytest.mark.parametrize("scale", [1, 10])
def test_subtree_compliance_takes_six_queries_whatever_the_size(street, django_assert_num_queries, scale):
    _communities(street, scale)
    with django_assert_num_queries(6):
        result = compliance(street["street"], YEAR, as_of=dt.date(YEAR, 3, 1))
        assert len(result.branches) == scale + 2
        assert all(b.reasons() is not None for b in result.branches)


# Pages --------------------------------------------------------------------------------------


def test_member_is_refused_the_compliance_pages(client, street, roles):
    client.force_login(roles["member"])
    assert client.get(reverse("volunteers:compliance")).status_code == 403
    assert client.get(reverse("volunteers:compliance_export")).status_code == 403
    assert client.get(reverse("volunteers:compliance_branch", args=[street["branch1"].pk])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, street):
    response = client.get(reverse("volunteers:compliance"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_community_secretary_sees_only_their_branches(client, street, roles):
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("volunteers:compliance"), {"year": YEAR})
    assert page.status_code == 200
    body = page.content.decode()
    assert street["branch1"].name in body and street["branch2"].name not in body
    assert client.get(reverse("volunteers:compliance"), {"org": street["community2"].pk}).status_code == 404
    assert client.get(reverse("volunteers:compliance"), {"org": street["street"].pk}).status_code == 404
    other = reverse("volunteers:compliance_branch", args=[street["branch2"].pk])
    assert client.get(other).status_code == 404
    own = client.get(reverse("volunteers:compliance_branch", args=[street["branch1"].pk]), {"year": YEAR})
    assert own.status_code == 200 and "普通党员" in own.content.decode()


def test_street_secretary_sees_every_branch_with_cells(client, street, roles):
    meeting(street["branch2"], T.COMMITTEE_MEETING, dt.date(YEAR, 1, 5))
    client.force_login(roles["street_secretary"])
    page = client.get(reverse("volunteers:compliance"), {"year": YEAR})
    body = page.content.decode()
    assert street["branch1"].name in body and street["branch2"].name in body
    assert 'data-status="short"' in body and 'data-status="ok"' in body
    assert page.context["result"].year == YEAR


def test_bad_year_falls_back_to_this_year(client, street, roles):
    client.force_login(roles["street_secretary"])
    for value in ("abc", "1066", "99999"):
        page = client.get(reverse("volunteers:compliance"), {"year": value})
        assert page.status_code == 200 and page.context["result"].year == timezone.localdate().year
    assert client.get(reverse("volunteers:compliance"), {"org": "x"}).status_code == 404


def test_export_writes_a_formula_looking_name_as_text(client, street, roles):
    user = UserFactory(username="formula")
    MemberFactory(organisation=street["branch1"], user=user, name='=HYPERLINK("http://x","y")')
    meeting(street["branch1"], T.THEME_DAY, dt.date(YEAR, 1, 10), [user], hours=3)
    client.force_login(roles["community_secretary"])
    response = client.get(reverse("volunteers:compliance_export"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(b"".join(response)))
    assert len(book.sheetnames) == 3
    names = [row for row in book.worksheets[2].iter_rows(min_row=2)]
    cell = next(row[1] for row in names if row[1].value == '=HYPERLINK("http://x","y")')
    assert cell.data_type == "s"
    assert [row[0].value for row in book.worksheets[0].iter_rows(min_row=2)] == [street["branch1"].name]


def test_workbook_lists_meeting_cells(street):
    meeting(street["branch1"], T.COMMITTEE_MEETING, dt.date(YEAR, 1, 5))
    content = compliance_workbook(compliance(street["street"], YEAR, as_of=dt.date(YEAR, 2, 1)))
    rows = list(load_workbook(BytesIO(content)).worksheets[1].values)
    committee = [r for r in rows if r[0] == street["branch1"].name and r[2] == "2025-01" and r[3] == 1]
    assert committee


# Admin --------------------------------------------------------------------------------------


def test_street_edits_its_requirements_in_the_admin(client, street, roles):
    client.force_login(roles["street_secretary"])
    page = client.get(reverse("sanhui_meetings:index"))
    assert page.status_code == 200 and MeetingRequirement.objects.filter(street=street["street"]).count() == 6
    row = MeetingRequirement.objects.get(meeting_type=T.PARTY_LECTURE)
    response = client.post(
        reverse("sanhui_meetings:edit", args=[row.pk]), {"count": "1", "period": "quarter"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.period == "quarter"
    assert client.get(reverse("sanhui_study:index")).status_code == 200
    study = StudyRequirement.objects.get(street=street["street"])
    client.post(reverse("sanhui_study:edit", args=[study.pk]), {"hours_per_year": "40"})
    study.refresh_from_db()
    assert study.hours_per_year == Decimal("40")


def test_admin_menu_links_the_compliance_page_for_managers(client, street, roles):
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("wagtailadmin_home"))
    assert reverse("volunteers:compliance") in page.content.decode()


def test_community_secretary_cannot_edit_the_streets_requirements(client, street, roles):
    activity_services.ensure_requirements(street["street"])
    row = MeetingRequirement.objects.first()
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("sanhui_meetings:edit", args=[row.pk])).status_code in (302, 403, 404)
    client.post(reverse("sanhui_meetings:edit", args=[row.pk]), {"count": "9", "period": "month"})
    row.refresh_from_db()
    assert row.count == 1
    with pytest.raises(activity_services.PermissionDenied):
        activity_services.save_requirement(row, actor=roles["community_secretary"], count=9)


# Flags --------------------------------------------------------------------------------------


def test_behind_branch_is_flagged_once_to_its_and_the_streets_secretaries(street, roles):
    branch_secretary = make_post_holder(street["branch1"], "zhibu")
    people = members(street["branch2"], 1, "j")
    for month in (1, 2):  # branch 2 held everything due in January and February
        meeting(street["branch2"], T.COMMITTEE_MEETING, dt.date(YEAR, month, 5))
        meeting(street["branch2"], T.THEME_DAY, dt.date(YEAR, month, 10), people, hours=9)
        meeting(street["group2"], T.GROUP_MEETING, dt.date(YEAR, month, 12))
    first = flag_behind_branches(dt.date(YEAR, 3, 1))
    assert first == [street["branch1"].pk]
    fanout = FanOut.objects.get()
    assert fanout.cause_key == f"sanhui:{street['branch1'].pk}:2025-02"
    assert set(fanout.recipient_ids) == {branch_secretary.pk, roles["street_secretary"].pk}
    assert flag_behind_branches(dt.date(YEAR, 3, 1)) == []
    assert flag_behind_branches(dt.date(YEAR, 3, 20)) == []  # polled daily: once per month
    assert FanOut.objects.count() == 1 and ComplianceFlag.objects.count() == 1
    assert street["branch1"].pk in flag_behind_branches(dt.date(YEAR, 4, 1))  # still behind: next month
    assert FanOut.objects.filter(cause_key=f"sanhui:{street['branch1'].pk}:2025-03").count() == 1


@pytest.mark.django_db(transaction=True)
def test_flag_task_on_a_real_worker_run_twice_notifies_once(celery_worker):
    from volunteers.tasks import flag_behind_branches as task

    root = make_org(None, OrgKind.STREET, code="F-JD")
    community = make_org(root, OrgKind.COMMUNITY, code="F-SQ")
    branch = make_org(community, OrgKind.BRANCH, code="F-ZB")
    secretary = make_post_holder(branch, "f-zhibu")
    runs: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == task.name:
            runs.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-sanhui-flags")
    try:
        task.delay()
        task.delay()
        assert wait_for(lambda: len(runs) == 2)
        assert wait_for(lambda: FanOut.objects.filter(status="done").exists())
    finally:
        task_postrun.disconnect(dispatch_uid="test-sanhui-flags")
    assert sorted(map(len, runs)) == [0, 1]
    assert ComplianceFlag.objects.filter(organisation=branch).count() == 1
    fanout = FanOut.objects.get()
    assert fanout.recipient_ids == [secretary.pk]
    assert fanout.cause_key.startswith(f"sanhui:{branch.pk}:")
