"""Part-time posts (兼职) and co-building: the appointment needs an agreement in force between the
unit and the committee's community (for the street committee: any community of the street, or
the street itself); when the holder leaves the unit (a transfer out of its subtree, or out of the
street) the post ends and the committee's secretary is told once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cobuilding import services
from inbox.models import FanOut
from orgchart import access as org_access
from orgchart import services as org_services
from orgchart.models import Organisation, OrgKind, PostTitle, Tenure
from tests import translations
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import MemberFactory, UserFactory, make_org

pytestmark = pytest.mark.django_db

NO_AGREEMENT = (
    "%(unit)s has no co-building agreement in force with %(committee)s on %(date)s: "
    "a part-time post from a unit needs one."
)


@pytest.fixture
def leader(street, units):
    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    make_org(units["hospital"], OrgKind.BRANCH, name="医院第二党支部", code="DW1-ZB2")
    user = UserFactory(username="yiyuan-shuji")
    return MemberFactory(organisation=branch, user=user, name="医院书记")


def _appoint(post, member, origin, started_on=dt.date(2026, 3, 1)):
    return org_services.appoint(post, member, started_on=started_on, from_organisation=origin)


@pytest.mark.parametrize(
    "case", ["none", "draft", "ended_before", "other_community", "not_yet", "other_unit"]
)
def test_no_agreement_in_force_no_part_time_post(street, units, leader, case):
    if case == "draft":
        make_agreement(street["community1"], units["hospital"], status="draft")
    elif case == "ended_before":
        agreement = make_agreement(street["community1"], units["hospital"], starts_on=dt.date(2025, 1, 1))
        services.end_agreement(agreement, actor=None, ended_on=dt.date(2026, 2, 1))
    elif case == "other_community":
        make_agreement(street["community2"], units["hospital"])
    elif case == "not_yet":
        make_agreement(street["community1"], units["hospital"], starts_on=dt.date(2026, 6, 1))
    elif case == "other_unit":
        make_agreement(street["community1"], units["school"])
    post = org_services.ensure_post(street["community1"], PostTitle.COMMITTEE)
    before = Tenure.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _appoint(post, leader, units["hospital"])
    assert (
        "区中心医院党委 has no co-building agreement in force with 第1社区党委 on 2026-03-01"
        in exc.value.messages[0]
    )
    assert "共建协议" in translations.chinese("unitoffers")[NO_AGREEMENT]
    assert Tenure.objects.count() == before


def test_an_agreement_in_force_allows_it(street, units, leader):
    make_agreement(street["community1"], units["hospital"])
    tenure = _appoint(
        org_services.ensure_post(street["community1"], PostTitle.COMMITTEE), leader, units["hospital"]
    )
    assert tenure.part_time and tenure.from_organisation == units["hospital"]


def test_the_street_committee_needs_an_agreement_with_any_community_of_the_street(street, units, leader):
    post = org_services.ensure_post(street["street"], PostTitle.COMMITTEE)
    with pytest.raises(ValidationError):
        _appoint(post, leader, units["hospital"])
    make_agreement(street["community2"], units["hospital"])
    assert _appoint(post, leader, units["hospital"]).part_time


@pytest.fixture
def held(street, units, leader, roles):
    make_agreement(
        street["community1"], units["hospital"], starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2030, 12, 31)
    )
    post = org_services.ensure_post(street["community1"], PostTitle.COMMITTEE)
    return _appoint(post, leader, units["hospital"], started_on=dt.date(2025, 1, 1))


def _ended_fanouts(tenure):
    return FanOut.objects.filter(cause_key=f"cobuilding-part-time:{tenure.pk}:ended")


def test_a_transfer_out_of_the_unit_ends_the_post_and_tells_the_secretary_once(
    street, units, leader, roles, held
):
    today = timezone.localdate()
    org_services.transfer_member(leader, to_organisation=street["branch2"], actor=roles["street_secretary"])
    held.refresh_from_db()
    assert held.ended_on == today - dt.timedelta(days=1)
    org_access.forget(leader.user)
    assert not org_access.can_manage(leader.user, street["community1"])
    fanout = _ended_fanouts(held).get()
    assert fanout.recipient_ids == [roles["community_secretary"].pk]
    # Moving on again tells nobody again (the post has ended already).
    org_services.transfer_member(leader, to_organisation=street["branch1"], actor=roles["street_secretary"])
    assert _ended_fanouts(held).count() == 1


def test_a_move_within_the_unit_keeps_the_post(street, units, leader, roles, held):
    other_branch = Organisation.objects.get(code="DW1-ZB2")
    org_services.transfer_member(leader, to_organisation=other_branch, actor=roles["street_secretary"])
    held.refresh_from_db()
    assert held.ended_on is None and not _ended_fanouts(held).exists()


def test_an_accepted_pending_transfer_ends_it_too(street, units, leader, roles, held):
    from tests.factories.orgchart import make_post_holder

    hospital_secretary = make_post_holder(units["hospital"], "yiyuan-ban")
    transfer = org_services.transfer_member(
        leader, to_organisation=street["branch2"], actor=hospital_secretary
    )
    held.refresh_from_db()
    assert transfer.status == "pending" and held.ended_on is None  # nothing ends before acceptance
    org_services.accept_transfer(transfer, actor=roles["street_secretary"])
    held.refresh_from_db()
    assert held.ended_on == timezone.localdate() - dt.timedelta(days=1)
    assert _ended_fanouts(held).count() == 1


def test_leaving_the_street_ends_it_and_tells_the_secretary(street, units, leader, roles, held):
    org_services.transfer_member(
        leader, outside_organisation="外区某单位党委", actor=roles["street_secretary"]
    )
    held.refresh_from_db()
    assert held.ended_on is not None and _ended_fanouts(held).count() == 1
