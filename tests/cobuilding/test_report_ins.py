"""Dual reporting (双报到): an employed member reports in to the community where they live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cobuilding import access, services
from cobuilding.models import ReportIn
from orgchart.models import MemberCategory, OrgKind
from tests.cobuilding.support import codes
from tests.factories.orgchart import MemberFactory, UserFactory, make_org, make_post_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def employed(street, units):
    """An employed member of the hospital's branch, with a login, who lives in community 1."""
    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    return MemberFactory(
        organisation=branch,
        category=MemberCategory.EMPLOYED,
        user=UserFactory(username="zaizhi"),
        name="在职党员",
    )


def test_employed_member_reports_in_themself(street, employed):
    report = services.report_in(
        actor=employed.user, member=employed, community=street["community1"], skills="急救培训"
    )
    assert (report.community, report.skills, report.reported_on) == (
        street["community1"],
        "急救培训",
        timezone.localdate(),
    )
    assert report.is_current


def test_community_secretary_records_a_report_in(street, employed, roles):
    report = services.report_in(
        actor=roles["community_secretary"], member=employed, community=street["community1"]
    )
    assert report.created_by == roles["community_secretary"]


@pytest.mark.parametrize("category", [c for c in MemberCategory.values if c != MemberCategory.EMPLOYED])
def test_report_in_for_a_non_employed_member_is_refused_and_writes_nothing(street, roles, category):
    member = MemberFactory(organisation=street["branch2"], category=category)
    with pytest.raises(ValidationError) as exc:
        services.report_in(actor=roles["community_secretary"], member=member, community=street["community1"])
    assert "not_employed" in codes(exc.value)
    assert not ReportIn.objects.exists()


def test_second_open_report_in_is_refused_until_the_first_ends(street, employed):
    first = services.report_in(actor=None, member=employed, community=street["community1"])
    with pytest.raises(ValidationError) as exc:
        services.report_in(actor=None, member=employed, community=street["community2"])
    assert "already_reported_in" in codes(exc.value)
    services.end_report_in(first, actor=employed.user)
    assert services.report_in(actor=None, member=employed, community=street["community2"]).is_current


def test_home_branch_secretary_ends_a_report_in_and_sees_it(street, employed):
    home_secretary = make_post_holder(employed.organisation, "yiyuan", branch=employed.organisation)
    report = services.report_in(actor=None, member=employed, community=street["community1"])
    assert report in access.visible_report_ins(home_secretary)
    ended = services.end_report_in(report, actor=home_secretary)
    assert ended.ended_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.end_report_in(ended, actor=home_secretary)
    assert "already_ended" in codes(exc.value)


def test_strangers_may_not_report_a_member_in_or_end_it(street, employed, roles, community2_secretary):
    for actor in (roles["member"], community2_secretary, roles["outsider"]):
        with pytest.raises(PermissionDenied):
            services.report_in(actor=actor, member=employed, community=street["community1"])
    report = services.report_in(actor=None, member=employed, community=street["community1"])
    for actor in (roles["member"], community2_secretary):
        with pytest.raises(PermissionDenied):
            services.end_report_in(report, actor=actor)
    assert report not in access.visible_report_ins(community2_secretary)


def test_report_in_goes_to_a_community_not_a_branch_or_the_street(street, employed):
    for org in (street["branch1"], street["street"]):
        with pytest.raises(ValidationError) as exc:
            services.report_in(actor=None, member=employed, community=org)
        assert "not_community" in codes(exc.value)
    assert not ReportIn.objects.exists()


def test_future_dates_and_ending_before_start_are_refused(street, employed):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.report_in(actor=None, member=employed, community=street["community1"], reported_on=tomorrow)
    assert "future" in codes(exc.value)
    report = services.report_in(
        actor=None, member=employed, community=street["community1"], reported_on=dt.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.end_report_in(report, actor=None, ended_on=dt.date(2026, 2, 1))
    assert "end_order" in codes(exc.value)


def test_member_who_left_the_street_does_not_report_in(street, employed):
    employed.left_on = dt.date(2026, 1, 1)
    employed.save()
    with pytest.raises(ValidationError) as exc:
        services.report_in(actor=None, member=employed, community=street["community1"])
    assert "member_left" in codes(exc.value)
