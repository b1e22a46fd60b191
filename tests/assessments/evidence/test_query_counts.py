"""Every figure of every secretary in a number of queries that does not grow with the street."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import ActivityKind, MeetingType
from assessments.evidence import KEYS, compute_all, year_period
from orgchart.models import Organisation, OrgKind
from portal.models import NoticeRead
from portal.sections import sync_all_sections
from tests.factories.orgchart import MemberFactory, UserFactory, make_org

from .support import activity, at, credit, notice, record, result, secretary, study

pytestmark = pytest.mark.django_db

D = dt.date
# Secretaries and vacancies 2; study months 2; reports 1; activities 1; visits 2; hours 2;
# 三会一课 6 per calendar year; notices 4.
QUERIES_FOR_A_YEAR = 20


def populate(street, communities: list) -> None:
    """A secretary and a year of everything each indicator reads, in each of `communities`."""
    built = []
    for community in communities:
        branches = list(
            Organisation.objects.in_subtree(community).filter(depth=community.depth + 1, kind=OrgKind.BRANCH)
        )
        branch = branches[0] if branches else make_org(community, OrgKind.BRANCH)
        group = make_org(branch, OrgKind.GROUP)
        built.append((community, branch, group))
    sync_all_sections()
    for community, branch, group in built:
        sec = secretary(community, branch, D(2024, 1, 1))
        material = study(community)
        for month in (1, 5, 9):
            record(sec, material, D(2025, month, 3), reflection="体会" if month == 5 else "")
        result(community, kind="report", author=sec, published=at(D(2025, 6, 1)))
        person = UserFactory()
        reader = MemberFactory(organisation=group, user=person)
        credit(activity(branch, at(D(2025, 3, 3))), [person, sec.user], "2")
        credit(activity(group, at(D(2025, 4, 4)), kind=ActivityKind.RESEARCH_VISIT), [sec.user])
        activity(
            branch, at(D(2025, 2, 2)), kind=ActivityKind.ORGANISATION_LIFE, meeting_type=MeetingType.THEME_DAY
        )
        to_all = notice(community, published=at(D(2025, 7, 7)))
        NoticeRead.objects.create(notice=to_all, member=reader)
        notice(community, published=at(D(2025, 8, 8)), audience=[group])


def measure(street) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        found = compute_all(street["street"], *year_period(2025))
    return len(ctx.captured_queries), found


def test_every_figure_of_every_secretary_in_a_constant_number_of_queries(
    street, site, django_assert_num_queries
):
    populate(street, [street["community1"]])
    small, found = measure(street)
    assert len(found.secretaries) == 1
    person = next(iter(found.secretaries.values()))
    assert set(person.figures) == set(KEYS)
    assert all(person.figures[key].evidence for key in KEYS)  # every indicator found its rows

    more = [street["community2"], *(make_org(street["street"], OrgKind.COMMUNITY) for _ in range(8))]
    populate(street, more)
    with django_assert_num_queries(QUERIES_FOR_A_YEAR):
        found = compute_all(street["street"], *year_period(2025))
    assert len(found.secretaries) == 10
    assert small == QUERIES_FOR_A_YEAR
    for person in found.secretaries.values():
        figures = person.figures
        assert figures["study_monthly"].value == 3
        assert figures["research_report"].value == 1
        assert figures["activities_organised"].value == 1
        assert figures["research_visits"].value == 1
        assert figures["volunteer_hours"].value == 6.0 and figures["volunteer_hours"].detail["people"] == 2
        assert figures["notices_read"].detail == {"notices": 2, "audience": 3, "readers": 1}
        assert len(figures["sanhui_compliance"].evidence) == 1


def test_a_street_without_secretaries_costs_the_tenure_queries_only(street, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = compute_all(street["street"], *year_period(2025))
    assert found.secretaries == {} and len(found.vacancies) == 2
