"""The co-building JSON API: scoped reads (others: empty lists, 404 on one), suggestions and the
project made from them, report-ins created and ended; refusals answer 400 or 403, nothing written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cobuilding.models import NeedStatus, Project, ReportIn
from orgchart.models import MemberCategory, OrgKind
from tests.factories.cobuilding import make_agreement, make_need, make_resource
from tests.factories.orgchart import MemberFactory, UserFactory, make_org, make_post_holder

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lists_are_scoped_to_the_communitys_rows(street, units, roles, community2_secretary):
    mine = make_agreement(street["community1"], units["company"], unit_contact_phone="13812345678")
    theirs = make_agreement(street["community2"], units["school"])
    client = _client(roles["community_secretary"])
    rows = client.get("/api/cobuilding/agreements/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["unit_contact_phone"] == "138****5678" and rows[0]["unit_is_outside"] is True
    assert client.get(f"/api/cobuilding/agreements/{theirs.pk}/").status_code == 404
    assert client.get("/api/cobuilding/agreements/999999/").status_code == 404
    assert _client(roles["member"]).get("/api/cobuilding/agreements/").json()["results"] == []


def test_a_units_post_holder_sees_its_agreements_and_needs_published_to_it(street, units):
    unit_secretary = make_post_holder(units["school"], "xiaoxue")
    agreement = make_agreement(street["community1"], units["school"])
    published = make_need(street["community1"], published_to=[units["school"]])
    make_need(street["community1"], description="未发布的需求")
    client = _client(unit_secretary)
    assert [row["id"] for row in client.get("/api/cobuilding/agreements/").json()["results"]] == [
        agreement.pk
    ]
    assert [row["id"] for row in client.get("/api/cobuilding/needs/").json()["results"]] == [published.pk]
    # Seeing a need is not managing it: no suggestions, no project.
    assert client.get(f"/api/cobuilding/needs/{published.pk}/suggestions/").status_code == 403


def test_suggestions_and_a_project_through_the_api(street, units, roles):
    need = make_need(street["community1"])
    venue = make_resource(street["community1"], units["school"])
    make_resource(street["community2"], units["hospital"])
    client = _client(roles["community_secretary"])
    ranked = client.get(f"/api/cobuilding/needs/{need.pk}/suggestions/").json()
    assert [row["unit_name"] for row in ranked] == ["实验小学党支部", "区中心医院党委"]
    assert ranked[0]["tier"] == 0 and ranked[0]["resources"][0]["id"] == venue.pk
    bad = client.post(f"/api/cobuilding/needs/{need.pk}/project/", {"resources": [999999]}, format="json")
    assert bad.status_code == 400 and "resources" in bad.json()
    assert not Project.objects.exists()
    made = client.post(f"/api/cobuilding/needs/{need.pk}/project/", {"resources": [venue.pk]}, format="json")
    assert made.status_code == 201
    assert made.json()["resources"] == [venue.pk]
    need.refresh_from_db()
    assert need.status == NeedStatus.MET


def test_other_community_gets_404_on_a_needs_suggestions(street, community2_secretary):
    need = make_need(street["community1"])
    client = _client(community2_secretary)
    assert client.get(f"/api/cobuilding/needs/{need.pk}/suggestions/").status_code == 404
    assert (
        client.post(
            f"/api/cobuilding/needs/{need.pk}/project/", {"resources": [1]}, format="json"
        ).status_code
        == 404
    )


def test_employed_member_reports_in_and_ends_it_through_the_api(street, units):
    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    user = UserFactory(username="zaizhi")
    member = MemberFactory(organisation=branch, category=MemberCategory.EMPLOYED, user=user)
    client = _client(user)
    response = client.post(
        "/api/cobuilding/report-ins/",
        {"member": member.pk, "community": street["community1"].pk, "skills": "义诊"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    report = ReportIn.objects.get()
    again = client.post(
        "/api/cobuilding/report-ins/", {"member": member.pk, "community": street["community2"].pk}
    )
    assert again.status_code == 400 and "non_field_errors" in again.json()
    assert client.post(f"/api/cobuilding/report-ins/{report.pk}/end/", {}, format="json").status_code == 200
    report.refresh_from_db()
    assert report.ended_on is not None


def test_report_in_for_a_non_employed_or_unseen_member_is_refused(street, roles):
    retired = MemberFactory(organisation=street["branch1"], category=MemberCategory.RETIRED)
    client = _client(roles["community_secretary"])
    response = client.post(
        "/api/cobuilding/report-ins/", {"member": retired.pk, "community": street["community1"].pk}
    )
    assert response.status_code == 400 and "member" in response.json()
    employed_elsewhere = MemberFactory(organisation=street["branch2"], category=MemberCategory.EMPLOYED)
    response = client.post(
        "/api/cobuilding/report-ins/", {"member": employed_elsewhere.pk, "community": street["community1"].pk}
    )
    assert response.status_code == 400  # not a member this secretary may see: "invalid", not "exists"
    assert not ReportIn.objects.exists()


def test_anonymous_callers_are_asked_to_sign_in(db):
    assert APIClient().get("/api/cobuilding/agreements/").status_code in (401, 403)


def test_agreement_ending_soon_is_marked_in_the_api(street, units, roles):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    make_agreement(
        street["community1"],
        units["hospital"],
        starts_on=today - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=10),
    )
    rows = _client(roles["community_secretary"]).get("/api/cobuilding/agreements/").json()["results"]
    assert [row["expires_soon"] for row in rows] == [True]
