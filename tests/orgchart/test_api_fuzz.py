"""Fuzz the API with schemathesis over /api/openapi.json: no operation answers a 500, whoever
asks (the street secretary jiedao, the community secretary shequ, the member dangyuan, anyone).

Runs in CI's PostgreSQL run (marked `postgres`); on SQLite it is skipped to keep the default run
short. The users are the shared fixture's, under the demo roles' names.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

ROLES = ["street_secretary", "community_secretary", "member", "anonymous"]


@pytest.fixture
def keep_test_connection():
    """A WSGI request closes the database connection when it ends; the test's transaction lives on
    that connection, so do as Django's test client does and keep it open."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.postgres
@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_operation_answers_a_server_error(case, roles, monkeypatch, keep_test_connection):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the API fuzz runs in the PostgreSQL run (CI); SQLite keeps the default run short")
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    for role in ROLES:
        headers = {}
        if role != "anonymous":
            token, _created = Token.objects.get_or_create(user=roles[role])
            headers["Authorization"] = f"Token {token.key}"
        response = case.call(headers=headers)
        assert response.status_code < 500, (role, case.method, case.formatted_path, response.text[:500])
