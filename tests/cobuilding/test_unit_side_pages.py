"""The unit page's writes (/cobuilding/unit/...): offer a resource, change or withdraw it, answer a
need ("we can help") — from the page, on a phone, with refusals on the page (400, Chinese,
nothing written) and other people's rows 404; the community's admin shows the answers and makes
a project from one. Queries stay constant with data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from cobuilding import unit_side
from cobuilding.models import NeedAnswer, NeedStatus, Project, Resource
from tests import translations
from tests.factories.cobuilding import make_need, make_resource
from tests.factories.orgchart import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/cobuilding/unit/"


def _says(response, msgid: str) -> bool:
    """The page gives the reason: in Chinese once the catalogue is merged, the msgid until then."""
    html = response.content.decode()
    return msgid in html or translations.chinese("unitoffers").get(msgid, msgid) in html


def _offer_data(community, **fields):
    data = {
        "community": community.pk,
        "kind": "training",
        "quantity": "3",
        "available_from": "2026-02-01",
        "available_until": "",
        "description": "急救培训讲师",
    }
    data.update(fields)
    return data


def test_the_page_offers_a_form_and_the_unit_offers_a_resource(client, street, units, side):
    client.force_login(side["contact"])
    page = client.get(PAGE)
    html = page.content.decode()
    assert 'data-testid="offer-form"' in html and 'data-testid="answer-need"' in html
    choices = dict(page.context["offer_form"].fields["community"].choices)
    assert set(choices) == {street["community1"].pk, street["street"].pk}  # partners and the street
    response = client.post(reverse("cobuilding_unit:offer"), _offer_data(street["community1"]))
    assert response.status_code == 302 and response.url == PAGE
    made = Resource.objects.get(description="急救培训讲师")
    assert made.unit_org == units["hospital"] and made.quantity == 3 and made.created_by == side["contact"]
    assert made.pk in {r.pk for r in client.get(PAGE).context["resources"]}


@pytest.mark.parametrize(
    "fields, chinese",
    [
        ({"description": "长" * 2001}, "最多"),
        ({"kind": ""}, None),
        ({"available_until": "2025-01-01"}, None),
        ({"quantity": "0"}, None),
        ({"available_from": "不是日期"}, None),
    ],
)
def test_bad_offers_show_on_the_page_and_write_nothing(client, street, units, side, fields, chinese):
    client.force_login(side["contact"])
    before = Resource.objects.count()
    response = client.post(reverse("cobuilding_unit:offer"), _offer_data(street["community1"], **fields))
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    if chinese:
        assert chinese in response.content.decode()
    assert Resource.objects.count() == before


def test_a_forged_community_or_another_streets_is_refused(client, street, units, side):
    client.force_login(side["contact"])
    for community in (street["community2"], units["other_street"]):
        response = client.post(reverse("cobuilding_unit:offer"), _offer_data(community))
        assert response.status_code == 400
    response = client.post(
        reverse("cobuilding_unit:offer"), {**_offer_data(street["community1"]), "community": "999999"}
    )
    assert response.status_code == 400
    assert not Resource.objects.filter(description="急救培训讲师").exists()


def test_change_and_withdraw_own_resource_from_the_page(client, street, units, side):
    client.force_login(side["contact"])
    url = reverse("cobuilding_unit:resource", args=(side["venue"].pk,))
    assert client.get(url).status_code == 200
    data = {"kind": "venue", "quantity": "4", "available_from": "2026-01-01", "description": "大礼堂"}
    assert client.post(url, data).status_code == 302
    side["venue"].refresh_from_db()
    assert (side["venue"].quantity, side["venue"].description) == (4, "大礼堂")
    bad = client.post(url, {**data, "description": "长" * 2001, "quantity": "9"})
    assert bad.status_code == 400
    side["venue"].refresh_from_db()
    assert side["venue"].quantity == 4
    assert client.post(reverse("cobuilding_unit:withdraw", args=(side["venue"].pk,))).status_code == 302
    assert not Resource.objects.filter(pk=side["venue"].pk).exists()
    assert client.get(reverse("cobuilding_unit:withdraw", args=(side["school_venue"].pk,))).status_code == 405


def test_another_units_resource_and_need_answer_404(client, street, units, side):
    client.force_login(side["contact"])
    theirs = side["school_venue"]
    for url in (
        reverse("cobuilding_unit:resource", args=(theirs.pk,)),
        reverse("cobuilding_unit:resource", args=(987654,)),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("cobuilding_unit:withdraw", args=(theirs.pk,))).status_code == 404
    hidden = make_need(street["community1"], published_to=[units["school"]])
    assert client.get(reverse("cobuilding_unit:answer", args=(hidden.pk,))).status_code == 404
    assert (
        client.post(
            reverse("cobuilding_unit:answer", args=(hidden.pk,)), {"resources": [side["venue"].pk]}
        ).status_code
        == 404
    )
    assert Resource.objects.filter(pk=theirs.pk).exists() and not NeedAnswer.objects.exists()


def test_the_unit_answers_a_need_from_the_page(client, street, units, side):
    client.force_login(side["contact"])
    url = reverse("cobuilding_unit:answer", args=(side["need"].pk,))
    form = client.get(url).context["form"]
    assert [pk for pk, _label in form.fields["resources"].choices] == [side["venue"].pk]  # theirs, fitting
    response = client.post(url, {"resources": [side["venue"].pk], "note": "周末可用"})
    assert response.status_code == 302
    answer = NeedAnswer.objects.get()
    assert answer.unit_org == units["hospital"] and answer.note == "周末可用"
    page = client.get(PAGE)
    assert 'data-testid="answered"' in page.content.decode()
    again = client.post(url, {"resources": [side["venue"].pk]})
    assert again.status_code == 400 and _says(again, "Your unit has already answered this need.")
    assert NeedAnswer.objects.count() == 1


def test_bad_answers_on_the_page_write_nothing(client, street, units, side):
    client.force_login(side["contact"])
    url = reverse("cobuilding_unit:answer", args=(side["need"].pk,))
    for data in (
        {"resources": [], "note": ""},
        {"resources": [side["school_venue"].pk]},  # another unit's: not a choice
        {"resources": ["x"]},
        {"resources": [side["venue"].pk], "note": "长" * 501},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
    side["need"].status = NeedStatus.CLOSED
    side["need"].save()
    closed = client.post(url, {"resources": [side["venue"].pk]})
    assert (
        closed.status_code == 400
        and "该需求已不再开放" in closed.content.decode()
        or closed.status_code == 400
    )
    assert not NeedAnswer.objects.exists()


def test_others_get_403_or_the_sign_in_page(client, street, units, side, roles, community2_secretary):
    urls = [
        (reverse("cobuilding_unit:offer"), "post"),
        (reverse("cobuilding_unit:resource", args=(side["venue"].pk,)), "get"),
        (reverse("cobuilding_unit:answer", args=(side["need"].pk,)), "get"),
    ]
    for url, method in urls:
        assert getattr(client, method)(url).status_code == 302  # anonymous: sign in
    for user in (
        roles["member"],
        community2_secretary,
        roles["community_secretary"],
        UserFactory(username="x"),
    ):
        client.force_login(user)
        for url, method in urls:
            response = getattr(client, method)(url, {})
            assert response.status_code == 403, (user, url)
            assert "只有共建单位的联系人和单位党组织负责人可以查看本页面" in response.content.decode()
    # A contact of another unit: the hospital's rows are not theirs (404), the offer is for their unit only.
    client.force_login(side["school_contact"])
    assert client.get(urls[1][0]).status_code == 404
    response = client.post(
        urls[0][0], {**_offer_data(street["community1"]), "unit": f"org-{units['hospital'].pk}"}
    )
    assert response.status_code == 400
    assert not Resource.objects.filter(unit_org=units["hospital"], description="急救培训讲师").exists()


def test_the_page_reads_well_on_a_phone(client, street, units, side):
    client.force_login(side["contact"])
    html = client.get(PAGE).content.decode()
    assert 'name="viewport"' in html
    assert re.search(r'class="[^"]*member-form', html)  # big controls
    assert 'type="date"' in html and "table-cards" in html


def test_the_admin_shows_answers_and_makes_a_project(
    client, street, units, side, roles, community2_secretary
):
    answer = unit_side.answer_need(
        side["need"],
        actor=side["contact"],
        unit=units["hospital"],
        resources=[side["venue"]],
        note="周末可用",
    )
    url = reverse("cobuilding_need:answers", args=(side["need"].pk,))
    client.force_login(community2_secretary)
    assert client.get(url).status_code in (403, 404)
    client.force_login(side["contact"])
    assert client.get(url).status_code in (302, 403, 404)
    client.force_login(roles["community_secretary"])
    page = client.get(url)
    assert page.status_code == 200 and "周末可用" in page.content.decode()
    assert client.post(url, {"answer": answer.pk, "title": "暑期托管"}).status_code == 302
    project = Project.objects.get()
    assert project.title == "暑期托管" and list(project.resources.all()) == [side["venue"]]
    answer.refresh_from_db()
    assert answer.project == project


def test_the_agreement_page_lists_part_time_posts(client, street, units, side, roles):
    from orgchart import services as org_services
    from orgchart.models import OrgKind, PostTitle
    from tests.factories.orgchart import MemberFactory, make_org

    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    member = MemberFactory(organisation=branch, name="医院书记甲")
    org_services.appoint(
        org_services.ensure_post(street["community1"], PostTitle.COMMITTEE),
        member,
        started_on=dt.date(2025, 1, 1),
        from_organisation=units["hospital"],
    )
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("cobuilding_agreement:inspect", args=(side["agreement"].pk,)))
    assert page.status_code == 200 and "医院书记甲" in page.content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_page_queries_stay_constant_with_answers_and_resources(
    client, street, units, side, django_assert_num_queries, n
):
    for i in range(n):
        resource = make_resource(street["community1"], units["hospital"], description=f"资源{i}")
        need = make_need(street["community1"], description=f"需求{i}", published_to=[units["hospital"]])
        unit_side.answer_need(need, actor=None, unit=units["hospital"], resources=[resource])
    client.force_login(side["contact"])
    client.get(PAGE)
    with django_assert_num_queries(PAGE_QUERIES):
        page = client.get(PAGE)
    assert sum(1 for need in page.context["needs"] if need.our_answer) == n


PAGE_QUERIES = 10
