"""The help-request API: staff-scoped list and actions, public create and status by code."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from residents.models_help import HelpRequest, HelpStatus
from tests.residents.help_support import file, make_catalogue


@pytest.fixture
def cat(street):
    return make_catalogue(street)


@pytest.fixture
def api():
    return APIClient()


def test_public_create_then_status_by_code(api, cat):
    made = api.post(
        "/api/residents/help-requests/public/",
        {
            "item": cat["meals"].pk,
            "description": "需要送餐。",
            "address": "长江路5号",
            "name": "赵阿姨",
            "phone": "13812345678",
        },
        format="json",
    )
    assert made.status_code == 201
    code = made.json()["code"]
    status = api.post("/api/residents/help-requests/status/", {"code": code}, format="json")
    assert status.status_code == 200
    assert status.json()["item_name"] == "助餐" and status.json()["steps"][0]["kind"] == "submitted"
    assert "phone" not in str(status.json()) and "赵阿姨" not in str(status.json())
    assert (
        api.post(
            "/api/residents/help-requests/status/", {"code": "AAAA-BBBB-CCCC"}, format="json"
        ).status_code
        == 404
    )


def test_public_create_refuses_bad_input_in_chinese_and_writes_nothing(api, cat):
    for body in (
        {
            "item": cat["jobs"].pk,
            "description": "x",
            "address": "长江路5号",
            "name": "赵",
            "phone": "13812345678",
        },
        {
            "item": cat["meals"].pk,
            "description": "",
            "address": "长江路5号",
            "name": "赵",
            "phone": "13812345678",
        },
        {"item": cat["meals"].pk, "description": "长" * 100_000, "address": "长江路5号"},
        {"item": "abc"},
    ):
        assert api.post("/api/residents/help-requests/public/", body, format="json").status_code == 400
    assert HelpRequest.objects.count() == 0


def test_staff_list_is_scoped_and_actions_go_through_the_services(
    api, street, roles, cat, community2_secretary
):
    c1, _c = file(street, cat["meals"])
    c2, _c = file(street, cat["jobs"], address="黄河路9号")
    api.force_authenticate(roles["community_secretary"])
    listed = api.get("/api/residents/help-requests/").json()["results"]
    assert [r["id"] for r in listed] == [c1.pk]
    assert listed[0]["phone_masked"] == "138****5678"
    assert api.get(f"/api/residents/help-requests/{c2.pk}/").status_code == 404
    assert api.post(f"/api/residents/help-requests/{c2.pk}/accept/").status_code == 404
    assert api.post(f"/api/residents/help-requests/{c1.pk}/accept/").json()["status"] == "accepted"
    refused = api.post(f"/api/residents/help-requests/{c1.pk}/close/", {"outcome": ""}, format="json")
    assert refused.status_code == 400 and "outcome" in refused.json()
    closed = api.post(f"/api/residents/help-requests/{c1.pk}/close/", {"outcome": "已送餐。"}, format="json")
    assert closed.json()["status"] == HelpStatus.CLOSED
    assert api.post(f"/api/residents/help-requests/{c1.pk}/accept/").status_code == 400
    api.force_authenticate(roles["member"])
    assert api.get("/api/residents/help-requests/").json()["results"] == []


def test_schema_lists_the_help_endpoints(api, db):
    schema = api.get("/api/openapi.json").json()
    assert "/api/residents/help-requests/public/" in schema["paths"]
    assert "/api/residents/help-requests/{id}/close/" in schema["paths"]
