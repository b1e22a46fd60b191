"""Cross-holding posts (双向进入、交叉任职) seen from co-building: a unit's party secretary who holds
a part-time post in a community committee manages that community's co-building like any other
post-holder while the term runs — through orgchart.access's one rule — and no longer after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from cobuilding import access, services
from orgchart import access as org_access
from orgchart import services as org_services
from orgchart.models import OrgKind, PostTitle
from tests.factories.cobuilding import make_agreement, make_need
from tests.factories.orgchart import MemberFactory, UserFactory, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(street, units):
    """The hospital co-builds with community 1 (a part-time post from it needs an agreement in force)."""
    return make_agreement(
        street["community1"], units["hospital"], starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2030, 12, 31)
    )


@pytest.fixture
def hospital_secretary(street, units, partnership):
    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    user = UserFactory(username="yiyuan-shuji")
    member = MemberFactory(organisation=branch, user=user, name="医院书记")
    org_services.appoint(
        org_services.ensure_post(units["hospital"], PostTitle.SECRETARY),
        member,
        started_on=dt.date(2024, 1, 1),
    )
    return user


def _fresh(user):
    org_access.forget(user)
    return user


def test_part_time_post_brings_the_communitys_cobuilding_and_ends_with_it(
    street, units, roles, hospital_secretary, partnership
):
    agreement = make_agreement(street["community1"], units["school"])
    need = make_need(street["community1"])
    assert not access.can_manage_org(_fresh(hospital_secretary), street["community1"])
    assert list(access.manageable_agreements(_fresh(hospital_secretary))) == []

    post = org_services.ensure_post(street["community1"], PostTitle.COMMITTEE)
    org_services.appoint(
        post,
        hospital_secretary.member,
        started_on=dt.date(2025, 1, 1),
        from_organisation=units["hospital"],
        actor=roles["community_secretary"],
    )
    user = _fresh(hospital_secretary)
    assert access.can_manage_org(user, street["community1"])
    assert set(access.manageable_agreements(user)) == {agreement, partnership}
    assert access.can_manage_need(user, need)
    assert not access.can_manage_org(user, street["community2"])
    client = APIClient()
    client.force_authenticate(user)
    assert client.get(f"/api/cobuilding/needs/{need.pk}/suggestions/").status_code == 200
    services.add_resource(
        actor=user,
        community=street["community1"],
        unit_org=units["hospital"],
        kind="venue",
        available_from=dt.date(2026, 1, 1),
    )

    org_services.vacate(post, on=dt.date(2026, 1, 1), actor=roles["community_secretary"])
    user = _fresh(hospital_secretary)
    assert not access.can_manage_org(user, street["community1"])
    assert list(access.manageable_agreements(user)) == []
    with pytest.raises(PermissionDenied):
        services.add_resource(
            actor=user,
            community=street["community1"],
            unit_org=units["hospital"],
            kind="venue",
            available_from=dt.date(2026, 1, 1),
        )
    client.force_authenticate(user)
    # The need is not published to their unit: it is not theirs to see any more.
    assert client.get(f"/api/cobuilding/needs/{need.pk}/suggestions/").status_code == 404
    # Their own unit's side stays: they see the agreements of their unit, as before.
    hospital_agreement = make_agreement(street["community2"], units["hospital"])
    assert hospital_agreement in access.visible_agreements(user)


def test_part_time_holder_reaches_the_cobuilding_admin_while_the_term_runs(
    client, street, units, roles, hospital_secretary
):
    agreement = make_agreement(street["community1"], units["school"])
    post = org_services.ensure_post(street["community1"], PostTitle.COMMITTEE)
    org_services.appoint(
        post, hospital_secretary.member, started_on=dt.date(2025, 1, 1), from_organisation=units["hospital"]
    )
    client.force_login(hospital_secretary)
    url = reverse("cobuilding_agreement:inspect", args=(agreement.pk,))
    assert client.get(url).status_code == 200
    org_services.vacate(post, on=dt.date(2026, 1, 1))
    assert client.get(url).status_code in (302, 403, 404)


def test_figures_page_follows_the_part_time_post(client, street, units, hospital_secretary):
    post = org_services.ensure_post(street["community1"], PostTitle.COMMITTEE)
    org_services.appoint(
        post, hospital_secretary.member, started_on=dt.date(2025, 1, 1), from_organisation=units["hospital"]
    )
    client.force_login(hospital_secretary)
    response = client.get("/cobuilding/figures/")
    assert response.status_code == 200
    assert response.context["page"].root == street["community1"]
    org_services.vacate(post, on=dt.date(2026, 1, 1))
    assert client.get("/cobuilding/figures/").status_code == 403
