"""Co-building in the Wagtail admin: scoped by the access rule (another community's rows and forged
ids answer 404, members see nothing), writes through the services (refusals are form errors that
write nothing), phones masked in lists, a need's suggestions turned into a project in one step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cobuilding.models import Agreement, AgreementStatus, Need, NeedStatus, Project, ReportIn
from orgchart.models import MemberCategory, OrgKind
from tests.factories.cobuilding import make_agreement, make_need, make_outside_unit, make_resource
from tests.factories.orgchart import MemberFactory, make_org, make_post_holder

pytestmark = pytest.mark.django_db

INDEXES = [
    "cobuilding_agreement:index",
    "cobuilding_resource:index",
    "cobuilding_need:index",
    "cobuilding_project:index",
    "cobuilding_reportin:index",
    "cobuilding_outsideunit:index",
]


def _agreement_form(community, unit, **overrides):
    data = {
        "community": community.pk,
        "unit_org": unit.pk,
        "outside_unit": "",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "signed_on": "",
        "community_contact": "张书记",
        "community_contact_phone": "",
        "unit_contact": "李主任",
        "unit_contact_phone": "13900001111",
        "content": "场地共享",
        "status": AgreementStatus.ACTIVE,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", INDEXES)
def test_community_secretary_opens_every_list(client, roles, name):
    client.force_login(roles["community_secretary"])
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_members_and_outsiders_see_no_list(client, roles, role):
    client.force_login(roles[role])
    for name in INDEXES:
        assert client.get(reverse(name)).status_code in (302, 403), name


def test_lists_hold_only_the_communitys_own_rows(client, street, units, roles):
    make_agreement(street["community1"], units["hospital"], unit_contact="一社区联系人")
    make_agreement(street["community2"], units["school"], unit_contact="二社区联系人")
    client.force_login(roles["community_secretary"])
    body = client.get(reverse("cobuilding_agreement:index")).content.decode()
    assert "一社区联系人" in body and "二社区联系人" not in body
    client.force_login(roles["street_secretary"])
    body = client.get(reverse("cobuilding_agreement:index")).content.decode()
    assert "一社区联系人" in body and "二社区联系人" in body


def test_another_communitys_row_and_forged_ids_answer_404(client, street, units, roles):
    theirs = make_agreement(street["community2"], units["school"])
    client.force_login(roles["community_secretary"])
    for pk in (theirs.pk, 999999):
        for name in ("inspect", "end", "activate"):
            assert client.get(reverse(f"cobuilding_agreement:{name}", args=[pk])).status_code == 404
        assert client.post(reverse("cobuilding_agreement:end", args=[pk]), {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AgreementStatus.ACTIVE


def test_create_an_agreement_in_the_admin(client, street, units, roles):
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_agreement:add"), _agreement_form(street["community1"], units["hospital"])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = Agreement.objects.get()
    assert (agreement.community, agreement.unit, agreement.created_by) == (
        street["community1"],
        units["hospital"],
        roles["community_secretary"],
    )


def test_overlapping_agreement_in_the_admin_is_a_form_error_and_writes_nothing(client, street, units, roles):
    make_agreement(street["community1"], units["hospital"])
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_agreement:add"), _agreement_form(street["community1"], units["hospital"])
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Agreement.objects.count() == 1


def test_another_community_cannot_be_chosen(client, street, units, roles):
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_agreement:add"), _agreement_form(street["community2"], units["hospital"])
    )
    assert response.status_code == 200
    assert "community" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_end_an_agreement_in_the_admin(client, street, units, roles):
    agreement = make_agreement(street["community1"], units["hospital"])
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_agreement:end", args=[agreement.pk]), {"ended_on": "2026-06-30"}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.ends_on) == (AgreementStatus.ENDED, dt.date(2026, 6, 30))


def test_need_with_no_kind_in_the_admin_is_a_form_error(client, street, roles):
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_need:add"),
        {
            "community": street["community1"].pk,
            "kind": "",
            "description": "需要场地",
            "wanted_from": "2026-06-01",
            "wanted_until": "2026-06-30",
        },
    )
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not Need.objects.exists()


def test_suggestions_page_makes_a_project_in_one_step(client, street, units, roles):
    need = make_need(street["community1"])
    venue = make_resource(street["community1"], units["school"])
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("cobuilding_need:match", args=[need.pk]))
    assert page.status_code == 200
    assert "实验小学党支部" in page.content.decode()
    response = client.post(
        reverse("cobuilding_need:match", args=[need.pk]), {"resources": [venue.pk], "title": "暑期托管"}
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.title, list(project.resources.all())) == ("暑期托管", [venue])
    need.refresh_from_db()
    assert need.status == NeedStatus.MET


def test_suggestions_page_refuses_a_forged_resource(client, street, units, roles):
    need = make_need(street["community1"])
    make_resource(street["community1"], units["school"])
    unfit = make_resource(street["community1"], units["hospital"], kind="funds")
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_need:match", args=[need.pk]), {"resources": [unfit.pk, 999999]}
    )
    assert response.status_code == 200
    assert "resources" in response.context["form"].errors
    assert not Project.objects.exists()


def test_other_community_gets_404_on_the_suggestions(client, street, roles, community2_secretary):
    need = make_need(street["community1"])
    client.force_login(community2_secretary)
    assert client.get(reverse("cobuilding_need:match", args=[need.pk])).status_code == 404


def test_outside_unit_phone_is_masked_in_the_list(client, street, units, roles):
    client.force_login(roles["community_secretary"])
    body = client.get(reverse("cobuilding_outsideunit:index")).content.decode()
    assert "某科技公司" in body and "138****5678" in body and "13812345678" not in body


def test_report_in_in_the_admin_is_seen_by_the_home_branch(client, street, units, roles):
    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    employed = MemberFactory(organisation=branch, category=MemberCategory.EMPLOYED, name="在职党员甲")
    retired = MemberFactory(
        organisation=street["branch1"], category=MemberCategory.RETIRED, name="退休党员乙"
    )
    client.force_login(roles["street_secretary"])
    data = {"community": street["community1"].pk, "reported_on": "2026-03-01", "skills": "法律咨询"}
    refused = client.post(reverse("cobuilding_reportin:add"), {**data, "member": retired.pk})
    assert refused.status_code == 200 and "member" in refused.context["form"].errors
    assert client.post(reverse("cobuilding_reportin:add"), {**data, "member": employed.pk}).status_code == 302
    assert ReportIn.objects.get().member == employed
    home = make_post_holder(branch, "yiyuan", branch=branch)
    client.force_login(home)
    assert "在职党员甲" in client.get(reverse("cobuilding_reportin:index")).content.decode()


def test_outside_unit_recorded_in_the_admin(client, street, roles):
    client.force_login(roles["community_secretary"])
    response = client.post(
        reverse("cobuilding_outsideunit:add"),
        {
            "organisation": street["community1"].pk,
            "name": "新华书店",
            "address": "",
            "contact_name": "赵",
            "contact_phone": "bad",
        },
    )
    assert response.status_code == 200 and "contact_phone" in response.context["form"].errors
    make_outside_unit(street["community1"], "已有单位")
    assert not Need.objects.exists()


def test_inspect_pages_and_project_edit_open_for_the_secretary(client, street, units, roles):
    agreement = make_agreement(street["community1"], units["company"], unit_contact_phone="13812345678")
    need = make_need(street["community1"])
    resource = make_resource(street["community1"], units["school"])
    client.force_login(roles["community_secretary"])
    match = client.post(reverse("cobuilding_need:match", args=[need.pk]), {"resources": [resource.pk]})
    assert match.status_code == 302
    project = Project.objects.get()
    for name, pk in (
        ("cobuilding_agreement:inspect", agreement.pk),
        ("cobuilding_need:inspect", need.pk),
        ("cobuilding_resource:inspect", resource.pk),
        ("cobuilding_outsideunit:inspect", units["company"].pk),
        ("cobuilding_project:inspect", project.pk),
        ("cobuilding_project:edit", project.pk),
    ):
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        assert "13812345678" not in response.content.decode(), name
    done = client.post(
        reverse("cobuilding_project:edit", args=[project.pk]), {"status": "done", "outcome": "完成"}
    )
    assert done.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.outcome) == ("done", "完成")


def test_agreement_ending_soon_is_marked_in_the_list(client, street, units, roles):
    from django.utils import timezone
    from django.utils.translation import override

    today = timezone.localdate()
    soon = make_agreement(
        street["community1"],
        units["hospital"],
        starts_on=today - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=10),
    )
    later = make_agreement(
        street["community1"], units["school"], starts_on=today, ends_on=today + dt.timedelta(days=300)
    )
    assert soon.expires_soon and not later.expires_soon
    client.force_login(roles["community_secretary"])
    with override("en"):
        body = client.get(reverse("cobuilding_agreement:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count("Ends soon") == 1 or body.count("即将到期") == 1
