"""The OpenAPI schema at /api/openapi.json: valid JSON, OpenAPI 3, every endpoint, no warnings."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

ENDPOINTS = {
    "/api/token/": {"post"},
    "/api/me/": {"get"},
    "/api/organisations/": {"get", "post"},
    "/api/organisations/{id}/": {"get", "patch", "delete"},
    "/api/organisations/{id}/statistics/": {"get"},
    "/api/organisations/{id}/move/": {"post"},
    "/api/organisations/{id}/close/": {"post"},
    "/api/members/": {"get", "post"},
    "/api/members/{id}/": {"get", "patch"},
    "/api/members/{id}/transfer/": {"post"},
    "/api/transfers/": {"get"},
    "/api/transfers/{id}/": {"get"},
    "/api/transfers/{id}/accept/": {"post"},
    "/api/transfers/{id}/decline/": {"post"},
    "/api/transfers/{id}/withdraw/": {"post"},
    "/api/inbox/": {"get"},
    "/api/inbox/{id}/": {"get"},
    "/api/inbox/{id}/read/": {"post"},
    "/api/inbox/read-all/": {"post"},
    "/api/inbox/unread-count/": {"get"},
    "/api/search/": {"get"},
    "/api/activities/": {"get"},
    "/api/activities/{id}/": {"get"},
    "/api/activities/{id}/sign-up/": {"post"},
    "/api/activities/{id}/check-in/": {"post"},
    "/api/signups/": {"get"},
    "/api/signups/{id}/": {"get"},
    "/api/signups/{id}/cancel/": {"post"},
    "/api/offers/confirm/": {"post"},
    "/api/me/hours/": {"get"},
    "/api/me/calendar/": {"get"},
    "/api/me/calendar-feed/": {"get"},
    "/api/me/calendar-feed/reset/": {"post"},
    "/api/series/": {"get", "post"},
    "/api/series/{id}/": {"get", "patch"},
    "/api/series/{id}/deactivate/": {"post"},
    "/api/assessment-cycles/": {"get"},
    "/api/assessment-cycles/{id}/": {"get"},
    "/api/assessment-cycles/{id}/advance/": {"post"},
    "/api/assessment-ratings/": {"post"},
    "/api/assessment-ratings/mine/": {"get"},
    "/api/assessment-results/": {"get"},
    "/api/assessment-results/{id}/": {"get"},
    "/api/assessment-scores/mine/": {"get"},
    "/api/cobuilding/figures/": {"get"},
    "/api/cobuilding/agreements/": {"get", "post"},
    "/api/cobuilding/agreements/{id}/": {"get", "patch"},
    "/api/cobuilding/resources/": {"get", "post"},
    "/api/cobuilding/resources/{id}/": {"get", "patch"},
    "/api/cobuilding/resources/{id}/withdraw/": {"post"},
    "/api/cobuilding/needs/": {"get", "post"},
    "/api/cobuilding/needs/{id}/": {"get", "patch"},
    "/api/cobuilding/needs/{id}/suggestions/": {"get"},
    "/api/cobuilding/needs/{id}/project/": {"post"},
    "/api/cobuilding/needs/{id}/answer/": {"post"},
    "/api/cobuilding/answers/": {"get"},
    "/api/cobuilding/answers/{id}/": {"get"},
    "/api/cobuilding/answers/{id}/project/": {"post"},
    "/api/cobuilding/projects/": {"get"},
    "/api/cobuilding/projects/{id}/": {"get"},
    "/api/cobuilding/report-ins/": {"get", "post"},
    "/api/cobuilding/report-ins/{id}/": {"get"},
    "/api/cobuilding/report-ins/{id}/end/": {"post"},
    "/api/cobuilding/report-ins/hours/": {"get"},
    "/api/cobuilding/meetings/": {"get"},
    "/api/cobuilding/meetings/{id}/": {"get"},
    "/api/cobuilding/meetings/{id}/decisions/": {"post"},
    "/api/cobuilding/meetings/{id}/invite/": {"post"},
    "/api/cobuilding/meetings/{id}/answer/": {"post"},
    "/api/cobuilding/decisions/": {"get"},
    "/api/cobuilding/decisions/{id}/": {"get", "patch"},
    "/api/cobuilding/decisions/{id}/done/": {"post"},
    "/api/cobuilding/decisions/{id}/reopen/": {"post"},
    "/api/residents/registrations/": {"get"},
    "/api/residents/registrations/{id}/": {"get"},
    "/api/residents/housing/": {"get"},
    "/api/residents/housing/{id}/": {"get"},
    "/api/residents/help-requests/": {"get"},
    "/api/residents/help-requests/{id}/": {"get"},
    "/api/residents/help-requests/{id}/assign/": {"post"},
    "/api/residents/help-requests/{id}/accept/": {"post"},
    "/api/residents/help-requests/{id}/progress/": {"post"},
    "/api/residents/help-requests/{id}/close/": {"post"},
    "/api/residents/help-requests/public/": {"post"},
    "/api/residents/help-requests/status/": {"post"},
}


@pytest.fixture
def schema(db) -> dict:
    response = APIClient().get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_schema_is_openapi_3_json(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]


def test_schema_lists_every_endpoint_and_only_ours(schema):
    documented = {path: set(ops) - {"parameters"} for path, ops in schema["paths"].items()}
    assert documented == ENDPOINTS


def test_schema_declares_session_and_token_authentication(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["tokenAuth"]["in"] == "header"
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_schema_documents_filters_of_the_lists(schema):
    def names(path: str) -> set[str]:
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert {"root", "include_closed"} <= names("/api/organisations/")
    assert {"organisation", "category", "search", "include_left", "page"} <= names("/api/members/")


def test_schema_never_mentions_stored_id_number_columns_and_id_number_is_write_only(schema):
    text = json.dumps(schema)
    assert "id_number_encrypted" not in text and "id_number_hash" not in text
    assert schema["components"]["schemas"]["MemberCreate"]["properties"]["id_number"]["writeOnly"] is True


def test_write_endpoints_document_their_error_answers(schema):
    create = schema["paths"]["/api/members/"]["post"]["responses"]
    assert {"201", "400", "403"} <= set(create)
    transfer = schema["paths"]["/api/members/{id}/transfer/"]["post"]["responses"]
    assert {"201", "400", "403", "404"} <= set(transfer)


def test_spectacular_validates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out)
    )
    assert json.loads(out.read_text())["openapi"].startswith("3.")


def test_search_documents_its_query_paginated_results_and_errors(schema):
    search = schema["paths"]["/api/search/"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "page"}
    assert {"200", "400", "404"} <= set(search["responses"])
    assert search["security"] and {} in search["security"]  # anonymous callers allowed


def test_my_calendar_documents_its_range_and_errors(schema):
    calendar = schema["paths"]["/api/me/calendar/"]["get"]
    assert {p["name"] for p in calendar["parameters"]} >= {"from", "to"}
    assert {"200", "400", "401"} <= set(calendar["responses"])
    assert {"200", "401"} <= set(schema["paths"]["/api/me/calendar-feed/reset/"]["post"]["responses"])
