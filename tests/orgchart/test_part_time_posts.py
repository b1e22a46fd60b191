"""Cross-holding (兼职): a unit's leader holds a part-time post in a community committee; their
access follows the post through orgchart.access's one rule, and ends with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from orgchart import access, services
from orgchart.models import OrgKind, PostTitle, Tenure
from tests import translations
from tests.factories.cobuilding import make_agreement
from tests.factories.orgchart import MemberFactory, UserFactory, make_org

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def unit(street):
    unit = make_org(street["street"], OrgKind.UNIT, name="区中心医院党委", code="DW1")
    branch = make_org(unit, OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    user = UserFactory(username="yiyuan")
    leader = MemberFactory(organisation=branch, user=user, name="医院书记")
    services.appoint(services.ensure_post(unit, PostTitle.SECRETARY), leader, started_on=dt.date(2024, 1, 1))
    # cobuilding (registered in orgchart.part_time) asks for a co-building agreement in force.
    make_agreement(street["community1"], unit, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2030, 12, 31))
    return {"unit": unit, "branch": branch, "leader": leader, "user": user}


def _fresh(user):
    access.forget(user)
    return user


def _committee_post(street):
    return services.ensure_post(street["community1"], PostTitle.COMMITTEE)


def test_part_time_holder_manages_the_committee_subtree_while_the_term_runs(street, roles, unit):
    user = unit["user"]
    assert not access.can_manage(_fresh(user), street["community1"])
    post = _committee_post(street)
    tenure = services.appoint(
        post,
        unit["leader"],
        started_on=dt.date(2025, 1, 1),
        from_organisation=unit["unit"],
        actor=roles["community_secretary"],
    )
    assert tenure.part_time and tenure.from_organisation == unit["unit"]
    assert access.can_manage(_fresh(user), street["community1"])
    assert access.can_manage(_fresh(user), street["group1"])
    assert not access.can_manage(_fresh(user), street["community2"])
    assert roles["own_member"] in access.managed_members(_fresh(user))
    # Their own unit, as before (the unit post is theirs too).
    assert access.can_manage(_fresh(user), unit["unit"])

    services.vacate(post, on=dt.date(2026, 1, 1), actor=roles["community_secretary"])
    assert not access.can_manage(_fresh(user), street["community1"])
    assert roles["own_member"] not in access.managed_members(_fresh(user))
    assert access.can_manage(_fresh(user), unit["unit"])


def test_a_term_that_ended_gives_no_access(street, roles, unit):
    services.appoint(
        _committee_post(street),
        unit["leader"],
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2024, 12, 31),
        from_organisation=unit["unit"],
    )
    assert not access.can_manage(_fresh(unit["user"]), street["community1"])
    assert unit["user"] not in access.manager_users(street["community1"])


def test_part_time_holder_is_among_the_committee_managers(street, unit):
    services.appoint(_committee_post(street), unit["leader"], from_organisation=unit["unit"])
    assert unit["user"] in access.manager_users(street["branch1"])


@pytest.mark.parametrize(
    ("case", "msgid", "chinese"),
    [
        ("not_unit", "A part-time holder comes from a unit party organisation.", "兼职人员须来自单位党组织"),
        ("end_before_start", "The term cannot end before it starts.", "任期结束日期不能早于开始日期"),
        ("not_member_of_unit", "The member does not belong to this unit party organisation.", "不属于"),
        (
            "unit_post",
            "Part-time posts are held in the street or a community committee.",
            "街道党工委或社区党委",
        ),
        ("other_street", "The unit party organisation is in another street.", "其他街道"),
    ],
)
def test_bad_part_time_input_gets_a_chinese_message_and_writes_nothing(
    street, roles, unit, case, msgid, chinese
):
    post = _committee_post(street)
    member, origin, ended_on = unit["leader"], unit["unit"], None
    if case == "not_unit":
        origin = street["branch1"]
    elif case == "end_before_start":
        ended_on = dt.date(2024, 12, 31)
    elif case == "not_member_of_unit":
        member = roles["own_member"]
    elif case == "unit_post":
        post = services.ensure_post(unit["unit"], PostTitle.COMMITTEE)
    elif case == "other_street":
        other = make_org(None, OrgKind.STREET, name="别的街道", code="JD2")
        origin = make_org(other, OrgKind.UNIT, name="外街道单位", code="DW9")
        member = MemberFactory(organisation=make_org(origin, OrgKind.BRANCH, code="DW9-ZB1"))
    before = Tenure.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.appoint(
            post,
            member,
            started_on=dt.date(2025, 1, 1),
            ended_on=ended_on,
            from_organisation=origin,
            actor=roles["street_secretary"],
        )
    assert msgid in exc.value.messages
    assert Tenure.objects.count() == before
    assert chinese in translations.chinese("crossposts")[msgid]


def test_the_model_refuses_a_part_time_flag_without_origin(street, unit):
    post = _committee_post(street)
    with pytest.raises(ValidationError):
        Tenure(post=post, member=unit["leader"], started_on=TODAY, part_time=True).full_clean()


def test_admin_appoints_part_time_and_the_post_page_shows_it(client, street, roles, unit):
    post = _committee_post(street)
    client.force_login(roles["community_secretary"])
    url = reverse("orgchart_post:appoint_part_time", args=(post.pk,))
    page = client.get(url)
    assert page.status_code == 200
    # Forged ids are invalid choices, nothing is written.
    with translation.override("en"):
        bad = client.post(
            url,
            {
                "from_organisation": street["branch1"].pk,
                "member": unit["leader"].pk,
                "started_on": "2025-01-01",
            },
        )
    assert bad.status_code == 200 and not Tenure.objects.filter(post=post).exists()
    backwards = client.post(
        url,
        {
            "from_organisation": unit["unit"].pk,
            "member": unit["leader"].pk,
            "started_on": "2025-01-01",
            "ended_on": "2024-01-01",
        },
    )
    assert backwards.status_code == 200 and not Tenure.objects.filter(post=post).exists()
    done = client.post(
        url, {"from_organisation": unit["unit"].pk, "member": unit["leader"].pk, "started_on": "2025-01-01"}
    )
    assert done.status_code == 302
    tenure = Tenure.objects.get(post=post)
    assert tenure.part_time and tenure.from_organisation_id == unit["unit"].pk
    with translation.override("en"):
        inspect = client.get(reverse("orgchart_post:inspect", args=(post.pk,)))
    assert "兼职 · 来自区中心医院党委" in inspect.content.decode()


def test_a_plain_member_cannot_open_the_part_time_form(client, street, roles):
    post = _committee_post(street)
    client.force_login(roles["member"])
    response = client.get(reverse("orgchart_post:appoint_part_time", args=(post.pk,)))
    assert response.status_code in (302, 403, 404)


def test_api_member_detail_lists_the_part_time_post(street, roles, unit):
    services.appoint(
        _committee_post(street),
        unit["leader"],
        started_on=dt.date(2025, 1, 1),
        from_organisation=unit["unit"],
    )
    api = APIClient()
    api.force_authenticate(roles["street_secretary"])
    data = api.get(f"/api/members/{unit['leader'].pk}/").json()
    part_time = [t for t in data["tenures"] if t["part_time"]]
    assert len(part_time) == 1
    assert part_time[0]["from_organisation"] == unit["unit"].pk
    assert part_time[0]["from_organisation_name"] == "区中心医院党委"
    assert part_time[0]["organisation"] == street["community1"].pk


def test_the_organisation_page_and_the_post_list_show_part_time_holders(client, street, roles, unit):
    post = _committee_post(street)
    services.appoint(post, unit["leader"], started_on=dt.date(2025, 1, 1), from_organisation=unit["unit"])
    client.force_login(roles["community_secretary"])
    with translation.override("en"):
        page = client.get(reverse("orgchart:org_members", args=(street["community1"].pk,)))
        listing = client.get(reverse("orgchart_post:index"))
    assert page.status_code == 200
    assert [t.member for t in page.context["part_time"]] == [unit["leader"]]
    assert 'data-testid="part-time-holders"' in page.content.decode()
    assert "兼职 · 来自区中心医院党委" in listing.content.decode()


def test_the_form_offers_the_units_post_holders_only(client, street, roles, unit):
    plain = MemberFactory(organisation=unit["branch"], name="医院普通党员")
    post = _committee_post(street)
    client.force_login(roles["community_secretary"])
    form = client.get(reverse("orgchart_post:appoint_part_time", args=(post.pk,))).context["form"]
    offered = list(form.fields["member"].queryset)
    assert unit["leader"] in offered and plain not in offered
    assert roles["own_member"] not in offered
    assert list(form.fields["from_organisation"].queryset) == [unit["unit"]]
    response = client.post(
        reverse("orgchart_post:appoint_part_time", args=(post.pk,)),
        {"from_organisation": unit["unit"].pk, "member": plain.pk, "started_on": "2025-01-01"},
    )
    assert response.status_code == 200 and not Tenure.objects.filter(post=post).exists()
