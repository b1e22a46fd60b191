"""实干型 and 和谐型 figures from portal data: activities organised, research and home visits,
volunteer hours, 三会一课 compliance of the community's branches, notices read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from activities.models import ActivityKind, ActivityState, MeetingRequirement, MeetingType, StudyRequirement
from assessments.evidence import DateSpan, compute_all, year_period
from orgchart.models import OrgKind, Post, PostTitle, Tenure
from portal.models import NoticeRead
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from volunteers.models import SignUpStatus

from .support import activity, at, credit, notice, secretary

pytestmark = pytest.mark.django_db

D = dt.date
K = ActivityKind


@pytest.fixture
def handover(street):
    """Community 1: A until 30 June 2025, vacant in July, B from 1 August; community 2: C all along."""
    a = secretary(street["community1"], street["branch1"], D(2024, 3, 1), D(2025, 6, 30))
    b = secretary(street["community1"], street["branch1"], D(2025, 8, 1))
    c = secretary(street["community2"], street["branch2"], D(2024, 1, 1))
    return a, b, c


def figures(street, key, **kwargs):
    found = compute_all(street["street"], *year_period(2025), keys=[key], **kwargs)
    return {user_id: person.figures[key] for user_id, person in found.secretaries.items()}


def test_activities_organised_count_done_ones_of_the_community_subtree_while_in_post(street, handover):
    a, b, c = handover
    clean_up = activity(street["group1"], at(D(2025, 3, 8)), title="环境整治")
    pioneer = activity(street["community1"], at(D(2025, 5, 1)), kind=K.PIONEER, title="先锋行")
    activity(street["branch1"], at(D(2025, 4, 1)), state=ActivityState.CANCELLED)
    activity(street["branch1"], at(D(2025, 4, 2)), state=ActivityState.CLOSED)  # never marked done
    activity(street["branch1"], at(D(2025, 4, 3)), kind=K.ORGANISATION_LIFE)  # judged by 三会一课
    activity(street["branch2"], at(D(2025, 4, 4)))  # community 2's
    # 30 June 16:30 UTC is 1 July 00:30 in Shanghai: the vacant month, nobody's.
    activity(street["branch1"], dt.datetime(2025, 6, 30, 16, 30, tzinfo=dt.UTC))
    autumn = activity(street["branch1"], at(D(2025, 10, 1)), kind=K.LARGE_EVENT)

    found = figures(street, "activities_organised")
    first = found[a.user_id]
    assert [(i.id, i.title, i.date) for i in first.evidence] == [
        (clean_up.pk, "环境整治", D(2025, 3, 8)),
        (pioneer.pk, "先锋行", D(2025, 5, 1)),
    ]
    assert first.detail["by_kind"] == {"volunteer_service": 1, "pioneer": 1}
    assert (first.value, first.target) == (2, 6)  # 12 a year, 6 months in post
    assert first.score_ratio == pytest.approx(2 / 6)
    assert [i.id for i in found[b.user_id].evidence] == [autumn.pk]
    assert found[b.user_id].target == 5
    assert found[c.user_id].value == 1


def test_research_and_home_visits_of_the_community_and_of_the_secretary_checked_in(street, handover):
    a, b, c = handover
    visit = activity(street["branch1"], at(D(2025, 2, 3)), kind=K.RESEARCH_VISIT, title="走访")
    door = activity(street["branch2"], at(D(2025, 3, 4)), kind=K.HOME_STUDY, title="上门送学")
    credit(door, [a.user, c.user])  # A went along to community 2's home study, checked in
    signed_only = activity(street["branch2"], at(D(2025, 3, 5)), kind=K.HOME_STUDY)
    credit(signed_only, [a.user], checked_in=False)
    activity(street["branch1"], at(D(2025, 9, 9)), kind=K.RESEARCH_VISIT, state=ActivityState.CANCELLED)

    found = figures(street, "research_visits")
    first = found[a.user_id]
    assert [(i.kind, i.id, i.date) for i in first.evidence] == [
        ("activity", visit.pk, D(2025, 2, 3)),
        ("visit", door.pk, D(2025, 3, 4)),
    ]
    assert first.detail["by_kind"] == {"research_visit": 1, "home_study": 1}
    assert found[b.user_id].value == 0
    assert found[b.user_id].missing == ["No research or home visit over the period"]
    # C's own community organised both home studies; the one C checked in to counts once.
    assert sorted(i.id for i in found[c.user_id].evidence) == [door.pk, signed_only.pk]


def test_volunteer_hours_credited_in_the_community_with_people_counted(street, handover):
    a, b, c = handover
    people = [UserFactory(username=f"zy{i}") for i in range(3)]
    spring = activity(street["branch1"], at(D(2025, 4, 5)), title="春季义诊")
    credit(spring, people[:2], "2.5")
    summer = activity(street["group1"], at(D(2025, 6, 7)))
    credit(summer, people[1:], "1")
    credit(summer, [UserFactory(username="waiting")], "3", status=SignUpStatus.WAITING)  # not credited
    autumn = activity(street["community1"], at(D(2025, 9, 1)))
    credit(autumn, people[:1], "4")
    credit(activity(street["branch2"], at(D(2025, 9, 1))), people, "1")

    found = figures(street, "volunteer_hours")
    first = found[a.user_id]
    assert first.value == pytest.approx(7.0)
    assert first.detail["people"] == 3
    assert [(i.id, i.extra) for i in first.evidence] == [
        (spring.pk, {"hours": 5.0, "people": 2}),
        (summer.pk, {"hours": 2.0, "people": 2}),
    ]
    # No yearly target by default: judged against the street's best (A's 7 hours).
    assert first.target is None and first.score_ratio == 1.0
    assert found[b.user_id].value == pytest.approx(4.0)
    assert found[b.user_id].score_ratio == pytest.approx(4 / 7)
    assert found[c.user_id].value == pytest.approx(3.0)


def test_volunteer_hours_against_a_yearly_target_when_one_is_given(street, handover):
    a, _b, _c = handover
    credit(activity(street["branch1"], at(D(2025, 4, 5))), [UserFactory(username="p")], "3")
    found = figures(street, "volunteer_hours", targets={"volunteer_hours": 12})
    assert found[a.user_id].target == 6
    assert found[a.user_id].score_ratio == pytest.approx(0.5)


@pytest.fixture
def monthly_committee_only(street):
    """The street asks only for a branch committee meeting a month, and no 学时."""
    for meeting_type in MeetingType.values:
        for kind in ("branch", "group"):
            count = 1 if (meeting_type, kind) == (MeetingType.COMMITTEE_MEETING, "branch") else 0
            MeetingRequirement.objects.create(
                street=street["street"], meeting_type=meeting_type, org_kind=kind, count=count, period="month"
            )
    StudyRequirement.objects.create(street=street["street"], hours_per_year=0)


def test_sanhui_share_of_branches_on_track_over_each_secretarys_months(
    street, handover, monthly_committee_only
):
    a, b, c = handover
    second_branch = make_org(street["community1"], OrgKind.BRANCH, name="第1社区第二党支部", code="SQ1-ZB2")
    for month in range(1, 7):  # branch 1 met every month of A's term, then stopped; branch 2 never
        activity(
            street["branch1"],
            at(D(2025, month, 10)),
            kind=K.ORGANISATION_LIFE,
            meeting_type=MeetingType.COMMITTEE_MEETING,
        )
    for month in range(1, 13):
        activity(
            street["branch2"],
            at(D(2025, month, 10)),
            kind=K.ORGANISATION_LIFE,
            meeting_type=MeetingType.COMMITTEE_MEETING,
        )

    with translation.override("en"):
        found = figures(street, "sanhui_compliance")
    first = found[a.user_id]
    assert (first.value, first.score_ratio) == (0.5, 0.5)
    assert first.detail == {"branches": 2, "on_track": 1}
    by_branch = {i.id: i.extra for i in first.evidence}
    assert by_branch[street["branch1"].pk]["on_track"] is True
    assert by_branch[second_branch.pk]["reasons"] == [
        f"Branch committee meeting 2025-{m:02d}: 0 held, 1 required" for m in range(1, 7)
    ]
    # B (August to December) answers for branch 1's missed months of their own term only.
    second = found[b.user_id]
    assert second.value == 0.0
    reasons = {i.id: i.extra["reasons"] for i in second.evidence}
    assert reasons[street["branch1"].pk] == [
        f"Branch committee meeting 2025-{m:02d}: 0 held, 1 required" for m in range(8, 13)
    ]
    assert "第1社区第二党支部: Branch committee meeting 2025-08: 0 held, 1 required" in second.missing
    assert found[c.user_id].value == 1.0 and found[c.user_id].missing == []


def test_notices_published_by_the_community_and_the_share_of_their_audience_that_read_them(
    street, site, handover
):
    a, b, c = handover
    readers = [MemberFactory(organisation=street["group1"]) for _ in range(3)]
    MemberFactory(organisation=street["branch1"], left_on=D(2025, 1, 1))  # gone: not in the audience
    # Community 1's subtree: A, B and the three readers are active members.
    whole = notice(street["community1"], title="全体党员通知", published=at(D(2025, 3, 1)))
    for member in readers[:2]:
        NoticeRead.objects.create(notice=whole, member=member)
    NoticeRead.objects.create(notice=whole, member=c)  # read by someone outside the audience
    to_group = notice(
        street["community1"], title="小组通知", published=at(D(2025, 4, 1)), audience=[street["group1"]]
    )
    unread = notice(street["branch1"], title="支部通知", published=at(D(2025, 5, 1)))
    notice(
        street["street"], title="街道通知", published=at(D(2025, 3, 2))
    )  # the street's, not the community's
    later = notice(street["community1"], title="秋季通知", published=at(D(2025, 9, 1)))
    NoticeRead.objects.create(notice=later, member=b)

    found = figures(street, "notices_read")
    first = found[a.user_id]
    assert [(i.id, i.title, i.date, i.extra["audience"], i.extra["readers"]) for i in first.evidence] == [
        (whole.pk, "全体党员通知", D(2025, 3, 1), 5, 2),
        (to_group.pk, "小组通知", D(2025, 4, 1), 3, 0),
        (unread.pk, "支部通知", D(2025, 5, 1), 5, 0),
    ]
    assert first.value == pytest.approx(2 / 13, abs=1e-4)
    assert first.score_ratio == pytest.approx(2 / 13)
    assert first.detail == {"notices": 3, "audience": 13, "readers": 2}
    assert "Nobody in the audience has read “小组通知”" in first.missing
    assert [i.id for i in found[b.user_id].evidence] == [later.pk]
    assert found[b.user_id].value == pytest.approx(0.2)
    assert found[c.user_id].missing == ["No notice published by the community over the period"]


def test_a_secretary_of_two_communities_is_credited_with_both_for_their_own_terms(street):
    both = secretary(street["community2"], street["branch2"], D(2024, 1, 1))
    post = Post.objects.create(organisation=street["community1"], title=PostTitle.SECRETARY)
    Tenure.objects.create(post=post, member=both, started_on=D(2025, 1, 1), ended_on=D(2025, 3, 31))
    february = activity(street["branch1"], at(D(2025, 2, 2)))
    activity(street["branch1"], at(D(2025, 5, 5)))  # community 1 after their term
    june = activity(street["branch2"], at(D(2025, 6, 6)))

    found = compute_all(street["street"], *year_period(2025), keys=["activities_organised"])
    (person,) = found.secretaries.values()
    assert person.community_id == street["community2"].pk  # where they served longest
    assert [s.community_id for s in person.stints] == [street["community1"].pk, street["community2"].pk]
    assert [i.id for i in person.figures["activities_organised"].evidence] == [february.pk, june.pk]
    assert person.figures["activities_organised"].target == 12
    assert found.vacancies[street["community1"].pk] == [DateSpan(D(2025, 4, 1), D(2025, 12, 31))]


def test_study_hours_behind_are_answered_for_by_the_secretary_in_post_at_the_end(street, handover):
    a, b, _c = handover
    for meeting_type in MeetingType.values:
        for kind in ("branch", "group"):
            MeetingRequirement.objects.create(
                street=street["street"], meeting_type=meeting_type, org_kind=kind, count=0, period="month"
            )
    with translation.override("en"):
        found = figures(street, "sanhui_compliance")  # default 32 学时 a year, nobody has any
    assert found[a.user_id].value == 1.0
    assert found[b.user_id].value == 0.0
    assert found[b.user_id].evidence[0].extra["reasons"] == ["Average study hours 0.0, 32.0 required to date"]


def test_a_period_across_two_years_costs_the_compliance_queries_once_more(street, handover, site):
    queries = 20 + 6  # 三会一课 is judged per calendar year
    notice(street["community1"], published=at(D(2025, 12, 24)))  # without notices, 3 queries fewer
    with CaptureQueriesContext(connection) as captured:
        found = compute_all(street["street"], D(2025, 12, 1), D(2026, 1, 31))
    assert len(captured.captured_queries) == queries
    assert set(found.secretaries) == {handover[1].user_id, handover[2].user_id}
