"""The unit side in the API: POST a resource of one's own unit only, PATCH and withdraw it, POST an
answer to a need published to the unit; the community's managers read the answers on the need and
make a project from one. Others: 400 / 403 / 404, nothing written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cobuilding import unit_side
from cobuilding.models import NeedAnswer, Project, Resource
from tests.factories.cobuilding import make_need

pytestmark = pytest.mark.django_db


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _resource(community, unit, **fields):
    return {
        "community": community.pk,
        "unit_org": unit.pk,
        "kind": "experts",
        "quantity": 2,
        "available_from": "2026-03-01",
        "description": "医生",
        **fields,
    }


def test_a_contact_posts_their_own_units_resource_only(street, units, side):
    api = _api(side["contact"])
    made = api.post(
        "/api/cobuilding/resources/", _resource(street["community1"], units["hospital"]), format="json"
    )
    assert made.status_code == 201, made.content
    assert Resource.objects.get(pk=made.json()["id"]).unit_org == units["hospital"]
    before = Resource.objects.count()
    for body in (
        _resource(street["community1"], units["school"]),  # another unit
        _resource(street["community2"], units["hospital"]),  # a community it does not co-build with
        _resource(street["community1"], units["foreign"]),  # another street's unit
        {**_resource(street["community1"], units["hospital"]), "description": "长" * 2001},
    ):
        response = api.post("/api/cobuilding/resources/", body, format="json")
        assert response.status_code in (400, 403), body
    assert Resource.objects.count() == before


def test_a_unit_changes_and_withdraws_its_resource_but_not_another_units(street, units, side):
    api = _api(side["contact"])
    venue, theirs = side["venue"], side["school_venue"]
    assert (
        api.patch(f"/api/cobuilding/resources/{venue.pk}/", {"quantity": 6}, format="json").status_code == 200
    )
    venue.refresh_from_db()
    assert venue.quantity == 6
    assert (
        api.patch(f"/api/cobuilding/resources/{theirs.pk}/", {"quantity": 6}, format="json").status_code
        == 404
    )
    assert api.post(f"/api/cobuilding/resources/{theirs.pk}/withdraw/").status_code == 404
    assert api.post(f"/api/cobuilding/resources/{venue.pk}/withdraw/").status_code == 204
    assert (
        not Resource.objects.filter(pk=venue.pk).exists() and Resource.objects.filter(pk=theirs.pk).exists()
    )


def test_answer_a_need_and_the_managers_see_it_and_make_a_project(
    street, units, side, roles, community2_secretary
):
    api = _api(side["contact"])
    url = f"/api/cobuilding/needs/{side['need'].pk}/answer/"
    response = api.post(url, {"resources": [side["venue"].pk], "note": "周末可用"}, format="json")
    assert response.status_code == 201, response.content
    answer_id = response.json()["id"]
    again = api.post(url, {"resources": [side["venue"].pk]}, format="json")
    assert again.status_code == 400 and NeedAnswer.objects.count() == 1
    # The school's contact sees the need but not the hospital's answer.
    school = _api(side["school_contact"]).get(f"/api/cobuilding/needs/{side['need'].pk}/").json()
    assert school["answers"] == []
    manager = _api(roles["community_secretary"])
    need = manager.get(f"/api/cobuilding/needs/{side['need'].pk}/").json()
    assert [a["id"] for a in need["answers"]] == [answer_id] and need["answers"][0]["note"] == "周末可用"
    assert _api(community2_secretary).get(f"/api/cobuilding/answers/{answer_id}/").status_code == 404
    assert api.post(f"/api/cobuilding/answers/{answer_id}/project/", {}, format="json").status_code == 403
    made = manager.post(f"/api/cobuilding/answers/{answer_id}/project/", {"title": "暑期托管"}, format="json")
    assert made.status_code == 201 and Project.objects.get().title == "暑期托管"
    assert manager.post(f"/api/cobuilding/answers/{answer_id}/project/", {}, format="json").status_code == 400
    assert Project.objects.count() == 1


def test_answer_refusals(street, units, side, roles):
    api = _api(side["contact"])
    hidden = make_need(street["community1"], published_to=[units["school"]])
    assert (
        api.post(
            f"/api/cobuilding/needs/{hidden.pk}/answer/", {"resources": [side["venue"].pk]}, format="json"
        ).status_code
        == 404
    )
    url = f"/api/cobuilding/needs/{side['need'].pk}/answer/"
    for body in (
        {"resources": [side["school_venue"].pk]},
        {"resources": []},
        {"resources": [side["venue"].pk], "note": "长" * 501},
        {},
    ):
        assert api.post(url, body, format="json").status_code == 400, body
    assert (
        _api(roles["member"]).post(url, {"resources": [side["venue"].pk]}, format="json").status_code == 404
    )
    assert _api().post(url, {"resources": [side["venue"].pk]}, format="json").status_code in (401, 403)
    # The community's secretary sees the need but speaks for no unit: refused.
    assert (
        _api(roles["community_secretary"])
        .post(url, {"resources": [side["venue"].pk]}, format="json")
        .status_code
        == 400
    )
    assert not NeedAnswer.objects.exists()


@pytest.mark.parametrize("n", [1, 10])
def test_needs_with_answers_take_constant_queries(street, units, side, roles, django_assert_num_queries, n):
    from tests.factories.cobuilding import make_resource

    for i in range(n):
        resource = make_resource(street["community1"], units["hospital"], description=f"资源{i}")
        need = make_need(street["community1"], description=f"需求{i}", published_to=[units["hospital"]])
        unit_side.answer_need(need, actor=None, unit=units["hospital"], resources=[resource])
    api = _api(roles["community_secretary"])
    api.get("/api/cobuilding/needs/")
    with django_assert_num_queries(NEEDS_QUERIES):
        response = api.get("/api/cobuilding/needs/")
    assert sum(len(need["answers"]) for need in response.json()["results"]) == n


NEEDS_QUERIES = 6
